/**
 * Drops a repeat of a delivery the Zap already processed. Keygen retries a delivery it thinks
 * failed, under the same idempotency token, so one event can reach the Zap more than once.
 */
import { randomUUID } from 'node:crypto';
import type { ZObject } from 'zapier-platform-core';
import type { WebhookEventResource } from '../keygen/normalize';
import type { Subscription } from './subscription';

/** Keygen retries for up to ~60 hours; keep processed tokens somewhat longer. */
const SEEN_TTL_SECONDS = 4 * 24 * 60 * 60;

/**
 * What the app stores for a processed delivery, with a nonce per run. Only this counts as "seen",
 * and the `true` that version 1.0.0 stored under the same key, so a Keygen retry of a delivery it
 * processed is still dropped after an upgrade: whatever else a cache answers (`false`, `0`,
 * another app's value) leaves the delivery to run.
 */
const MARKER = 'keygen-zapier:processed:';
const isMarker = (value: unknown): boolean =>
  value === true || (typeof value === 'string' && value.startsWith(MARKER));

/**
 * The cache key of one delivery for one Zap. Keygen keeps the idempotency token across retries
 * (an event without one has its id); the endpoint id keeps two Zaps that receive the same event
 * from dropping each other's delivery.
 */
export function deliveryKey(subscription: Subscription, event: WebhookEventResource): string {
  const once = event.meta?.idempotencyToken || event.id;
  return `keygen:delivery:${subscription.id}:${once}`;
}

/**
 * Claims a delivery. The set-if-absent is what decides: of concurrent runs of one delivery only
 * the first gets true. The read before it answers a plain repeat without a write, also where a
 * cache does not honour set-if-absent (createAppTester's). A refused claim is a repeat only when
 * the cache then holds another run's marker. When the cache cannot answer, the run goes on: a
 * missed event is worse than a repeated one, and the Zap's log says it may repeat.
 */
export async function seenBefore(z: ZObject, key: string): Promise<boolean> {
  try {
    if (isMarker(await z.cache.get(key))) return true;
    const mine = `${MARKER}${randomUUID()}`;
    // Core refuses an undefined scope though its type allows only that: null is its "no scope".
    const unscoped = null as unknown as undefined;
    if ((await z.cache.set(key, mine, SEEN_TTL_SECONDS, unscoped, true)) === true) return false;
    const holder: unknown = await z.cache.get(key);
    if (holder === mine) return false;
    if (isMarker(holder)) return true;
    z.console.warn(
      `The cache neither recorded Keygen delivery ${key} as processed nor holds an earlier run's record of it, so it was processed: this run may be a duplicate of an earlier one.`,
    );
    return false;
  } catch (error) {
    z.console.warn(
      `Could not check whether Keygen delivery ${key} was already processed (${(error as Error).message}), so it was processed: this run may be a duplicate of an earlier one.`,
    );
    return false;
  }
}
