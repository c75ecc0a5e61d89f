import type { ParsedPayload, WebhookEventResource } from './normalize';

/** Why a verified body could still not be read; perform halts with the message. */
export class DeliveryError extends Error {
  override name = 'DeliveryError';
}

// zod costs ~40 ms to load: only deliveries and subscriptions need it, so it loads on first use.
let schemas: typeof import('./delivery-schemas') | undefined;
function loadSchemas() {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (schemas ??= require('./delivery-schemas') as typeof import('./delivery-schemas'));
}

function describeIssues(issues: readonly { path: PropertyKey[]; message: string }[]): string {
  return issues
    .slice(0, 3)
    .map((issue) => `${issue.path.map(String).join('.') || '(body)'}: ${issue.message}`)
    .join('; ');
}

function parseJson(text: string, what: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new DeliveryError(`${what} is not JSON.`);
  }
}

/**
 * A webhook event (a delivery's `data`, or an item of `GET /webhook-events`) and its payload, which
 * Keygen sends as a JSON string inside the event.
 */
export function readWebhookEvent(value: unknown): {
  event: WebhookEventResource;
  payload: ParsedPayload;
} {
  const { webhookEvent, payloadDocument } = loadSchemas();
  const event = webhookEvent.safeParse(value);
  if (!event.success) {
    throw new DeliveryError(
      `The delivery is not a Keygen webhook event (${describeIssues(event.error.issues)}).`,
    );
  }
  const raw = event.data.attributes.payload;
  const payload = payloadDocument.safeParse(raw ? parseJson(raw, 'The event payload') : {});
  if (!payload.success) {
    throw new DeliveryError(
      `The event payload is not a JSON:API document (${describeIssues(payload.error.issues)}).`,
    );
  }
  return { event: event.data, payload: payload.data };
}

/** The raw body of a delivery: `{ "data": <webhook event> }`. */
export function readDelivery(body: string) {
  const document = parseJson(body, 'The delivery body');
  const data = (document as { data?: unknown } | null)?.data;
  return readWebhookEvent(data);
}

/** The account's verify keys (`data.meta.keys` of `GET /v1/accounts/{id}`). */
export function readAccountKeys(document: unknown) {
  const { accountKeys } = loadSchemas();
  const parsed = accountKeys.safeParse(document);
  if (!parsed.success) {
    throw new DeliveryError(
      `Keygen's account answer has no webhook verify keys (${describeIssues(parsed.error.issues)}).`,
    );
  }
  return parsed.data.data.meta.keys;
}
