// Plays Zapier's runtime for the local tools: every call goes through zapier-platform-core's own
// Lambda handler with the built app (root index.js, as Zapier loads it), and the handler's RPC
// (z.cache) and log stream are served here on 127.0.0.1 instead of by zapier.com.
//
// createAppTester would be shorter, but its z.cache mock ignores `nx`, ttl and scope, so the app's
// duplicate-delivery check would pass here and fail on Zapier (or the other way round).
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import * as core from 'zapier-platform-core';

type LambdaEvent = Record<string, unknown>;
type LambdaHandler = (event: LambdaEvent) => Promise<{ results: unknown }>;
// Core exports its Lambda handler factory without a type declaration.
const { createAppHandler } = core as unknown as {
  createAppHandler: (appPath: string) => LambdaHandler;
};

/** What one call of an app method came to, as Zapier would show it. */
export type Outcome =
  | { status: 'success'; results: unknown }
  | { status: 'halted'; message: string }
  | { status: 'error'; name: string; message: string; code?: string };

export interface ZapierRuntime {
  /** Runs `method` (a path in the app such as `triggers.new_event.operation.perform`). */
  invoke(method: string, bundle: Record<string, unknown>): Promise<Outcome>;
  /** The z.cache store: scoped key → value as the app stored it (JSON) and its expiry. */
  readonly cache: ReadonlyMap<string, CacheEntry>;
  /** Where core's RPC client reaches this runtime (`rpc_base`, X-Token). */
  readonly rpc: { url: string; token: string };
  /** Console lines the app logged through z.console (Zapier shows them in the Zap's logs). */
  readonly consoleLines: readonly string[];
  close(): Promise<void>;
}

export interface CacheEntry {
  value: string;
  expiresAt: number;
}

interface RpcCall {
  id?: unknown;
  method?: unknown;
  params?: unknown;
}

/** The project's root: this file runs from tools/sandbox/ (ts-jest) or bundled from dist/sandbox/. */
function projectRoot(dir = __dirname): string {
  if (existsSync(join(dir, 'package.json'))) return dir;
  const parent = dirname(dir);
  if (parent === dir) throw new Error(`No package.json above ${__dirname}.`);
  return projectRoot(parent);
}

/** The app's root index.js, which loads the bundle dist/app.js as Zapier does. */
export const APP_PATH = join(projectRoot(), 'index.js');

export async function startZapierRuntime(appPath = APP_PATH): Promise<ZapierRuntime> {
  if (!existsSync(join(dirname(appPath), 'dist', 'app.js'))) {
    throw new Error(`The app is not built (no dist/app.js next to ${appPath}): run npm run build.`);
  }
  // Core sends this as X-Token on RPC calls and log streams; only this process knows it.
  const token = randomBytes(24).toString('hex');
  const store = new Map<string, CacheEntry>();
  const consoleLines: string[] = [];

  const live = (key: string) => {
    const entry = store.get(key);
    if (entry && entry.expiresAt <= Date.now()) store.delete(key);
    return store.get(key);
  };
  // Zapier keeps a scoped key per user and/or connection; one local connection, so the scope
  // only needs to keep differently scoped keys apart.
  const scoped = (key: unknown, scope: unknown) =>
    `${Array.isArray(scope) ? [...scope].sort().join('+') : '-'}:${String(key)}`;

  const rpc: Record<string, (params: unknown[]) => unknown> = {
    zcache_get: ([key, scope]) => live(scoped(key, scope))?.value ?? null,
    zcache_set: ([key, value, ttl, scope, nx]) => {
      const name = scoped(key, scope);
      if (nx === true && live(name)) return false;
      const seconds = typeof ttl === 'number' && ttl > 0 ? ttl : 30 * 24 * 60 * 60;
      store.set(name, { value: String(value), expiresAt: Date.now() + seconds * 1000 });
      return true;
    },
    zcache_delete: ([key, scope]) => {
      const name = scoped(key, scope);
      const had = live(name) !== undefined;
      store.delete(name);
      return had;
    },
  };

  const server = createServer((req, res) => {
    void serve(req, res).catch((error: Error) => {
      if (!res.headersSent) res.writeHead(500, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ error: error.message }));
    });
  });

  async function serve(req: IncomingMessage, res: ServerResponse) {
    if (req.headers['x-token'] !== token) {
      req.resume();
      // Empty, so core's client reports "Got a 401".
      res.writeHead(401);
      res.end();
      return;
    }
    if (req.url === '/logs') {
      await readLogStream(req);
      res.writeHead(200, { 'Content-Type': 'text/plain' });
      res.end('ok');
      return;
    }
    const body = await readBody(req);
    const call = JSON.parse(body) as RpcCall;
    const handler = typeof call.method === 'string' ? rpc[call.method] : undefined;
    const answer = handler
      ? { id: call.id, result: handler(Array.isArray(call.params) ? call.params : []) }
      : { id: call.id, error: `This local runtime has no RPC method "${String(call.method)}".` };
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify(answer));
  }

  // JSON Lines, one record per log call, read as they arrive: core aborts the stream when the
  // answer takes over 200 ms. HTTP request logs are left out (the steps show the same).
  function readLogStream(req: IncomingMessage): Promise<void> {
    let pending = '';
    const take = (line: string) => {
      let record: { message?: unknown; data?: { log_type?: unknown } } | null;
      try {
        record = JSON.parse(line) as typeof record;
      } catch {
        return;
      }
      if (record?.data?.log_type === 'console') consoleLines.push(String(record.message));
    };
    return new Promise((done) => {
      req.on('data', (chunk: Buffer) => {
        const lines = (pending + chunk.toString('utf8')).split('\n');
        pending = lines.pop() ?? '';
        lines.forEach(take);
      });
      req.on('end', () => {
        take(pending);
        done();
      });
      // An aborted stream still keeps the lines that arrived.
      req.on('close', () => done());
    });
  }

  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const handler = createAppHandler(appPath);

  return {
    cache: store,
    rpc: { url: `${base}/rpc`, token },
    consoleLines,
    async invoke(method, bundle) {
      try {
        const { results } = await handler({
          command: 'execute',
          method,
          bundle,
          token,
          rpc_base: `${base}/rpc`,
          // Applied to process.env by core before it creates its logger: logs come here, not
          // to Zapier's log server.
          environment: { LOGGING_ENDPOINT: `${base}/logs` },
          // As `zapier-platform invoke` runs: output checks throw, no global HTTP patching.
          calledFromCli: true,
        });
        return { status: 'success', results };
      } catch (error) {
        return outcomeOf(error);
      }
    },
    close: () =>
      new Promise<void>((done) => {
        server.closeAllConnections();
        server.close(() => done());
      }),
  };
}

/** Zapier's view of a thrown error: halted, or an error whose JSON message carries a code. */
export function outcomeOf(error: unknown): Outcome {
  const { name = 'Error', message: full = String(error) } = (error ?? {}) as {
    name?: string;
    message?: string;
  };
  // Core appends the invocation's bundle ("What happened: …") to every message it passes on;
  // Zapier shows the user only the message itself.
  const message = full.split('\nWhat happened:\n')[0];
  if (name === 'HaltedError') return { status: 'halted', message };
  try {
    const parsed = JSON.parse(message) as { message?: unknown; code?: unknown };
    if (typeof parsed?.message === 'string') {
      return {
        status: 'error',
        name,
        message: parsed.message,
        ...(typeof parsed.code === 'string' ? { code: parsed.code } : {}),
      };
    }
  } catch {
    // A plain message.
  }
  return { status: 'error', name, message };
}

export function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((done, fail) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => done(Buffer.concat(chunks).toString('utf8')));
    req.on('error', fail);
  });
}
