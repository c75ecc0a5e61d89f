// Webhook delivery by the sandbox, over real HTTP to a receiver on 127.0.0.1: one event per
// subscribed endpoint, Keygen's envelope and headers, retries with the same body and idempotency
// token, the outcomes Keygen records, and the webhook-events API that lists them.
import { startSandbox, type Sandbox } from '../../tools/sandbox/server';
import { api, startReceiver, subscribe, type Receiver } from '../helpers/sandbox-http';

const LIMIT_MS = 30_000;
const DELAYS = [20, 40, 80];
let sandbox: Sandbox;
const receivers: Receiver[] = [];

beforeEach(async () => {
  sandbox = await startSandbox({ retryDelaysMs: DELAYS });
}, LIMIT_MS);
afterEach(async () => {
  await sandbox.close();
  await Promise.all(receivers.splice(0).map((r) => r.close()));
});

async function receiver(answer: number[] = [200]): Promise<Receiver> {
  const started = await startReceiver(answer);
  receivers.push(started);
  return started;
}

const suspendActive = () =>
  api(sandbox, 'POST', `/licenses/${sandbox.seed.licenses.active.id}/actions/suspend`);
const envelope = (body: string) => JSON.parse(body).data;

test(
  'a state change is delivered once, in Keygen’s envelope and with Keygen’s headers',
  async () => {
    const hook = await receiver();
    const endpointId = await subscribe(sandbox, hook.url, { subscriptions: ['license.suspended'] });
    expect((await suspendActive()).status).toBe(200);
    await sandbox.idle();
    expect(hook.received).toHaveLength(1);
    const [delivery] = hook.received;
    expect(delivery.path).toBe('/hooks/standard/1/abc/');
    expect(delivery.headers).toMatchObject({
      'user-agent': 'Keygen/1.8 (+https://keygen.sh/docs/api/webhooks/)',
      'content-type': 'application/json',
      'keygen-version': '1.8',
    });
    expect(delivery.headers['keygen-date']).toBe(delivery.headers.date);
    expect(delivery.headers['keygen-digest']).toBe(delivery.headers.digest);
    expect(delivery.headers['keygen-signature']).toMatch(
      new RegExp(
        `^keyid="${sandbox.accountId}", algorithm="ed25519", signature="[A-Za-z0-9+/]+={0,2}", headers="\\(request-target\\) host date digest"$`,
      ),
    );
    const event = envelope(delivery.body);
    expect(Object.keys(event)).toEqual([
      'id',
      'type',
      'attributes',
      'relationships',
      'links',
      'meta',
    ]);
    expect(Object.keys(event.attributes)).toEqual([
      'endpoint',
      'apiVersion',
      'payload',
      'event',
      'status',
      'lastResponseCode',
      'lastResponseBody',
      'created',
      'updated',
    ]);
    expect(event.attributes).toMatchObject({
      endpoint: hook.url,
      apiVersion: '1.8',
      event: 'license.suspended',
      status: 'DELIVERING',
      lastResponseCode: null,
      lastResponseBody: null,
    });
    expect(event.attributes.created).toBe(event.attributes.updated);
    // Keygen CE: the account is the only relationship (EE adds environment).
    expect(event.relationships).toEqual({
      account: {
        links: { related: `/v1/accounts/${sandbox.accountId}` },
        data: { type: 'accounts', id: sandbox.accountId },
      },
    });
    expect(event.links.self).toBe(`/v1/accounts/${sandbox.accountId}/webhook-events/${event.id}`);
    expect(event.meta.idempotencyToken).toMatch(/^[0-9a-f]{62}v3$/);
    const payload = JSON.parse(event.attributes.payload);
    expect(payload.data).toMatchObject({
      id: sandbox.seed.licenses.active.id,
      type: 'licenses',
      attributes: { suspended: true },
    });
    expect(sandbox.deliveries).toEqual([
      {
        eventId: event.id,
        endpointId,
        event: 'license.suspended',
        idempotencyToken: event.meta.idempotencyToken,
        attempt: 1,
        url: hook.url,
        status: 200,
      },
    ]);
  },
  LIMIT_MS,
);

test(
  'a failing receiver gets retries with the same body and idempotency token until it answers 2xx',
  async () => {
    const hook = await receiver([500, 503, 200]);
    await subscribe(sandbox, hook.url);
    await suspendActive();
    await sandbox.idle();
    expect(hook.received).toHaveLength(3);
    const bodies = new Set(hook.received.map((r) => r.body));
    expect(bodies.size).toBe(1);
    expect(hook.received.map((r) => r.headers.digest)).toEqual(
      Array(3).fill(hook.received[0].headers.digest),
    );
    expect(sandbox.deliveries.map((d) => [d.attempt, d.status])).toEqual([
      [1, 500],
      [2, 503],
      [3, 200],
    ]);
    const listed = await api(sandbox, 'GET', '/webhook-events');
    expect(listed.body.data).toHaveLength(1);
    expect(listed.body.data[0].attributes).toMatchObject({
      status: 'DELIVERED',
      lastResponseCode: 200,
      lastResponseBody: 'ok',
    });
  },
  LIMIT_MS,
);

test(
  'after the last retry the event is FAILED with the last answer recorded',
  async () => {
    const hook = await receiver([500]);
    await subscribe(sandbox, hook.url);
    await suspendActive();
    await sandbox.idle();
    expect(hook.received).toHaveLength(DELAYS.length + 1);
    const [event] = (await api(sandbox, 'GET', '/webhook-events')).body.data;
    expect(event.attributes).toMatchObject({
      status: 'FAILED',
      lastResponseCode: 500,
      lastResponseBody: 'nope 500',
    });
  },
  LIMIT_MS,
);

test(
  '410 disables the endpoint: no retry, subscriptions emptied, later events not sent',
  async () => {
    const hook = await receiver([410]);
    const endpointId = await subscribe(sandbox, hook.url);
    await suspendActive();
    await sandbox.idle();
    expect(hook.received).toHaveLength(1);
    const endpoint = await api(sandbox, 'GET', `/webhook-endpoints/${endpointId}`);
    expect(endpoint.body.data.attributes.subscriptions).toEqual([]);
    await api(sandbox, 'POST', `/licenses/${sandbox.seed.licenses.active.id}/actions/reinstate`);
    await sandbox.idle();
    expect(hook.received).toHaveLength(1);
    const [event] = (await api(sandbox, 'GET', '/webhook-events')).body.data;
    expect(event.attributes).toMatchObject({ status: 'FAILED', lastResponseCode: 410 });
  },
  LIMIT_MS,
);

test(
  'a refused connection fails at once, without a retry',
  async () => {
    const hook = await receiver();
    const url = hook.url;
    await hook.close();
    receivers.pop();
    await subscribe(sandbox, url);
    await suspendActive();
    await sandbox.idle();
    expect(sandbox.deliveries.map((d) => d.status)).toEqual(['refused']);
    const [event] = (await api(sandbox, 'GET', '/webhook-events')).body.data;
    expect(event.attributes).toMatchObject({
      status: 'FAILED',
      lastResponseCode: null,
      lastResponseBody: 'CONN_REFUSED',
    });
  },
  LIMIT_MS,
);

test(
  'the retry action sends a new event id with the same idempotency token',
  async () => {
    const hook = await receiver();
    await subscribe(sandbox, hook.url);
    await suspendActive();
    await sandbox.idle();
    const original = envelope(hook.received[0].body);
    const retried = await api(sandbox, 'POST', `/webhook-events/${original.id}/actions/retry`);
    expect(retried.status).toBe(201);
    expect(retried.body.data.id).not.toBe(original.id);
    expect(retried.body.data.meta.idempotencyToken).toBe(original.meta.idempotencyToken);
    await sandbox.idle();
    const again = envelope(hook.received[1].body);
    expect(again.id).toBe(retried.body.data.id);
    expect(again.meta.idempotencyToken).toBe(original.meta.idempotencyToken);
    expect(again.attributes.payload).toBe(original.attributes.payload);
    const unknown = await api(
      sandbox,
      'POST',
      '/webhook-events/00000000-0000-4000-8000-000000000000/actions/retry',
    );
    expect(unknown.status).toBe(404);
  },
  LIMIT_MS,
);

test(
  'each endpoint gets its own event; subscriptions and product scope pick who gets what',
  async () => {
    const all = await receiver();
    const created = await receiver();
    const scoped = await receiver();
    await subscribe(sandbox, all.url);
    await subscribe(sandbox, created.url, { subscriptions: ['license.created', 'user.created'] });
    await subscribe(
      sandbox,
      scoped.url,
      {},
      { product: { data: { type: 'products', id: sandbox.seed.productId } } },
    );
    await suspendActive();
    await api(sandbox, 'POST', '/users', {
      body: { data: { type: 'users', attributes: { email: 'x@example.com' } } },
    });
    await sandbox.idle();
    const events = (r: Receiver) => r.received.map((d) => envelope(d.body).attributes.event);
    expect(events(all).sort()).toEqual(['license.suspended', 'user.created']);
    expect(events(created)).toEqual(['user.created']);
    // A user without a license of the product is none of the product's business.
    expect(events(scoped)).toEqual(['license.suspended']);
    const tokens = [...all.received, ...scoped.received].map(
      (d) => envelope(d.body).meta.idempotencyToken,
    );
    expect(new Set(tokens).size).toBe(tokens.length);
  },
  LIMIT_MS,
);

test(
  'validation events carry the result as payload meta; an unknown key emits nothing',
  async () => {
    const hook = await receiver();
    await subscribe(sandbox, hook.url);
    await api(sandbox, 'POST', '/licenses/actions/validate-key', {
      body: { meta: { key: 'NOPE' } },
    });
    await api(sandbox, 'POST', '/licenses/actions/validate-key', {
      body: { meta: { key: sandbox.seed.licenses.suspended.key } },
    });
    await api(sandbox, 'GET', `/licenses/${sandbox.seed.licenses.active.id}/actions/validate`);
    await sandbox.idle();
    expect(hook.received).toHaveLength(1);
    const event = envelope(hook.received[0].body);
    expect(event.attributes.event).toBe('license.validation.failed');
    const payload = JSON.parse(event.attributes.payload);
    expect(payload.meta).toMatchObject({ valid: false, code: 'SUSPENDED', detail: 'is suspended' });
    expect(payload.data.id).toBe(sandbox.seed.licenses.suspended.id);
  },
  LIMIT_MS,
);

test(
  'webhook-events: newest first, filtered by events[], paginated without counts, shown and deleted',
  async () => {
    const hook = await receiver();
    await subscribe(sandbox, hook.url);
    const { active } = sandbox.seed.licenses;
    await suspendActive();
    await api(sandbox, 'POST', `/licenses/${active.id}/actions/reinstate`);
    await api(sandbox, 'POST', `/licenses/${active.id}/actions/suspend`);
    await sandbox.idle();
    const all = await api(sandbox, 'GET', '/webhook-events');
    expect(all.body.data.map((e: { attributes: { event: string } }) => e.attributes.event)).toEqual(
      ['license.suspended', 'license.reinstated', 'license.suspended'],
    );
    const filtered = await api(sandbox, 'GET', '/webhook-events?events%5B%5D=license.reinstated');
    expect(filtered.body.data).toHaveLength(1);
    const page = await api(sandbox, 'GET', '/webhook-events?page%5Bnumber%5D=1&page%5Bsize%5D=2');
    expect(Object.keys(page.body.links)).toEqual(['self', 'prev', 'next']);
    expect(page.body.links.next).toBe(
      `/v1/accounts/${sandbox.accountId}/webhook-events?page%5Bnumber%5D=2&page%5Bsize%5D=2`,
    );
    const id = all.body.data[0].id;
    expect((await api(sandbox, 'GET', `/webhook-events/${id}`)).body.data.id).toBe(id);
    expect((await api(sandbox, 'DELETE', `/webhook-events/${id}`)).status).toBe(204);
    expect((await api(sandbox, 'GET', `/webhook-events/${id}`)).status).toBe(404);
  },
  LIMIT_MS,
);

test(
  'with the default delays, every retry carries a Date of its own (the header has whole seconds)',
  async () => {
    const standard = await startSandbox();
    const hook = await receiver([500, 500, 200]);
    try {
      await subscribe(standard, hook.url, { subscriptions: ['license.suspended'] });
      await api(standard, 'POST', `/licenses/${standard.seed.licenses.active.id}/actions/suspend`);
      await standard.idle();
      const dates = hook.received.map((delivery) => delivery.headers.date);
      expect(dates).toHaveLength(3);
      expect(new Set(dates).size).toBe(3);
      expect(new Set(hook.received.map((delivery) => delivery.body)).size).toBe(1);
    } finally {
      await standard.close();
    }
  },
  LIMIT_MS,
);

test(
  'a retry pending for a deleted endpoint is silently dropped',
  async () => {
    // Long enough that the endpoint is surely deleted before the retry is due, even under load.
    const slow = await startSandbox({ retryDelaysMs: [3000] });
    const hook = await receiver([500]);
    try {
      const endpointId = await subscribe(slow, hook.url);
      await api(slow, 'POST', `/licenses/${slow.seed.licenses.active.id}/actions/suspend`);
      while (hook.received.length === 0) await new Promise((r) => setTimeout(r, 10));
      await api(slow, 'DELETE', `/webhook-endpoints/${endpointId}`);
      await slow.idle();
      expect(hook.received).toHaveLength(1);
      expect(slow.deliveries).toHaveLength(1);
    } finally {
      await slow.close();
    }
  },
  LIMIT_MS,
);

test(
  'revoke sends only license.revoked, delete only license.deleted; entitlements and tokens have their events',
  async () => {
    const hook = await receiver();
    await subscribe(sandbox, hook.url);
    const { active, expired, suspended } = sandbox.seed.licenses;
    const entitlements = { data: [{ type: 'entitlements', id: sandbox.seed.entitlementId }] };
    expect(
      (await api(sandbox, 'POST', `/licenses/${expired.id}/entitlements`, { body: entitlements }))
        .status,
    ).toBe(200);
    expect(
      (await api(sandbox, 'DELETE', `/licenses/${expired.id}/entitlements`, { body: entitlements }))
        .status,
    ).toBe(204);
    await api(sandbox, 'POST', `/licenses/${active.id}/tokens`);
    await sandbox.idle();
    expect((await api(sandbox, 'DELETE', `/licenses/${active.id}/actions/revoke`)).status).toBe(
      204,
    );
    expect((await api(sandbox, 'DELETE', `/licenses/${suspended.id}`)).status).toBe(204);
    await sandbox.idle();
    // Like Keygen, the sandbox delivers concurrently: arrival order is not creation order.
    const events = hook.received.map((d) => envelope(d.body));
    expect(events.map((e) => e.attributes.event).sort()).toEqual([
      'license.deleted',
      'license.entitlements.attached',
      'license.entitlements.detached',
      'license.revoked',
      'token.generated',
    ]);
    const payload = (event: string) =>
      JSON.parse(events.find((e) => e.attributes.event === event).attributes.payload).data;
    expect(payload('license.entitlements.attached')).toEqual([
      expect.objectContaining({
        type: 'license-entitlements',
        relationships: expect.objectContaining({
          entitlement: expect.objectContaining({
            data: { type: 'entitlements', id: sandbox.seed.entitlementId },
          }),
          license: expect.objectContaining({ data: { type: 'licenses', id: expired.id } }),
        }),
      }),
    ]);
    expect(payload('token.generated').attributes.token).toBeUndefined();
    expect(payload('license.revoked').id).toBe(active.id);
    expect(payload('license.deleted').id).toBe(suspended.id);
    expect((await api(sandbox, 'GET', `/licenses/${active.id}`)).status).toBe(404);
  },
  LIMIT_MS,
);
