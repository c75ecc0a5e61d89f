/**
 * Payment providers' subscription statuses, sorted into what they mean for a license. Stripe,
 * Paddle, Lemon Squeezy and Chargebee each spell them their own way (`past_due`, `PAST-DUE`,
 * `cancelled`), so a status is compared in one spelling: lower case, `_` for `-` and spaces, and
 * the American `canceled`.
 */
import type { ZObject } from 'zapier-platform-core';

export type SubscriptionState = 'active' | 'delinquent' | 'ended';

export const STATUS_GROUPS: Readonly<Record<SubscriptionState, readonly string[]>> = {
  active: ['active', 'trialing', 'on_trial', 'in_trial', 'non_renewing', 'paid'],
  delinquent: ['past_due', 'unpaid', 'incomplete', 'paused', 'on_hold'],
  ended: ['canceled', 'incomplete_expired', 'expired', 'ended', 'deleted'],
};

const STATE_OF = new Map<string, SubscriptionState>(
  Object.entries(STATUS_GROUPS).flatMap(([state, words]) =>
    words.map((word) => [word, state as SubscriptionState] as const),
  ),
);

/** The one spelling statuses are compared in: `PAST-DUE` and ` Past Due ` are `past_due`. */
export function normalizeStatus(status: string): string {
  return status
    .trim()
    .toLowerCase()
    .replace(/[\s_-]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .replace(/cancelled/g, 'canceled');
}

/** What the status means for a license, or `undefined` for a word no provider uses. */
export function stateOf(status: string): SubscriptionState | undefined {
  return STATE_OF.get(normalizeStatus(status));
}

/** The state, or an error that quotes the status and lists every known one. */
export function requireState(z: ZObject, status: string): SubscriptionState {
  const state = stateOf(status);
  if (state) return state;
  const known = Object.entries(STATUS_GROUPS)
    .map(([group, words]) => `${group}: ${words.join(', ')}`)
    .join('; ');
  throw new z.errors.Error(
    `Subscription Status "${status}" is not a status this step knows, so nothing was changed. Map the subscription's status from the payment app; the known statuses (case, "-" and spaces do not matter, "cancelled" is "canceled") are ${known}.`,
    'INPUT_INVALID',
  );
}
