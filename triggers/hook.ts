import type { Bundle, ZObject } from 'zapier-platform-core';
import {
  KEYGEN_API_VERSION,
  MAX_PAGE_SIZE,
  keygen,
  keygenList,
  resourceDocument,
} from '../keygen/client';
import { DeliveryError, readAccountKeys, readDelivery, readWebhookEvent } from '../keygen/delivery';
import { findEvent, type KeygenEvent } from '../keygen/events';
import { eventOutputFields, flattenEvent, type Flat, type OutputField } from '../keygen/normalize';
import { lazyFields } from '../steps/lazy';
import { sampleEvent } from '../keygen/samples';
import {
  SignatureError,
  checkVerifiable,
  verifyDelivery,
  type VerifyKeys,
} from '../keygen/signature';
import { outOfScope, scopedSample, scopeInputs, scopeOf } from './scope';

/** What performSubscribe hands to every later delivery of the Zap. */
export interface Subscription {
  id: string;
  url: string;
  events: string[];
  keys: VerifyKeys;
}

/** Keygen retries for up to ~60 hours; keep processed tokens somewhat longer. */
const SEEN_TTL_SECONDS = 4 * 24 * 60 * 60;
const EVERY_EVENT = '*';

/** The Zap's subscription; `events` falls back to the trigger's own (what it subscribed to). */
function subscriptionOf(bundle: Bundle, events: string[]): Subscription | undefined {
  const data = bundle.subscribeData as Partial<Subscription> | undefined;
  if (!data?.id || !data.url || !data.keys) return undefined;
  return { ...data, events: Array.isArray(data.events) ? data.events : events } as Subscription;
}

/** An id Keygen could have given: text that is one path segment, never "." or "..". */
function isEndpointId(id: unknown): id is string {
  return typeof id === 'string' && id.trim() !== '' && !/^\.{1,2}$/.test(id);
}

/** The endpoints pointing at this URL: there is one per Zap, as each Zap has its own target URL. */
async function endpointsFor(z: ZObject, bundle: Bundle, url: string): Promise<string[]> {
  const endpoints = await keygenList<{ id?: unknown; attributes?: { url?: unknown } }>(z, bundle, {
    path: ['webhook-endpoints'],
    action: 'list webhook endpoints (to find the one for this Zap)',
    target: 'webhook endpoints',
  });
  return endpoints
    .filter((endpoint) => endpoint.attributes?.url === url)
    .map((endpoint) => endpoint.id)
    .filter(isEndpointId);
}

async function deleteEndpoint(z: ZObject, bundle: Bundle, id: string): Promise<void> {
  // Already gone (deleted in Keygen's dashboard, or never created) is what we wanted anyway.
  await keygen(z, bundle, {
    method: 'DELETE',
    path: ['webhook-endpoints', id],
    action: `delete webhook endpoint ${id}`,
    target: `webhook endpoint ${id}`,
    allowNotFound: true,
  });
}

/**
 * Deletes what a failed subscribe may have left in Keygen, found by the Zap's URL (Keygen gave no
 * usable id). Says what happened, for the error being reported.
 */
async function removeLeftover(z: ZObject, bundle: Bundle, url: string) {
  try {
    const ids = await endpointsFor(z, bundle, url);
    for (const each of ids) await deleteEndpoint(z, bundle, each);
    return ids.length > 0 ? ' The webhook endpoint Keygen created was deleted again.' : '';
  } catch {
    return ` Keygen may have created a webhook endpoint for ${url} that could not be deleted: delete it in the Keygen dashboard (Webhooks).`;
  }
}

/**
 * The message, code and status of a failure after which Keygen may have created the endpoint: it
 * answered, but not with a 4xx (a 5xx, a time-out, an answer that was not Keygen's).
 */
function mayHaveCreated(
  error: unknown,
): { message: string; code?: string; status?: number } | undefined {
  if (!(error instanceof Error) || error.name !== 'AppError') return undefined;
  try {
    const fields = JSON.parse(error.message) as { message: string; code?: string; status?: number };
    const refused =
      typeof fields.status === 'number' && fields.status >= 400 && fields.status < 500;
    return refused ? undefined : fields;
  } catch {
    return { message: error.message };
  }
}

export async function subscribe(
  z: ZObject,
  bundle: Bundle,
  events: string[],
): Promise<Subscription> {
  const url = bundle.targetUrl;
  if (!url) throw new z.errors.Error('Zapier gave no URL to subscribe Keygen to.', 'NO_TARGET_URL');
  try {
    checkVerifiable(url, {});
  } catch (error) {
    if (!(error instanceof SignatureError)) throw error;
    throw new z.errors.Error(
      `Zapier's webhook URL "${url}" is not an absolute http(s) URL, so Keygen's signature over it could never be checked. Turn the Zap off and on again; if it persists, contact support.`,
      'UNVERIFIABLE_TARGET_URL',
    );
  }
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
  // The endpoint is created for ed25519: without that key no delivery could ever be verified.
  if (!keys.ed25519) {
    throw new z.errors.Error(
      "Keygen's account answer has no ed25519 verify key, so deliveries could not be verified. Check that the token may read the account.",
      'NO_VERIFY_KEYS',
    );
  }
  try {
    checkVerifiable(url, keys);
  } catch (error) {
    if (!(error instanceof SignatureError)) throw error;
    throw new z.errors.Error(
      `Keygen's account answer has a verify key that cannot be used, so deliveries could never be verified: ${error.message} Check the Base URL and Account ID of the connection.`,
      'NO_VERIFY_KEYS',
    );
  }
  const { product } = scopeOf(bundle);
  let created: Awaited<ReturnType<typeof keygen<{ data?: { id?: unknown } }>>>;
  try {
    created = await keygen<{ data?: { id?: unknown } }>(z, bundle, {
      method: 'POST',
      path: ['webhook-endpoints'],
      body: resourceDocument(
        'webhook-endpoints',
        {
          url,
          subscriptions: events,
          signatureAlgorithm: 'ed25519',
          apiVersion: KEYGEN_API_VERSION,
        },
        { product: product ? { type: 'products', id: product } : undefined },
      ),
      action: `create a webhook endpoint for ${events.join(', ')}${product ? ` scoped to product "${product}"` : ''}`,
      target: product ? `product "${product}"` : 'webhook endpoint',
      hint: (status) =>
        status === 403 && product
          ? 'A product token only sees its own product: choose that product in Product, leave Product empty, or connect an admin token.'
          : undefined,
    });
  } catch (error) {
    const failure = mayHaveCreated(error);
    if (!failure) throw error;
    // The user must learn what became of an endpoint Keygen may have made, not only the cause.
    const note = await removeLeftover(z, bundle, url);
    if (!note) throw error;
    throw new z.errors.Error(`${failure.message}${note}`, failure.code, failure.status);
  }
  const id = created.data?.data?.id;
  if (!isEndpointId(id)) {
    const note = await removeLeftover(z, bundle, url);
    throw new z.errors.Error(
      `Keygen created the webhook endpoint but answered without a usable id, so the Zap could never unsubscribe it.${note} Turn the Zap off and on again.`,
      'NO_ENDPOINT_ID',
    );
  }
  return { id, url, events, keys };
}

/** Deletes the Zap's endpoint; one stored without a usable id is found by its URL. */
export async function unsubscribe(z: ZObject, bundle: Bundle): Promise<{ id: string }> {
  const data = bundle.subscribeData as Partial<Subscription> | undefined;
  const ids = isEndpointId(data?.id)
    ? [data.id]
    : typeof data?.url === 'string' && data.url !== ''
      ? await endpointsFor(z, bundle, data.url)
      : [];
  for (const id of ids) await deleteEndpoint(z, bundle, id);
  return { id: ids.join(',') };
}

/**
 * Claims a delivery. The set-if-absent is what decides: of concurrent runs of one delivery only
 * the first gets true. The read before it answers a plain repeat without a write, also where a
 * cache does not honour set-if-absent (createAppTester's). When the cache cannot answer, the run
 * goes on: a missed event is worse than a repeated one, and the Zap's log says it may repeat.
 */
async function seenBefore(z: ZObject, key: string): Promise<boolean> {
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

function isStray(type: string, subscription: Subscription): boolean {
  if (subscription.events.includes(EVERY_EVENT)) return /^webhook(-endpoint)?\./.test(type);
  return !subscription.events.includes(type);
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
  const flat = flattenEvent(event, payload, findEvent(type));
  // Checked before the dedupe, so a delivery outside the scope records nothing.
  const outside = outOfScope(flat, scopeOf(bundle));
  if (outside) {
    z.console.log(`Skipped ${type} event ${event.id}, outside this Zap's scope: ${outside}.`);
    return [];
  }
  // Keygen keeps the idempotency token across retries; an event without one has its id.
  const once = event.meta?.idempotencyToken || event.id;
  if (await seenBefore(z, `keygen:delivery:${subscription.id}:${once}`)) return [];
  return [flat];
}

/** Keygen's default page of webhook events: what the editor shows. */
const RECENT_EVENTS = 10;
/** Pages of 100 read when scoped, to find matching events among other products' without walking the whole backlog. */
const SCOPED_PAGES = 3;

/**
 * Recent real events of these types, flattened like live deliveries; the sample when there are
 * none. A scoped trigger shows only events its scope lets through (the newest 10 of up to 300),
 * and otherwise the sample naming the chosen product and policy.
 */
export async function recentEvents(
  z: ZObject,
  bundle: Bundle,
  events: string[],
  sample: Flat,
): Promise<Flat[]> {
  const scope = scopeOf(bundle);
  const scoped = Object.keys(scope).length > 0;
  const results: Flat[] = [];
  for (let page = 1; page <= (scoped ? SCOPED_PAGES : 1); page += 1) {
    const response = await keygen<{ data?: unknown[] }>(z, bundle, {
      path: ['webhook-events'],
      query: {
        events: events.includes(EVERY_EVENT) ? undefined : events,
        ...(scoped ? { 'page[size]': MAX_PAGE_SIZE, 'page[number]': page } : {}),
      },
      action: `list recent ${events.join(', ')} events`,
      target: 'webhook events',
    });
    const items = response.data?.data;
    const list = Array.isArray(items) ? items : [];
    for (const item of list) {
      try {
        const { event, payload } = readWebhookEvent(item);
        const flat = flattenEvent(event, payload, findEvent(event.attributes.event));
        if (!outOfScope(flat, scope)) results.push(flat);
      } catch (error) {
        if (!(error instanceof DeliveryError)) throw error;
        z.console.warn(`Skipped an unreadable webhook event: ${error.message}`);
      }
    }
    if (!scoped || results.length >= RECENT_EVENTS || list.length < MAX_PAGE_SIZE) break;
  }
  if (results.length > 0) return scoped ? results.slice(0, RECENT_EVENTS) : results;
  return [scoped ? scopedSample(sample, scope) : sample];
}

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
