// The local hook relay: plays Zapier's part for REST-hook triggers. Each Zap gets its own target
// URL on 127.0.0.1; subscribing runs the trigger's performSubscribe, every delivery to the URL is
// turned into the bundle Zapier builds and runs perform, and the answer to Keygen follows Zapier:
// 200 for a run, a filtered or a halted delivery, 5xx when perform errors (so Keygen retries),
// 410 once the Zap is off.
import { mkdir, writeFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { savedDelivery } from './delivery-file';
import { readBody, startZapierRuntime, type Outcome, type ZapierRuntime } from './zapier-runtime';

export type AuthData = Record<string, string>;

export interface Zap {
  id: string;
  trigger: string;
  inputData: Record<string, unknown>;
  targetUrl: string;
  /** Exactly what performSubscribe returned. */
  subscribeData: Record<string, unknown>;
  on: boolean;
}

/** One delivery the relay received, and what the Zap made of it. */
export interface ZapRun {
  zapId: string;
  trigger: string;
  /** From the body, when it has one; for display only (the app reads its own). */
  idempotencyToken: string | null;
  event: string | null;
  /** `ran` = perform returned results (one Zap run each); `skipped` = it returned none. */
  outcome: 'ran' | 'skipped' | 'halted' | 'error';
  results: Record<string, unknown>[];
  message?: string;
  /** The status the relay answered with. */
  answered: number;
  /** The delivery as received, in the format `npm run inspect` reads. */
  delivery: ReturnType<typeof savedDelivery>;
}

export interface RelayOptions {
  authData: AuthData;
  port?: number;
  /** An already started runtime to share; the relay starts (and closes) its own otherwise. */
  runtime?: ZapierRuntime;
}

export interface Relay {
  url: string;
  runtime: ZapierRuntime;
  readonly zaps: readonly Zap[];
  readonly runs: readonly ZapRun[];
  /** Turns a Zap on: performSubscribe with a fresh target URL. */
  subscribe(trigger: string, inputData?: Record<string, unknown>): Promise<Zap>;
  /** Turns a Zap off: performUnsubscribe with its subscribeData; its URL then answers 410. */
  unsubscribe(zap: Zap): Promise<Outcome>;
  /** What the Zap editor's "Test trigger" shows: performList. */
  list(zap: Zap): Promise<Outcome>;
  /** Any other method of the app (auth test, creates, searches), with the connection's authData. */
  invoke(method: string, inputData?: Record<string, unknown>): Promise<Outcome>;
  /**
   * The next `count` deliveries to the Zap are processed, but answered 503, as when Zapier's
   * answer never reaches Keygen: Keygen retries them.
   */
  failAnswers(zap: Zap, count: number): void;
  /** From now on, every delivery is also written to `dir` as a file `npm run inspect` reads. */
  saveTo(dir: string): Promise<void>;
  close(): Promise<void>;
}

const hookPath = (id: string) => `/hooks/catch/${id}/`;

export async function startRelay(options: RelayOptions): Promise<Relay> {
  const runtime = options.runtime ?? (await startZapierRuntime());
  const zaps: Zap[] = [];
  const runs: ZapRun[] = [];
  const failing = new Map<string, number>();
  let saved = 0;
  let saveDir: string | undefined;

  const bundleFor = (zap: Zap) => ({
    authData: options.authData,
    inputData: zap.inputData,
    meta: { isLoadingSample: false, isFillingDynamicDropdown: false, zap: { id: zap.id } },
  });

  async function receive(zap: Zap, req: IncomingMessage, res: ServerResponse) {
    const content = await readBody(req);
    const url = new URL(req.url ?? '/', zap.targetUrl);
    const delivery = savedDelivery({
      endpointUrl: zap.targetUrl + url.search,
      headers: headerPairs(req.rawHeaders),
      body: content,
      publicKey: String((zap.subscribeData.keys as { ed25519?: unknown } | undefined)?.ed25519),
      receivedAt: new Date(),
    });
    if (saveDir) {
      saved += 1;
      const name = `${String(saved).padStart(4, '0')}-${zap.trigger}.json`;
      await writeFile(join(saveDir, name), `${JSON.stringify(delivery, null, 2)}\n`);
    }
    const querystring = url.search.slice(1);
    const outcome = await runtime.invoke(`triggers.${zap.trigger}.operation.perform`, {
      ...bundleFor(zap),
      subscribeData: zap.subscribeData,
      rawRequest: {
        method: req.method,
        querystring,
        headers: zapierHeaders(req.rawHeaders),
        content,
      },
      cleanedRequest: {
        ...parsedObject(content),
        querystring: Object.fromEntries(url.searchParams),
      },
    });
    const results =
      outcome.status === 'success' && Array.isArray(outcome.results)
        ? (outcome.results as Record<string, unknown>[])
        : [];
    let answered = outcome.status === 'error' ? 500 : 200;
    const failures = failing.get(zap.id) ?? 0;
    if (failures > 0) {
      failing.set(zap.id, failures - 1);
      answered = 503;
    }
    const body = parsedObject(content) as {
      data?: { attributes?: { event?: unknown }; meta?: { idempotencyToken?: unknown } };
    };
    runs.push({
      zapId: zap.id,
      trigger: zap.trigger,
      idempotencyToken: stringOrNull(body.data?.meta?.idempotencyToken),
      event: stringOrNull(body.data?.attributes?.event),
      outcome:
        outcome.status === 'success' ? (results.length > 0 ? 'ran' : 'skipped') : outcome.status,
      results,
      ...(outcome.status === 'success' ? {} : { message: outcome.message }),
      answered,
      delivery,
    });
    const status =
      answered === 503 ? 'unavailable' : outcome.status === 'success' ? 'success' : outcome.status;
    reply(res, answered, { status, zap: zap.id, runs: results.length });
  }

  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://127.0.0.1').pathname;
    const zap = zaps.find((z) => hookPath(z.id) === path || hookPath(z.id) === `${path}/`);
    if (req.method !== 'POST' || !zap) {
      reply(res, 404, { status: 'error', message: 'No Zap listens at this URL.' });
      return;
    }
    if (!zap.on) {
      reply(res, 410, { status: 'error', message: 'This Zap is turned off.' });
      return;
    }
    receive(zap, req, res).catch((error: Error) => {
      reply(res, 500, { status: 'error', message: error.message });
    });
  });
  await new Promise<void>((done) => server.listen(options.port ?? 0, '127.0.0.1', done));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url,
    runtime,
    zaps,
    runs,
    async subscribe(trigger, inputData = {}) {
      const id = String(zaps.length + 1);
      const zap: Zap = {
        id,
        trigger,
        inputData,
        targetUrl: url + hookPath(id),
        subscribeData: {},
        on: false,
      };
      const outcome = await runtime.invoke(`triggers.${trigger}.operation.performSubscribe`, {
        ...bundleFor(zap),
        targetUrl: zap.targetUrl,
      });
      if (outcome.status !== 'success') {
        throw new Error(`Subscribing ${trigger} failed: ${outcome.message}`);
      }
      zap.subscribeData = outcome.results as Record<string, unknown>;
      zap.on = true;
      zaps.push(zap);
      return zap;
    },
    async unsubscribe(zap) {
      const outcome = await runtime.invoke(`triggers.${zap.trigger}.operation.performUnsubscribe`, {
        ...bundleFor(zap),
        targetUrl: zap.targetUrl,
        subscribeData: zap.subscribeData,
      });
      if (outcome.status === 'success') zap.on = false;
      return outcome;
    },
    list: (zap) =>
      runtime.invoke(`triggers.${zap.trigger}.operation.performList`, {
        ...bundleFor(zap),
        meta: { ...bundleFor(zap).meta, isLoadingSample: true },
      }),
    invoke: (method, inputData = {}) =>
      runtime.invoke(method, { authData: options.authData, inputData, meta: {} }),
    failAnswers(zap, count) {
      failing.set(zap.id, count);
    },
    async saveTo(dir) {
      await mkdir(dir, { recursive: true });
      saveDir = dir;
    },
    async close() {
      await new Promise<void>((done) => {
        server.closeAllConnections();
        server.close(() => done());
      });
      if (!options.runtime) await runtime.close();
    },
  };
}

function reply(res: ServerResponse, status: number, body: unknown) {
  res.writeHead(status, { 'Content-Type': 'application/json' });
  res.end(JSON.stringify(body));
}

/** Header name/value pairs as sent (original spelling), repeated names joined as Node does. */
function headerPairs(raw: readonly string[]): Record<string, string> {
  const headers: Record<string, string> = {};
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = raw[i];
    const existing = Object.keys(headers).find((k) => k.toLowerCase() === name.toLowerCase());
    if (existing) headers[existing] = `${headers[existing]}, ${raw[i + 1]}`;
    else headers[name] = raw[i + 1];
  }
  return headers;
}

const UNPREFIXED = new Set(['content-type', 'content-length']);

/** `keygen-signature` → `Http-Keygen-Signature`, as Zapier names headers in rawRequest. */
export function zapierHeaderName(name: string): string {
  const camel = name
    .toLowerCase()
    .split('-')
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join('-');
  return UNPREFIXED.has(name.toLowerCase()) ? camel : `Http-${camel}`;
}

export function zapierHeaders(raw: readonly string[]): Record<string, string> {
  return Object.fromEntries(
    Object.entries(headerPairs(raw)).map(([name, value]) => [zapierHeaderName(name), value]),
  );
}

function parsedObject(content: string): Record<string, unknown> {
  try {
    const parsed: unknown = JSON.parse(content);
    return parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)
      ? (parsed as Record<string, unknown>)
      : {};
  } catch {
    return {};
  }
}

function stringOrNull(value: unknown): string | null {
  return typeof value === 'string' ? value : null;
}
