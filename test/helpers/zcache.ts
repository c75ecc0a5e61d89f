// Runs an app method through core's own handler with z.cache served by a fake of Zapier's RPC
// (nock at `rpc_base`). Unlike createAppTester's cache mock, which ignores `nx`, it answers
// `zcache_set` with nx the way Zapier's store does: false when the key is already there.
import nock from 'nock';

export const RPC_BASE = 'https://rpc.zapier.test';

export interface FakeRpc {
  store: Map<string, string>;
  calls: { method: string; params: unknown[] }[];
}

/** Serves every RPC call until nock is cleaned; `fail` makes the cache answer 500s instead. */
export function fakeRpc({ fail = false } = {}): FakeRpc {
  const rpc: FakeRpc = { store: new Map(), calls: [] };
  nock(RPC_BASE)
    .post('/rpc')
    .reply((_uri, body) => {
      const { id, method, params } = (typeof body === 'string' ? JSON.parse(body) : body) as {
        id: string;
        method: string;
        params: unknown[];
      };
      rpc.calls.push({ method, params });
      if (fail) return [500, { id, error: 'store unavailable' }];
      const [key, value, , , nx] = params as [string, string, number, unknown, boolean];
      switch (method) {
        case 'zcache_get':
          return [200, { id, result: rpc.store.get(key) ?? null }];
        case 'zcache_set':
          if (nx === true && rpc.store.has(key)) return [200, { id, result: false }];
          rpc.store.set(key, value);
          return [200, { id, result: true }];
        default:
          return [200, { id, error: `unexpected RPC method ${method}` }];
      }
    })
    .persist();
  // The invocation carries a token, so core also streams its log lines to Zapier's log service
  // (DEFAULT_LOGGING_HTTP_ENDPOINT in core's constants.js): answered here, never sent.
  nock('https://httplogger.zapier.com').post('/input').optionally().reply(200).persist();
  return rpc;
}

const handlers = new WeakMap<object, (event: object) => Promise<{ results: unknown }>>();

/** The app method at `method` (a dotted path), run as Zapier runs it, with the fake RPC. */
export async function runWithRpc(app: object, method: string, bundle: object): Promise<unknown> {
  let handler = handlers.get(app);
  if (!handler) {
    // Exported by core but missing from its types.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { createAppHandler } = require('zapier-platform-core') as {
      createAppHandler: (app: object) => (event: object) => Promise<{ results: unknown }>;
    };
    handler = createAppHandler(app);
    handlers.set(app, handler);
  }
  const { results } = await handler({
    command: 'execute',
    method,
    bundle,
    rpc_base: `${RPC_BASE}/rpc`,
    token: 'rpc-invocation-key',
  });
  return results;
}
