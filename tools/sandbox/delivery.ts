/**
 * Webhook delivery as Keygen's broadcast service and webhook worker do it (keygen-api app/services/broadcast_event_service.rb, app/workers/webhook_worker.rb): one
 * webhook event per subscribed endpoint, a body fixed at creation and re-signed with a fresh Date
 * on every attempt, retries with backoff while the receiver answers non-2xx, 410/530 disabling the
 * endpoint, and a refused or reset connection failing at once. Only the delays are short, and
 * nothing is sent off this machine (./this-machine.ts), whatever the store holds.
 */
import { request as httpRequest, type ClientRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { LookupFunction } from 'node:net';
import { randomUUID } from 'node:crypto';
import type { AccountKeys, SignatureAlgorithm } from './keys';
import { serializeWebhookEvent, type Context, type Resource } from './serializers';
import { deliveryHeaders } from './signer';
import { hex, type WebhookEndpoint, type WebhookEvent } from './store';
import { NOT_LOOPBACK, THIS_MACHINE, isThisMachine, loopbackOnly } from './this-machine';

export interface DeliveryAttempt {
  eventId: string;
  endpointId: string;
  event: string;
  idempotencyToken: string;
  /** 1 for the first attempt of this webhook event, 2 for its first retry, … */
  attempt: number;
  url: string;
  status: number | 'refused' | 'error';
}

/**
 * Keygen makes up to 16 attempts; here the 15 waits are seconds, not hours. None is shorter than
 * a second: Date has whole seconds, and a retry must carry a Date of its own, as Keygen's do.
 */
export const DEFAULT_RETRY_DELAYS_MS: readonly number[] = [
  1000, 1000, 1500, 2000, 2000, 2000, 2000, 2000, 2000, 2000, 2000, 2000, 2000, 2000, 2000,
];
export const DEFAULT_TIMEOUT_MS = 15_000;
/** Keygen keeps at most this much of a receiver's answer. */
const MAX_RESPONSE_BODY_BYTES = 2048;
/** Payloads are rendered in this version only (no down-migration). */
export const PAYLOAD_API_VERSION = '1.8';

/** Connection failures Keygen gives up on at once, with the body it records for each. */
const FATAL_ERRORS: Record<string, string> = {
  ECONNREFUSED: 'CONN_REFUSED',
  ECONNRESET: 'CONN_RESET',
  ENETUNREACH: 'NET_UNREACH',
  EHOSTUNREACH: 'HOST_UNREACH',
  ENOTFOUND: 'DNS_ERROR',
  EAI_AGAIN: 'DNS_ERROR',
};
/** What the event records when the worker will not send: Keygen has no such case. */
const NOT_ON_THIS_MACHINE = 'NOT_ON_THIS_MACHINE';

export interface DeliveryOptions {
  ctx: Context;
  keys: AccountKeys;
  retryDelaysMs: readonly number[];
  timeoutMs: number;
  /** The resolver behind the loopback check: the system's, unless a test stands in for it. */
  lookup?: LookupFunction;
}

type Outcome =
  | { kind: 'response'; code: number; body: string }
  | { kind: 'fatal'; error: string }
  /** No answer in time, or a failure Keygen retries (a TLS error, say). */
  | { kind: 'retry' };

export class Deliveries {
  readonly attempts: DeliveryAttempt[] = [];
  /** The body of each webhook event, fixed when it is created: retries resend it unchanged. */
  private readonly bodies = new Map<string, string>();
  private pending = 0;
  private waiters: (() => void)[] = [];
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly requests = new Set<ClientRequest>();
  private closed = false;

  constructor(private readonly options: DeliveryOptions) {}

  /**
   * One webhook event per endpoint subscribed to `event`; an endpoint scoped to a product only gets
   * events about records of that product (`productIds`).
   */
  broadcast(
    event: string,
    payload: { data: Resource | Resource[] | null; meta?: unknown },
    productIds: readonly string[],
  ): WebhookEvent[] {
    const { store } = this.options.ctx;
    const text = JSON.stringify(payload);
    return store.webhookEndpoints
      .all('asc')
      .filter((endpoint) => subscribed(endpoint, event))
      .filter((endpoint) => endpoint.productId === null || productIds.includes(endpoint.productId))
      .map((endpoint) => this.create(endpoint, event, text, `${hex(31)}v3`));
  }

  /** The retry action: a new webhook event (new id) with the same payload and idempotency token. */
  retry(original: WebhookEvent): WebhookEvent | undefined {
    const endpoint = this.options.ctx.store.webhookEndpoints.get(original.endpointId);
    if (!endpoint) return undefined;
    return this.create(endpoint, original.event, original.payload, original.idempotencyToken);
  }

  /** Resolves once no attempt is in flight or waiting for its retry. */
  idle(): Promise<void> {
    if (this.pending === 0) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  close(): void {
    this.closed = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    for (const req of this.requests) req.destroy();
    this.requests.clear();
    this.pending = 0;
    this.settle();
  }

  private create(
    endpoint: WebhookEndpoint,
    event: string,
    payload: string,
    idempotencyToken: string,
  ): WebhookEvent {
    const { ctx } = this.options;
    const record = ctx.store.webhookEvents.add({
      id: randomUUID(),
      endpointId: endpoint.id,
      endpoint: endpoint.url,
      apiVersion: PAYLOAD_API_VERSION,
      payload,
      event,
      status: 'DELIVERING',
      lastResponseCode: null,
      lastResponseBody: null,
      idempotencyToken,
    });
    this.bodies.set(record.id, JSON.stringify({ data: serializeWebhookEvent(ctx, record) }));
    // Keygen delivers from a worker: the API answer goes out first.
    this.schedule(record, 1, 0);
    return record;
  }

  private schedule(event: WebhookEvent, attempt: number, delayMs: number): void {
    if (this.closed) return;
    this.pending += 1;
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      void this.attempt(event, attempt).finally(() => {
        if (this.closed) return;
        this.pending -= 1;
        this.settle();
      });
    }, delayMs);
    this.timers.add(timer);
  }

  private settle(): void {
    if (this.pending > 0) return;
    const waiters = this.waiters;
    this.waiters = [];
    for (const resolve of waiters) resolve();
  }

  private async attempt(event: WebhookEvent, attempt: number): Promise<void> {
    const { ctx, keys, retryDelaysMs } = this.options;
    const endpoint = ctx.store.webhookEndpoints.get(event.endpointId);
    // Re-checked before every attempt: a deleted or unsubscribed endpoint is silently skipped.
    if (!endpoint || !subscribed(endpoint, event.event)) return;
    const body = this.bodies.get(event.id) ?? '';
    const headers = deliveryHeaders({
      accountId: ctx.account.id,
      keys,
      algorithm: endpoint.signatureAlgorithm as SignatureAlgorithm,
      url: endpoint.url,
      body,
      apiVersion: event.apiVersion,
      date: new Date(),
    });
    const outcome = await this.post(endpoint.url, headers, body);
    if (this.closed) return;
    this.attempts.push({
      eventId: event.id,
      endpointId: endpoint.id,
      event: event.event,
      idempotencyToken: event.idempotencyToken,
      attempt,
      url: endpoint.url,
      status:
        outcome.kind === 'response'
          ? outcome.code
          : outcome.kind === 'fatal' && outcome.error === 'CONN_REFUSED'
            ? 'refused'
            : 'error',
    });
    const exhausted = attempt > retryDelaysMs.length;
    if (outcome.kind === 'fatal') {
      this.update(event, {
        status: 'FAILED',
        lastResponseCode: null,
        lastResponseBody: outcome.error,
      });
      return;
    }
    if (outcome.kind === 'retry') {
      // Keygen records nothing for a timeout; the job is just retried.
      this.update(event, { status: exhausted ? 'FAILED' : event.status });
      if (!exhausted) this.schedule(event, attempt + 1, retryDelaysMs[attempt - 1]);
      return;
    }
    const { code } = outcome;
    const lastResponseBody =
      Buffer.byteLength(outcome.body) > MAX_RESPONSE_BODY_BYTES
        ? 'RES_BODY_TOO_LARGE'
        : outcome.body;
    if (code >= 200 && code < 300) {
      this.update(event, { status: 'DELIVERED', lastResponseCode: code, lastResponseBody });
    } else if (code === 410 || code === 530) {
      this.update(event, { status: 'FAILED', lastResponseCode: code, lastResponseBody });
      endpoint.subscriptions = [];
      ctx.store.webhookEndpoints.touch(endpoint);
    } else {
      this.update(event, {
        status: exhausted ? 'FAILED' : 'FAILING',
        lastResponseCode: code,
        lastResponseBody,
      });
      if (!exhausted) this.schedule(event, attempt + 1, retryDelaysMs[attempt - 1]);
    }
  }

  private update(
    event: WebhookEvent,
    changes: Partial<Pick<WebhookEvent, 'status' | 'lastResponseCode' | 'lastResponseBody'>>,
  ): void {
    Object.assign(event, changes);
    this.options.ctx.store.webhookEvents.touch(event);
  }

  private post(url: string, headers: Record<string, string>, body: string): Promise<Outcome> {
    return new Promise((resolve) => {
      let target: URL;
      try {
        target = new URL(url);
      } catch {
        resolve({ kind: 'fatal', error: 'DNS_ERROR' });
        return;
      }
      if (!isThisMachine(target)) {
        const why = `the sandbox sends webhooks only to ${THIS_MACHINE}, not to ${target.hostname}`;
        resolve({ kind: 'fatal', error: `${NOT_ON_THIS_MACHINE}: ${why}` });
        return;
      }
      const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
      const req = send(target, {
        method: 'POST',
        headers: { ...headers, 'Content-Length': String(Buffer.byteLength(body)) },
        timeout: this.options.timeoutMs,
        lookup: loopbackOnly(this.options.lookup),
      });
      this.requests.add(req);
      let settled = false;
      const done = (outcome: Outcome) => {
        if (settled) return;
        settled = true;
        this.requests.delete(req);
        resolve(outcome);
      };
      req.on('response', (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          done({
            kind: 'response',
            code: res.statusCode ?? 0,
            body: Buffer.concat(chunks).toString('utf8'),
          }),
        );
        res.on('error', () => done({ kind: 'fatal', error: 'EOF_ERROR' }));
      });
      req.on('timeout', () => {
        req.destroy();
        done({ kind: 'retry' });
      });
      req.on('error', (error: NodeJS.ErrnoException) => {
        if (error.code === NOT_LOOPBACK) {
          done({ kind: 'fatal', error: `${NOT_ON_THIS_MACHINE}: ${error.message}` });
          return;
        }
        const fatal = FATAL_ERRORS[error.code ?? ''];
        done(fatal ? { kind: 'fatal', error: fatal } : { kind: 'retry' });
      });
      req.end(body);
    });
  }
}

export function subscribed(endpoint: WebhookEndpoint, event: string): boolean {
  return endpoint.subscriptions.includes('*') || endpoint.subscriptions.includes(event);
}
