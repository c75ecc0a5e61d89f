// Duplicate suppression against a cache that behaves like Zapier's (set-if-absent honoured), with
// every run going through core's handler as on Zapier.
import type { Bundle, ZObject } from 'zapier-platform-core';
import type { Subscription } from '../../triggers/subscription';
import { App, appTester, authData } from '../helpers/app';
import { fixture } from '../helpers/fixtures';
import { makeAccountKeys, signDelivery } from '../helpers/keygen-signer';
import { mark, recordedSince } from '../helpers/output';
import { fakeRpc, runWithRpc } from '../helpers/zcache';

// Each run goes through core's handler and signs a delivery: seconds on a loaded 2-core machine.
jest.setTimeout(20_000);

const keys = makeAccountKeys();
const TARGET = 'https://hooks.zapier.com/hooks/standard/1234567/0f1e2d3c4b5a69788796a5b4c3d2e1f0/';
const subscription: Subscription = {
  id: 'endpoint-1',
  url: TARGET,
  events: ['license.created'],
  keys: keys.meta,
};
const PERFORM = 'triggers.license_created.operation.perform';

/** A signed delivery of `body` to the Zap subscribed as `zap`, as Zapier hands it to perform. */
function deliveryBundle(body: string, zap = subscription) {
  return {
    authData,
    subscribeData: zap,
    rawRequest: {
      method: 'POST',
      querystring: '',
      headers: signDelivery({ body, url: zap.url, keys }),
      content: body,
    },
    cleanedRequest: {},
  };
}

function perform(body: string, zap = subscription) {
  return runWithRpc(App, PERFORM, deliveryBundle(body, zap)) as Promise<unknown[]>;
}

function withEvent(change: (event: { id: string; meta?: Record<string, unknown> }) => void) {
  const json = JSON.parse(fixture('license-created').body);
  change(json.data);
  return JSON.stringify(json);
}

describe('duplicate deliveries', () => {
  it('three concurrent runs of one signed delivery give exactly one result', async () => {
    const rpc = fakeRpc();
    const body = fixture('license-created').body;
    const results = await Promise.all([perform(body), perform(body), perform(body)]);
    expect(results.map((r) => r.length).sort()).toEqual([0, 0, 1]);
    // Every claim is a set-if-absent, kept for longer than Keygen retries (~60 hours).
    const sets = rpc.calls.filter((c) => c.method === 'zcache_set');
    expect(sets.length).toBeGreaterThanOrEqual(1);
    for (const { params } of sets) {
      expect(params[4]).toBe(true);
      expect(params[2]).toBeGreaterThan(60 * 60 * 60);
    }
  });

  it('a retry with a new event id but the same idempotency token is a repeat; a new token is not', async () => {
    fakeRpc();
    expect(await perform(fixture('license-created').body)).toHaveLength(1);
    expect(await perform(withEvent((e) => (e.id = 'another-event-id')))).toEqual([]);
    expect(
      await perform(withEvent((e) => (e.meta = { idempotencyToken: 'a-fresh-token' }))),
    ).toHaveLength(1);
  });

  it('a delivery without an idempotency token is deduplicated by its event id', async () => {
    fakeRpc();
    const once = withEvent((e) => delete e.meta);
    const results = await Promise.all([perform(once), perform(once)]);
    expect(results.map((r) => r.length).sort()).toEqual([0, 1]);
    expect(await perform(withEvent((e) => ((e.id = 'other-event'), delete e.meta)))).toHaveLength(
      1,
    );
  });

  it('when the cache is down the run goes on and the log says it may be a duplicate', async () => {
    const rpc = fakeRpc({ fail: true });
    const from = mark();
    const body = fixture('license-created').body;
    expect(await perform(body)).toHaveLength(1);
    expect(rpc.calls.length).toBeGreaterThan(0);
    expect(recordedSince(from)).toMatch(
      /Could not check whether Keygen delivery keygen:delivery:endpoint-1:\S+ was already processed .*this run may be a duplicate/,
    );
  });
});

describe("only the app's own marker counts as processed", () => {
  const { body, json } = fixture('license-created');
  const key = `keygen:delivery:endpoint-1:${json.data.meta.idempotencyToken}`;

  it('stores a marker of its own, not a bare true', async () => {
    const rpc = fakeRpc();
    expect(await perform(body)).toHaveLength(1);
    const stored = rpc.store.get(key);
    expect(JSON.parse(stored!)).toMatch(/^keygen-zapier:processed:[0-9a-f-]{36}$/);
    expect(await perform(body)).toEqual([]);
  });

  it.each([
    ['false', false],
    ['0', 0],
    ['an empty string', ''],
    ['another value', { processed: 'yes' }],
  ])('a cache that holds %s for the delivery still runs it, and logs why', async (_, held) => {
    const rpc = fakeRpc();
    rpc.store.set(key, JSON.stringify(held));
    const from = mark();
    expect(await perform(body)).toHaveLength(1);
    expect(recordedSince(from)).toMatch(
      /The cache neither recorded Keygen delivery keygen:delivery:endpoint-1:\S+ as processed .*this run may be a duplicate/,
    );
  });

  it("counts version 1.0.0's record (a bare true) as processed, so an upgrade repeats nothing", async () => {
    const rpc = fakeRpc();
    rpc.store.set(key, JSON.stringify(true));
    expect(await perform(body)).toEqual([]);
  });

  type Cache = { get: (key: string) => unknown; set: (key: string, value: unknown) => unknown };
  const triggers = App.triggers as unknown as Record<
    string,
    { operation: { perform: (z: ZObject, bundle: Bundle) => Promise<unknown[]> } }
  >;
  const licenseCreated = triggers.license_created.operation.perform;

  /** A run of perform with z.cache replaced by `cache` (values as core's z.cache hands them back). */
  function withCache(cache: Cache) {
    const run = (z: ZObject, bundle: Bundle) =>
      licenseCreated(
        {
          ...z,
          cache: {
            ...z.cache,
            get: async (k: string) => cache.get(k),
            set: async (k: string, v: unknown) => cache.set(k, v),
          },
          console: { ...z.console, warn: () => undefined },
        } as ZObject,
        bundle,
      );
    return () => appTester(run, deliveryBundle(body) as never) as Promise<unknown[]>;
  }

  it('a set-if-absent that always answers false, storing nothing: every delivery runs', async () => {
    const run = withCache({ get: () => null, set: () => false });
    expect(await run()).toHaveLength(1);
    expect(await run()).toHaveLength(1);
  });

  it('a set-if-absent that stores but answers false: the first run goes on, the repeat is dropped', async () => {
    const store = new Map<string, unknown>();
    const run = withCache({
      get: (k) => store.get(k) ?? null,
      set: (k, v) => (store.set(k, v), false),
    });
    expect(await run()).toHaveLength(1);
    expect(await run()).toEqual([]);
  });
});

describe('dedupe per Zap', () => {
  const body = fixture('license-created').body;
  const otherZap: Subscription = {
    ...subscription,
    id: 'endpoint-2',
    url: 'https://hooks.zapier.com/hooks/standard/1234567/ffeeddccbbaa99887766554433221100/',
  };

  it('two Zaps receiving the same idempotency token both run', async () => {
    fakeRpc();
    expect(await perform(body)).toHaveLength(1);
    expect(await perform(body, otherZap)).toHaveLength(1);
  });

  it('the same Zap receiving it twice runs once', async () => {
    fakeRpc();
    expect(await perform(body, otherZap)).toHaveLength(1);
    expect(await perform(body, otherZap)).toEqual([]);
  });
});
