/**
 * Drops a repeat of a delivery the Zap already processed. Keygen retries a delivery it thinks
 * failed, under the same idempotency token, so one event can reach the Zap more than once.
 */
import type { ZObject } from 'zapier-platform-core';
import type { WebhookEventResource } from '../keygen/normalize';
import type { Subscription } from './subscription';

/** Keygen retries for up to ~60 hours; keep processed tokens somewhat longer. */
const SEEN_TTL_SECONDS = 4 * 24 * 60 * 60;

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
 * cache does not honour set-if-absent (createAppTester's). When the cache cannot answer, the run
 * goes on: a missed event is worse than a repeated one, and the Zap's log says it may repeat.
 */
export async function seenBefore(z: ZObject, key: string): Promise<boolean> {
  try {
    if ((await z.cache.get(key)) !== null) return true;
    // Core refuses an undefined scope though its type allows only that: null is its "no scope".
    const unscoped = null as unknown as undefined;
    return (await z.cache.set(key, true, SEEN_TTL_SECONDS, unscoped, true)) === false;
  } catch (error) {
    z.console.warn(
      `Could not check whether Keygen delivery ${key} was already processed (${(error as Error).message}), so it was processed: this run may be a duplicate of an earlier one.`,
    );
    return false;
  }
}
