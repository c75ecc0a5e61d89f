/**
 * The Zap's Keygen webhook endpoint: subscribe creates it (and cleans up what a failed create may
 * have left), unsubscribe deletes it.
 */
import type { Bundle, ZObject } from 'zapier-platform-core';
import {
  KEYGEN_API_VERSION,
  keygen,
  keygenError,
  keygenFailure,
  keygenList,
  resourceDocument,
  type KeygenFailure,
} from '../keygen/client';
import { scopeOf } from './scope';
import type { Subscription } from './subscription';
import { readVerifyKeys, targetUrlOf } from './verify-keys';

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
 * The failure after which Keygen may have created the endpoint: it answered, but not with a 4xx (a
 * 5xx, a time-out, an answer that was not Keygen's). A redirect the client refused to follow never
 * reached Keygen's create.
 */
function mayHaveCreated(error: unknown): KeygenFailure | undefined {
  const failure = keygenFailure(error);
  return failure && !(failure.status >= 300 && failure.status < 500) ? failure : undefined;
}

/** Creates the endpoint and answers its id; on failure, first removes what Keygen may have made. */
async function createEndpoint(
  z: ZObject,
  bundle: Bundle,
  url: string,
  events: string[],
): Promise<string> {
  const { product } = scopeOf(bundle);
  let id: unknown;
  try {
    const created = await keygen<{ data?: { id?: unknown } }>(z, bundle, {
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
    id = created.data?.data?.id;
  } catch (error) {
    const failure = mayHaveCreated(error);
    if (!failure) throw error;
    // The user must learn what became of an endpoint Keygen may have made, not only the cause.
    const note = await removeLeftover(z, bundle, url);
    if (!note) throw error;
    throw keygenError(z, bundle, { ...failure, message: `${failure.message}${note}` });
  }
  if (!isEndpointId(id)) {
    const note = await removeLeftover(z, bundle, url);
    throw new z.errors.Error(
      `Keygen created the webhook endpoint but answered without a usable id, so the Zap could never unsubscribe it.${note} Turn the Zap off and on again.`,
      'NO_ENDPOINT_ID',
    );
  }
  return id;
}

export async function subscribe(
  z: ZObject,
  bundle: Bundle,
  events: string[],
): Promise<Subscription> {
  const url = targetUrlOf(z, bundle);
  // Keys first: if the token may not read them, no endpoint is left behind.
  const keys = await readVerifyKeys(z, bundle, url);
  const id = await createEndpoint(z, bundle, url, events);
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
