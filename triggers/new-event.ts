import type { Bundle, ZObject } from 'zapier-platform-core';
import { EVENTS, findEvent } from '../keygen/events';
import { eventOutputFields, type OutputField } from '../keygen/normalize';
import { sampleEvent } from '../keygen/samples';
import { hookTrigger } from './hook';
import { EVERY_EVENT } from './subscription';

/** The chosen event types; none chosen means every event, which Keygen spells `["*"]`. */
function chosenEvents(bundle: Bundle): string[] {
  const raw = bundle.inputData.events;
  const list = (Array.isArray(raw) ? raw : String(raw ?? '').split(','))
    .map((type) => String(type).trim())
    .filter(Boolean);
  return list.length > 0 ? [...new Set(list)] : [EVERY_EVENT];
}

/** The event the static sample shows (a license created): its fields are listed statically. */
const SAMPLE_EVENT = findEvent('license.created')!;

/**
 * The fields of the chosen events' payloads beyond the sample's, so later steps can map them
 * before a delivery arrives.
 */
async function chosenEventFields(_z: ZObject, bundle: Bundle): Promise<OutputField[]> {
  const seen = new Set(eventOutputFields(SAMPLE_EVENT).map((f) => f.key));
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
    'Triggers when any of the events you choose happens (every event when you choose none). Each delivery is verified against your account’s signing key.',
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
  // Static: every key of the sample, labelled even where Zapier does not run the function.
  outputFields: () => [...eventOutputFields(SAMPLE_EVENT), chosenEventFields],
  sample: () => sampleEvent(SAMPLE_EVENT.type, SAMPLE_EVENT),
});
