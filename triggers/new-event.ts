import type { Bundle, ZObject } from 'zapier-platform-core';
import { EVENTS, findEvent } from '../keygen/events';
import { EVENT_FIELDS, eventOutputFields, type OutputField } from '../keygen/normalize';
import { sampleEvent } from '../keygen/samples';
import { hookTrigger } from './hook';

/** The chosen event types; none chosen means every event, which Keygen spells `["*"]`. */
function chosenEvents(bundle: Bundle): string[] {
  const raw = bundle.inputData.events;
  const list = (Array.isArray(raw) ? raw : String(raw ?? '').split(','))
    .map((type) => String(type).trim())
    .filter(Boolean);
  return list.length > 0 ? [...new Set(list)] : ['*'];
}

/** The fields of the chosen events' payloads, so later steps can map them before a delivery arrives. */
async function chosenEventFields(_z: ZObject, bundle: Bundle): Promise<OutputField[]> {
  const seen = new Set(EVENT_FIELDS.map((f) => f.key));
  const fields: OutputField[] = [];
  for (const type of chosenEvents(bundle)) {
    const event = findEvent(type);
    if (!event) continue;
    for (const field of eventOutputFields(event)) {
      if (seen.has(field.key)) continue;
      seen.add(field.key);
      fields.push(field);
    }
  }
  return fields;
}

export const newEvent = hookTrigger({
  key: 'new_event',
  noun: 'Event',
  label: 'New Event',
  description:
    'Triggers when any of the Keygen events you choose happens (every event when you choose none). Each delivery is verified against your account’s signing key.',
  inputFields: [
    {
      key: 'events',
      label: 'Events',
      list: true,
      required: false,
      altersDynamicFields: true,
      choices: EVENTS.map((event) => ({
        value: event.type,
        label: event.label,
        sample: event.type,
      })),
      helpText:
        'The Keygen event types that start this Zap, such as `license.created`. Leave empty to trigger on every event.',
    },
  ],
  events: chosenEvents,
  outputFields: () => [...EVENT_FIELDS, chosenEventFields],
  sample: () => sampleEvent('license.created', findEvent('license.created')!),
});
