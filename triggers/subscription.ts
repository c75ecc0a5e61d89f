import type { Bundle } from 'zapier-platform-core';
import type { VerifyKeys } from '../keygen/signature';

/** What performSubscribe hands to every later delivery of the Zap. */
export interface Subscription {
  id: string;
  url: string;
  events: string[];
  keys: VerifyKeys;
}

/** Keygen's word for every event type, in an endpoint's subscriptions. */
export const EVERY_EVENT = '*';

/** The Zap's subscription; `events` falls back to the trigger's own (what it subscribed to). */
export function subscriptionOf(bundle: Bundle, events: string[]): Subscription | undefined {
  const data = bundle.subscribeData as Partial<Subscription> | undefined;
  if (!data?.id || !data.url || !data.keys) return undefined;
  return { ...data, events: Array.isArray(data.events) ? data.events : events } as Subscription;
}
