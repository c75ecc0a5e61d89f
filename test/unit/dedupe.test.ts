// Duplicate suppression against a cache that behaves like Zapier's (set-if-absent honoured), with
// every run going through core's handler as on Zapier.
import type { Subscription } from '../../triggers/subscription';
import { App, authData } from '../helpers/app';
import { fixture } from '../helpers/fixtures';
import { makeAccountKeys, signDelivery } from '../helpers/keygen-signer';
import { mark, recordedSince } from '../helpers/output';
import { fakeRpc, runWithRpc } from '../helpers/zcache';

const keys = makeAccountKeys();
const TARGET = 'https://hooks.zapier.com/hooks/standard/1234567/0f1e2d3c4b5a69788796a5b4c3d2e1f0/';
const subscription: Subscription = {
  id: 'endpoint-1',
  url: TARGET,
  events: ['license.created'],
  keys: keys.meta,
};
const PERFORM = 'triggers.license_created.operation.perform';

/** A signed delivery of `body`, as Zapier hands it to perform. */
function perform(body: string) {
  return runWithRpc(App, PERFORM, {
    authData,
    subscribeData: subscription,
    rawRequest: {
      method: 'POST',
      querystring: '',
      headers: signDelivery({ body, url: TARGET, keys }),
      content: body,
    },
    cleanedRequest: {},
  }) as Promise<unknown[]>;
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
