// The local Zapier runtime's z.cache, driven by zapier-platform-core's own cache tool and RPC
// client over HTTP: unlike createAppTester's mock, it honours nx, ttl and scope.
import { startZapierRuntime, type ZapierRuntime } from '../../tools/sandbox/zapier-runtime';

type Cache = {
  get(key: string, scope?: string[] | null): Promise<unknown>;
  set(
    key: string,
    value: unknown,
    ttl?: number | null,
    scope?: string[] | null,
    nx?: boolean | null,
  ): Promise<boolean>;
  delete(key: string, scope?: string[] | null): Promise<boolean>;
};
/* eslint-disable @typescript-eslint/no-require-imports */
const createCache = require('zapier-platform-core/src/tools/create-cache') as (
  input: unknown,
) => Cache;
const createRpcClient = require('zapier-platform-core/src/tools/create-rpc-client') as (
  event: unknown,
) => unknown;
/* eslint-enable @typescript-eslint/no-require-imports */

let runtime: ZapierRuntime;
let cache: Cache;

beforeAll(async () => {
  runtime = await startZapierRuntime();
  const rpc = createRpcClient({ rpc_base: runtime.rpc.url, token: runtime.rpc.token });
  cache = createCache({ _zapier: { rpc } });
}, 30_000);
afterAll(() => runtime.close());

test('set with nx stores once and answers false while the key exists', async () => {
  expect(await cache.set('delivery:a', true, 60, null, true)).toBe(true);
  expect(await cache.set('delivery:a', 'again', 60, null, true)).toBe(false);
  expect(await cache.get('delivery:a')).toBe(true);
  // Without nx a set overwrites, as on Zapier.
  expect(await cache.set('delivery:a', { n: 2 }, 60)).toBe(true);
  expect(await cache.get('delivery:a')).toEqual({ n: 2 });
}, 30_000);

test('get-then-set (the app before nx) sees what an earlier call stored', async () => {
  expect(await cache.get('delivery:b')).toBeNull();
  expect(await cache.set('delivery:b', true, 60)).toBe(true);
  expect(await cache.get('delivery:b')).toBe(true);
}, 30_000);

test('delete, ttl and scope', async () => {
  await cache.set('delivery:c', 1, 60);
  expect(await cache.delete('delivery:c')).toBe(true);
  expect(await cache.delete('delivery:c')).toBe(false);
  expect(await cache.set('delivery:c', 1, 60, null, true)).toBe(true);

  await cache.set('scoped', 'user', 60, ['user']);
  expect(await cache.get('scoped')).toBeNull();
  expect(await cache.get('scoped', ['user'])).toBe('user');

  await cache.set('short', 1, 1);
  await new Promise((done) => setTimeout(done, 1_100));
  expect(await cache.get('short')).toBeNull();
  expect(await cache.set('short', 2, 1, null, true)).toBe(true);
}, 30_000);

test('an RPC call without the runtime’s token is refused', async () => {
  const rpc = createRpcClient({ rpc_base: runtime.rpc.url, token: 'someone-else' });
  await expect(createCache({ _zapier: { rpc } }).get('delivery:a')).rejects.toThrow(
    /RPC request failed after 1 attempts: Got a 401/,
  );
}, 30_000);

test('console lines core streams to the log endpoint are kept; HTTP logs are not', async () => {
  /* eslint-disable-next-line @typescript-eslint/no-require-imports */
  const createLogger = require('zapier-platform-core/src/tools/create-logger') as (
    event: unknown,
    options: unknown,
  ) => ((message: string, data: unknown) => Promise<void>) & { end(): Promise<unknown> };
  const logger = createLogger(
    { token: runtime.rpc.token },
    { endpoint: runtime.rpc.url.replace(/\/rpc$/, '/logs') },
  );
  await logger('Could not record delivery x: rate limited', { log_type: 'console' });
  await logger('200 GET http://127.0.0.1/v1/accounts/acme/me', { log_type: 'http' });
  await logger.end();
  // Core stops waiting for the log server after 200 ms; the lines may land a little later.
  for (let i = 0; i < 100 && runtime.consoleLines.length === 0; i++) {
    await new Promise((done) => setTimeout(done, 50));
  }
  expect(runtime.consoleLines).toEqual(['Could not record delivery x: rate limited']);
}, 30_000);
