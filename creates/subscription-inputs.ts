/**
 * The inputs of Sync License With Subscription and how each is read. The help texts name the
 * fields to map from Stripe, Paddle and Lemon Squeezy, since those are where the values come from.
 */
import type { Bundle, ZObject } from 'zapier-platform-core';
import { choices, type Field } from '../steps/fields';
import { dateTime, requireText, text } from '../steps/values';
import { requireState, type SubscriptionState } from './subscription-status';

export const DEFAULT_METADATA_KEY = 'stripeSubscriptionId';

const ON_CANCEL = ['suspend', 'revoke', 'expire'] as const;
const ON_PAST_DUE = ['suspend', 'nothing'] as const;
export type OnCancel = (typeof ON_CANCEL)[number];
export type OnPastDue = (typeof ON_PAST_DUE)[number];

export const SYNC_INPUTS: Field[] = [
  {
    key: 'subscription_id',
    label: 'Subscription ID',
    required: true,
    helpText:
      "The payment app's subscription ID, the value the licenses hold in their metadata. Stripe: map the subscription's **ID** (`sub_…`). Paddle: the subscription's **ID** (`sub_…`). Lemon Squeezy: the subscription's **ID**.",
  },
  {
    key: 'status',
    label: 'Subscription Status',
    required: true,
    helpText:
      "The subscription's status as the payment app says it. Stripe: map **Status** (`active`, `trialing`, `past_due`, `unpaid`, `canceled`, …). Paddle: **Status** (`active`, `trialing`, `past_due`, `paused`, `canceled`). Lemon Squeezy: **Status** (`on_trial`, `active`, `past_due`, `unpaid`, `paused`, `cancelled`, `expired`). Chargebee's (`in_trial`, `active`, `non_renewing`, `paused`, `cancelled`) work too. Active and trialing reinstate a suspended license; past due and the like follow On Past Due; canceled, expired and the like follow On Cancel.",
  },
  {
    key: 'metadata_key',
    label: 'Metadata Key',
    default: DEFAULT_METADATA_KEY,
    helpText: `The license metadata key that holds the subscription ID, as set when the license was created (Create License, Metadata). Defaults to ${DEFAULT_METADATA_KEY}; for Paddle or Lemon Squeezy, the key you store their ID under, such as paddleSubscriptionId. Keygen snake_cases keys, so stripeSubscriptionId and stripe_subscription_id are the same key. Every license with this key set to the Subscription ID is synced.`,
  },
  {
    key: 'period_end',
    label: 'Period End',
    helpText:
      "Optional end of the paid period, which becomes the license's expiry while the subscription is active (and with On Cancel set to Expire). ISO 8601 (`2026-12-31T23:59:59Z`) or UNIX seconds. Stripe: map **Current Period End** (on newer Stripe API versions it is on the subscription item: **Items Data Current Period End**). Paddle: **Current Billing Period Ends At**. Lemon Squeezy: **Renews At**, or **Ends At** for a cancelled subscription. Chargebee: **Current Term End**. Leave empty to keep the expiry Keygen sets.",
  },
  {
    key: 'on_cancel',
    label: 'On Cancel',
    default: 'suspend',
    choices: choices([
      ['suspend', 'Suspend the license (default)'],
      ['revoke', 'Revoke (delete) the license'],
      ['expire', 'Expire the license at Period End (now without one)'],
    ]),
    helpText:
      "What a canceled or expired subscription does to its licenses. Suspend keeps them for a later reinstatement; Revoke deletes them; Expire sets their expiry to Period End (or to now). Lemon Squeezy says `cancelled` while the paid period still runs: choose Expire and map the subscription's **Ends At** into Period End, so the license works until then.",
  },
  {
    key: 'on_past_due',
    label: 'On Past Due',
    default: 'suspend',
    choices: choices([
      ['suspend', 'Suspend the license (default)'],
      ['nothing', 'Leave the license as it is'],
    ]),
    helpText:
      'What a past due, unpaid, incomplete or paused subscription does to its licenses: suspend them until the subscription is active again (which reinstates them), or leave them as they are while the payment app retries.',
  },
];

export interface SyncRequest {
  subscriptionId: string;
  metadataKey: string;
  state: SubscriptionState;
  /** ISO 8601 in UTC, so it compares with Keygen's expiry as text and as time. */
  periodEnd?: string;
  onCancel: OnCancel;
  onPastDue: OnPastDue;
}

/** Every input read and checked before Keygen is asked anything. */
export function readSyncRequest(z: ZObject, bundle: Bundle): SyncRequest {
  const input = bundle.inputData;
  const subscriptionId = requireText(z, input.subscription_id, 'Subscription ID');
  const status = requireText(z, input.status, 'Subscription Status');
  const metadataKey = text(input.metadata_key) ?? DEFAULT_METADATA_KEY;
  // Rails reads `metadata[a[b]]` as nesting, so such a key could never match.
  if (/[[\]]/.test(metadataKey)) {
    throw new z.errors.Error(
      `Metadata Key must be a top-level key without [ or ], not "${metadataKey}".`,
      'INPUT_INVALID',
    );
  }
  return {
    subscriptionId,
    metadataKey,
    state: requireState(z, status),
    periodEnd: periodEnd(z, input.period_end, 'Period End'),
    onCancel: choice(z, input.on_cancel, 'On Cancel', ON_CANCEL),
    onPastDue: choice(z, input.on_past_due, 'On Past Due', ON_PAST_DUE),
  };
}

/** Year 9999's last second: a larger number is most likely milliseconds. */
const MAX_UNIX_SECONDS = 253_402_300_799;

/** A date as ISO 8601 in UTC, from ISO 8601 or UNIX seconds (Stripe and Chargebee send those). */
export function periodEnd(z: ZObject, value: unknown, label: string): string | undefined {
  const raw = text(value);
  if (raw === undefined) return undefined;
  const refuse = (why = '') =>
    new z.errors.Error(
      `${label} must be a date such as 2026-12-31T23:59:59Z (ISO 8601) or UNIX seconds such as 1798761599, not "${raw}"${why}.`,
      'INPUT_INVALID',
    );
  if (/^\d+$/.test(raw)) {
    const seconds = Number(raw);
    if (seconds > MAX_UNIX_SECONDS) throw refuse(': that is past the year 9999 (milliseconds?)');
    return new Date(seconds * 1000).toISOString();
  }
  try {
    dateTime(z, raw, label);
  } catch {
    throw refuse();
  }
  // A time without an offset is UTC, as Keygen reads it, whatever this machine's zone is.
  const zoned = !/[T ]\d/i.test(raw) || /(?:Z|[+-]\d{2}(?::?\d{2})?)$/i.test(raw);
  return new Date(Date.parse(zoned ? raw : `${raw.replace(' ', 'T')}Z`)).toISOString();
}

function choice<T extends string>(
  z: ZObject,
  value: unknown,
  label: string,
  options: readonly T[],
): T {
  const raw = text(value)?.toLowerCase();
  if (raw === undefined) return options[0];
  const found = options.find((option) => option === raw);
  if (found) return found;
  throw new z.errors.Error(
    `${label} must be one of ${options.join(', ')}, not "${raw}".`,
    'INPUT_INVALID',
  );
}
