import type { Bundle, ZObject } from 'zapier-platform-core';
import { KEYGEN_API_VERSION, keygen, resourceDocument } from '../keygen/client';
import { DeliveryError, readAccountKeys, readDelivery, readWebhookEvent } from '../keygen/delivery';
import { findEvent, type KeygenEvent } from '../keygen/events';
import {
  eventOutputFields,
  flattenEvent,
  sampleResource,
  type Flat,
  type OutputField,
  type PayloadShape,
} from '../keygen/normalize';
import { lazyFields } from '../lazy';
import { SignatureError, verifyDelivery, type VerifyKeys } from '../keygen/signature';

/** What performSubscribe hands to every later delivery of the Zap. */
export interface Subscription {
  id: string;
  url: string;
  events: string[];
  keys: VerifyKeys;
}

/** Keygen retries for up to ~60 hours; keep processed tokens somewhat longer. */
const SEEN_TTL_SECONDS = 4 * 24 * 60 * 60;
const LIST_PAGE_SIZE = 10;
const EVERY_EVENT = '*';

/** The Zap's subscription; `events` falls back to the trigger's own (what it subscribed to). */
function subscriptionOf(bundle: Bundle, events: string[]): Subscription | undefined {
  const data = bundle.subscribeData as Partial<Subscription> | undefined;
  if (!data?.id || !data.url || !data.keys) return undefined;
  return { ...data, events: Array.isArray(data.events) ? data.events : events } as Subscription;
}

export async function subscribe(
  z: ZObject,
  bundle: Bundle,
  events: string[],
): Promise<Subscription> {
  const url = bundle.targetUrl;
  if (!url) throw new z.errors.Error('Zapier gave no URL to subscribe Keygen to.', 'NO_TARGET_URL');
  // Keys first: if the token may not read them, no endpoint is left behind.
  const account = await keygen(z, bundle, {
    path: [],
    action: 'read the account (for its webhook verify keys)',
    target: `account "${bundle.authData.accountId}"`,
  });
  let keys: VerifyKeys;
  try {
    keys = readAccountKeys(account.data);
  } catch (error) {
    throw new z.errors.Error((error as Error).message, 'NO_VERIFY_KEYS');
  }
  const created = await keygen<{ data: { id: string } }>(z, bundle, {
    method: 'POST',
    path: ['webhook-endpoints'],
    body: resourceDocument('webhook-endpoints', {
      url,
      subscriptions: events,
      signatureAlgorithm: 'ed25519',
      apiVersion: KEYGEN_API_VERSION,
    }),
    action: `create a webhook endpoint for ${events.join(', ')}`,
    target: 'webhook endpoint',
  });
  const id = created.data?.data?.id;
  if (!id)
    throw new z.errors.Error(
      'Keygen created the webhook endpoint but returned no id.',
      'NO_ENDPOINT_ID',
    );
  return { id, url, events, keys };
}

export async function unsubscribe(z: ZObject, bundle: Bundle): Promise<{ id: string }> {
  const id = (bundle.subscribeData as Partial<Subscription> | undefined)?.id;
  if (!id) return { id: '' };
  // Already gone (deleted in Keygen's dashboard, or never created) is what we wanted anyway.
  await keygen(z, bundle, {
    method: 'DELETE',
    path: ['webhook-endpoints', id],
    action: `delete webhook endpoint ${id}`,
    target: `webhook endpoint ${id}`,
    allowNotFound: true,
  });
  return { id };
}

/** Best effort: z.cache is an RPC that can fail or be rate-limited, and must never block a run. */
async function seenBefore(z: ZObject, key: string): Promise<boolean> {
  try {
    if ((await z.cache.get(key)) !== null) return true;
    await z.cache.set(key, true, SEEN_TTL_SECONDS);
  } catch (error) {
    z.console.warn(`Could not record delivery ${key}: ${(error as Error).message}`);
  }
  return false;
}

function isStray(type: string, subscription: Subscription): boolean {
  if (subscription.events.includes(EVERY_EVENT)) return /^webhook(-endpoint)?\./.test(type);
  return !subscription.events.includes(type);
}

function shapeOf(type: string): PayloadShape | undefined {
  return findEvent(type);
}

/** One live delivery: verify, drop strays and repeats, flatten. */
export async function receive(z: ZObject, bundle: Bundle, events: string[]): Promise<Flat[]> {
  const subscription = subscriptionOf(bundle, events);
  if (!subscription) {
    throw new z.errors.HaltedError(
      'This Zap has no Keygen subscription to verify deliveries against. Turn the Zap off and on again to resubscribe.',
    );
  }
  const request = bundle.rawRequest ?? {};
  try {
    verifyDelivery({
      body: request.content ?? '',
      headers: request.headers ?? {},
      endpointUrl: subscription.url,
      keys: subscription.keys,
    });
  } catch (error) {
    if (error instanceof SignatureError) {
      throw new z.errors.HaltedError(
        `Rejected a delivery that is not verifiably from Keygen: ${error.message}`,
      );
    }
    throw error;
  }
  let delivery: ReturnType<typeof readDelivery>;
  try {
    delivery = readDelivery(request.content ?? '');
  } catch (error) {
    if (error instanceof DeliveryError) throw new z.errors.HaltedError(error.message);
    throw error;
  }
  const { event, payload } = delivery;
  const type = event.attributes.event;
  if (isStray(type, subscription)) return [];
  const token = event.meta?.idempotencyToken;
  if (token && (await seenBefore(z, `keygen:delivery:${subscription.id}:${token}`))) return [];
  return [flattenEvent(event, payload, shapeOf(type))];
}

/** Recent real events of these types, flattened like live deliveries; the sample when there are none. */
export async function recentEvents(
  z: ZObject,
  bundle: Bundle,
  events: string[],
  sample: Flat,
): Promise<Flat[]> {
  const response = await keygen<{ data?: unknown[] }>(z, bundle, {
    path: ['webhook-events'],
    query: {
      events: events.includes(EVERY_EVENT) ? undefined : events,
      'page[size]': LIST_PAGE_SIZE,
      'page[number]': 1,
    },
    action: `list recent ${events.join(', ')} events`,
    target: 'webhook events',
  });
  const results: Flat[] = [];
  for (const item of response.data?.data ?? []) {
    try {
      const { event, payload } = readWebhookEvent(item);
      results.push(flattenEvent(event, payload, shapeOf(event.attributes.event)));
    } catch (error) {
      if (!(error instanceof DeliveryError)) throw error;
      z.console.warn(`Skipped an unreadable webhook event: ${error.message}`);
    }
  }
  return results.length > 0 ? results : [sample];
}

const SAMPLE_CREATED = '2026-06-30T19:50:11.789Z';

/** A sample built from the field table, so its keys are exactly the trigger's outputFields. */
export function sampleEvent(type: string, shape: PayloadShape): Flat {
  const resource = sampleResource(shape.resource);
  const meta = {
    validation: { ts: SAMPLE_CREATED, valid: true, detail: 'is valid', code: 'VALID' },
    'password-reset': { passwordResetToken: 'c5f0e7a1b2d34c8e9f6a7b8c9d0e1f2a' },
    upgrade: { current: '2.4.0', next: '2.4.1' },
    proof: { proof: 'proof-data.signature' },
  };
  return flattenEvent(
    {
      id: '0b5f4f58-0d53-4b0a-8d7a-9f3a1c0e6a01',
      attributes: { event: type, apiVersion: KEYGEN_API_VERSION, created: SAMPLE_CREATED },
      meta: {
        idempotencyToken: 'd2f8a6c1e0b94f7a8c3d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b1c2d3e4f5av3',
      },
    },
    { data: shape.list ? [resource] : resource, meta: shape.meta ? meta[shape.meta] : undefined },
    shape,
  );
}

export interface HookTriggerSpec {
  key: string;
  noun: string;
  label: string;
  description: string;
  inputFields?: unknown[];
  /** The event types this trigger subscribes to, from the Zap's input. */
  events: (bundle: Bundle) => string[];
  outputFields: () => (OutputField | ((z: ZObject, bundle: Bundle) => Promise<OutputField[]>))[];
  sample: () => Flat;
}

/** A REST-hook trigger: subscribe creates a Keygen webhook endpoint, perform verifies each delivery. */
export function hookTrigger(spec: HookTriggerSpec) {
  const operation = lazyFields(
    {
      type: 'hook' as const,
      ...(spec.inputFields ? { inputFields: spec.inputFields } : {}),
      performSubscribe: (z: ZObject, bundle: Bundle) => subscribe(z, bundle, spec.events(bundle)),
      performUnsubscribe: unsubscribe,
      perform: (z: ZObject, bundle: Bundle) => receive(z, bundle, spec.events(bundle)),
      performList: (z: ZObject, bundle: Bundle) =>
        recentEvents(z, bundle, spec.events(bundle), operation.sample),
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
    events: () => [event.type],
    outputFields: () => eventOutputFields(event),
    sample: () => sampleEvent(event.type, event),
  });
}
