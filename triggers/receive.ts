/** One live delivery to a Zap: verify it, drop strays, records outside the scope and repeats, flatten. */
import type { Bundle, ZObject } from 'zapier-platform-core';
import { DeliveryError, readDelivery } from '../keygen/delivery';
import { findEvent } from '../keygen/events';
import { flattenEvent, type Flat } from '../keygen/normalize';
import { SignatureError, verifyDelivery } from '../keygen/signature';
import { deliveryKey, seenBefore } from './dedupe';
import { outOfScope, scopeOf } from './scope';
import { EVERY_EVENT, subscriptionOf, type Subscription } from './subscription';

/**
 * Run outside a Zap (`zapier invoke` on this machine) there is neither a subscription nor a
 * delivery; in a Zap, a delivery always comes with the request Zapier received.
 */
function noSubscription(z: ZObject, bundle: Bundle): Error {
  if (bundle.rawRequest === undefined && bundle.cleanedRequest === undefined) {
    return new z.errors.HaltedError(
      'Run outside a Zap (as `npm run zapier -- invoke` runs it), a hook trigger has no Keygen subscription and no delivery to verify: it runs when Keygen delivers an event to a Zap. To see a delivery locally, run `npm start -- --keep-running` (its New Event Zap saves every delivery as a file) and check one with `npm run inspect -- FILE`.',
    );
  }
  return new z.errors.HaltedError(
    'This Zap has no Keygen subscription to verify deliveries against. Turn the Zap off and on again to resubscribe.',
  );
}

/** The delivery's event and payload, once its signature holds for the Zap's endpoint. */
function verified(z: ZObject, bundle: Bundle, subscription: Subscription) {
  const request = bundle.rawRequest ?? {};
  try {
    verifyDelivery({
      body: request.content ?? '',
      headers: request.headers ?? {},
      endpointUrl: subscription.url,
      keys: subscription.keys,
    });
    return readDelivery(request.content ?? '');
  } catch (error) {
    if (error instanceof SignatureError) {
      throw new z.errors.HaltedError(
        `Rejected a delivery that is not verifiably from Keygen: ${error.message}`,
      );
    }
    if (error instanceof DeliveryError) throw new z.errors.HaltedError(error.message);
    throw error;
  }
}

function isStray(type: string, subscription: Subscription): boolean {
  if (subscription.events.includes(EVERY_EVENT)) return /^webhook(-endpoint)?\./.test(type);
  return !subscription.events.includes(type);
}

export async function receive(z: ZObject, bundle: Bundle, events: string[]): Promise<Flat[]> {
  const subscription = subscriptionOf(bundle, events);
  if (!subscription) throw noSubscription(z, bundle);
  const { event, payload } = verified(z, bundle, subscription);
  const type = event.attributes.event;
  if (isStray(type, subscription)) return [];
  // Checked before the dedupe, so a delivery outside the scope records nothing.
  const outside = outOfScope(payload.data, scopeOf(bundle));
  if (outside) {
    z.console.log(`Skipped ${type} event ${event.id}, outside this Zap's scope: ${outside}.`);
    return [];
  }
  // Flattened before the claim, so a delivery that fails here is not recorded as processed.
  const flat = flattenEvent(event, payload, findEvent(type));
  if (await seenBefore(z, deliveryKey(subscription, event))) return [];
  return [flat];
}
