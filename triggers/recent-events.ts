/** The editor's list of a hook trigger: recent real events, flattened like live deliveries. */
import type { Bundle, ZObject } from 'zapier-platform-core';
import { MAX_PAGE_SIZE, keygen } from '../keygen/client';
import { DeliveryError, readWebhookEvent } from '../keygen/delivery';
import { findEvent } from '../keygen/events';
import { flattenEvent, type Flat } from '../keygen/normalize';
import { outOfScope, scopedSample, scopeOf } from './scope';
import { EVERY_EVENT } from './subscription';

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
        if (outOfScope(payload.data, scope)) continue;
        results.push(flattenEvent(event, payload, findEvent(event.attributes.event)));
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
