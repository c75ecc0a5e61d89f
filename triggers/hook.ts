/** The one factory of hook triggers: every catalog event's trigger and new_event are built here. */
import type { Bundle, ZObject } from 'zapier-platform-core';
import { findEvent, type KeygenEvent } from '../keygen/events';
import { eventOutputFields, type Flat, type OutputField } from '../keygen/normalize';
import { sampleEvent } from '../keygen/samples';
import { lazyFields } from '../steps/lazy';
import { subscribe, unsubscribe } from './endpoint';
import { receive } from './receive';
import { recentEvents } from './recent-events';
import { scopeInputs } from './scope';

export interface HookTriggerSpec {
  key: string;
  noun: string;
  label: string;
  description: string;
  inputFields?: unknown[];
  /** The payload's resource type, when the trigger has one: decides its scope inputs. */
  resource?: string;
  /** The event types this trigger subscribes to, from the Zap's input. */
  events: (bundle: Bundle) => string[];
  outputFields: () => readonly (
    OutputField | ((z: ZObject, bundle: Bundle) => Promise<OutputField[]>)
  )[];
  sample: () => Flat;
}

/** A REST-hook trigger: subscribe creates a Keygen webhook endpoint, perform verifies each delivery. */
export function hookTrigger(spec: HookTriggerSpec) {
  const operation = lazyFields(
    {
      type: 'hook' as const,
      inputFields: [...(spec.inputFields ?? []), ...scopeInputs(spec.resource)],
      performSubscribe: (z: ZObject, bundle: Bundle) => subscribe(z, bundle, spec.events(bundle)),
      performUnsubscribe: unsubscribe,
      perform: (z: ZObject, bundle: Bundle) => receive(z, bundle, spec.events(bundle)),
      performList: (z: ZObject, bundle: Bundle) => {
        const events = spec.events(bundle);
        // new_event falls back to the sample of the first event chosen, not a license's.
        const first = findEvent(events[0]);
        const sample = first ? sampleEvent(first.type, first) : operation.sample;
        return recentEvents(z, bundle, events, sample);
      },
    },
    { outputFields: spec.outputFields, sample: spec.sample },
  );
  return {
    key: spec.key,
    noun: spec.noun,
    display: { label: spec.label, description: spec.description },
    operation,
  };
}

/** The trigger of one catalog event: its key, label and description come from the catalog. */
export function eventTrigger(event: KeygenEvent) {
  return hookTrigger({
    key: event.key,
    noun: event.noun,
    label: event.label,
    description: event.description,
    resource: event.resource,
    events: () => [event.type],
    outputFields: () => eventOutputFields(event),
    sample: () => sampleEvent(event.type, event),
  });
}
