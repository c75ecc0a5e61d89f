// The sandbox's API over real HTTP on 127.0.0.1: the shapes, statuses and error bodies the app
// relies on, checked against Keygen's documented behaviour (reference) and the recorded fixtures.
import { createPublicKey, verify } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startSandbox, type Sandbox } from '../../tools/sandbox/server';
import { activateMachine, api, useSandbox } from '../helpers/sandbox-http';

const LIMIT_MS = 30_000;
let sandbox: Sandbox;

useSandbox(
  (started) => (sandbox = started),
  // Offline: every endpoint left subscribed here is on loopback.
  (done) =>
    expect(done.deliveries.filter((d) => new URL(d.url).hostname !== '127.0.0.1')).toEqual([]),
);

/** The payload resource of a recorded delivery fixture. */
function fixtureResource(name: string) {
  const file = join(__dirname, '..', 'fixtures', 'deliveries', `${name}.json`);
  const delivery = JSON.parse(readFileSync(file, 'utf8'));
  return JSON.parse(delivery.data.attributes.payload).data;
}

/** Keys in order, without what only Keygen EE/Cloud has (environments, permissions). */
const ceKeys = (object: Record<string, unknown>) =>
  Object.keys(object).filter((k) => k !== 'environment' && k !== 'permissions');

describe('authentication and account', () => {
  test('me names the admin and includes its token without the secret', async () => {
    const { status, body, headers } = await api(sandbox, 'GET', '/me');
    expect(status).toBe(200);
    expect(headers.get('keygen-version')).toBe('1.8');
    expect(body.data).toMatchObject({ type: 'users', attributes: { role: 'admin' } });
    expect(body.included).toHaveLength(1);
    expect(body.included[0]).toMatchObject({ type: 'tokens', attributes: { kind: 'admin-token' } });
    expect(JSON.stringify(body)).not.toContain(sandbox.token);
  });

  test('a product token is a product bearer', async () => {
    const { body } = await api(sandbox, 'GET', '/me', { token: sandbox.productToken });
    expect(body.data).toMatchObject({ type: 'products', id: sandbox.seed.productId });
    expect(body.included[0].attributes.kind).toBe('product-token');
  });

  test.each([
    ['no token', null, 'TOKEN_MISSING'],
    ['a wrong token', `admin-${'0'.repeat(64)}v3`, 'TOKEN_INVALID'],
    [
      'a token id instead of a token',
      '6f1c2a9e-0000-4c1e-9a1b-000000000001',
      'TOKEN_FORMAT_INVALID',
    ],
  ])('%s is a 401 %s', async (_what, token, code) => {
    const { status, body, headers } = await api(sandbox, 'GET', '/licenses', { token });
    expect(status).toBe(401);
    expect(headers.get('www-authenticate')).toBe('Bearer realm="keygen"');
    expect(body.errors).toEqual([expect.objectContaining({ title: 'Unauthorized', code })]);
    expect(typeof body.meta.id).toBe('string');
  });

  test('an unknown account is a 404 naming it', async () => {
    const { status, body } = await api(sandbox, 'GET', '/me', { account: 'nope' });
    expect(status).toBe(404);
    expect(body.errors).toEqual([
      {
        title: 'Not found',
        detail: "The requested account 'nope' was not found",
        code: 'NOT_FOUND',
      },
    ]);
  });

  test('an unsupported Keygen-Version is a 400', async () => {
    const { status, body } = await api(sandbox, 'GET', '/me', {
      headers: { 'Keygen-Version': '2.0' },
    });
    expect(status).toBe(400);
    expect(body.errors[0]).toMatchObject({
      code: 'INVALID_API_VERSION',
      source: { header: 'Keygen-Version' },
    });
  });

  test('the account, by slug, carries the verify keys in their documented encodings', async () => {
    const { status, body } = await api(sandbox, 'GET', '', { account: sandbox.accountSlug });
    expect(status).toBe(200);
    expect(body.data).toMatchObject({ id: sandbox.accountId, type: 'accounts' });
    const { keys, publicKey } = body.data.meta;
    expect(publicKey).toBe(keys.rsa2048);
    expect(Buffer.from(keys.ed25519, 'base64').toString('utf8')).toMatch(/^[0-9a-f]{64}$/);
    const rsa = createPublicKey(Buffer.from(keys.rsa2048, 'base64').toString('utf8'));
    expect(rsa.asymmetricKeyDetails?.modulusLength).toBe(2048);
    const ec = createPublicKey(Buffer.from(keys.ecdsa, 'base64').toString('utf8'));
    expect(ec.asymmetricKeyDetails?.namedCurve).toBe('prime256v1');
  });
});

describe('licenses', () => {
  test('read by id and by key, in the serializer order of a recorded CE payload', async () => {
    const { id, key } = sandbox.seed.licenses.active;
    const byId = await api(sandbox, 'GET', `/licenses/${id}`);
    const byKey = await api(sandbox, 'GET', `/licenses/${encodeURIComponent(key)}`);
    expect(byId.status).toBe(200);
    expect(byKey.body).toEqual(byId.body);
    const recorded = fixtureResource('license-suspended.ce.v1.8');
    const served = byId.body.data;
    expect(Object.keys(served)).toEqual(Object.keys(recorded));
    expect(Object.keys(served.attributes)).toEqual(ceKeys(recorded.attributes));
    expect(Object.keys(served.relationships)).toEqual(ceKeys(recorded.relationships));
    expect(served.relationships.owner).toEqual({
      links: { related: `/v1/accounts/${sandbox.accountId}/licenses/${id}/owner` },
      data: { type: 'users', id: sandbox.seed.userId },
    });
    expect(served.links.self).toBe(`/v1/accounts/${sandbox.accountId}/licenses/${id}`);
  });

  test('the seeded licenses are in their four states', async () => {
    const status = async (id: string) =>
      (await api(sandbox, 'GET', `/licenses/${id}`)).body.data.attributes.status;
    const { active, expiringSoon, expired, suspended } = sandbox.seed.licenses;
    expect(await status(active.id)).toBe('ACTIVE');
    expect(await status(expiringSoon.id)).toBe('EXPIRING');
    expect(await status(expired.id)).toBe('EXPIRED');
    expect(await status(suspended.id)).toBe('SUSPENDED');
  });

  test('an unknown license is Keygen’s 404', async () => {
    const { status, body } = await api(sandbox, 'GET', '/licenses/NOPE-123');
    expect(status).toBe(404);
    expect(body.errors).toEqual([
      {
        title: 'Not found',
        detail: "The requested license 'NOPE-123' was not found",
        code: 'NOT_FOUND',
      },
    ]);
  });

  test('suspending a suspended license and reinstating an active one are 422s without a code', async () => {
    const again = await api(
      sandbox,
      'POST',
      `/licenses/${sandbox.seed.licenses.suspended.id}/actions/suspend`,
    );
    expect(again.status).toBe(422);
    expect(again.body.errors).toEqual([
      {
        title: 'Unprocessable entity',
        detail: 'is already suspended',
        source: { pointer: '/data/attributes/suspended' },
      },
    ]);
    const reinstate = await api(
      sandbox,
      'POST',
      `/licenses/${sandbox.seed.licenses.expired.id}/actions/reinstate`,
    );
    expect(reinstate.status).toBe(422);
    expect(reinstate.body.errors[0]).toMatchObject({ detail: 'is not suspended' });
    expect(reinstate.body.errors[0].code).toBeUndefined();
  });

  test('renew extends from the expiry by the policy duration; a perpetual policy cannot renew', async () => {
    const { id } = sandbox.seed.licenses.expiringSoon;
    const before = (await api(sandbox, 'GET', `/licenses/${id}`)).body.data.attributes.expiry;
    const renewed = await api(sandbox, 'POST', `/licenses/${id}/actions/renew`);
    expect(renewed.status).toBe(200);
    expect(Date.parse(renewed.body.data.attributes.expiry) - Date.parse(before)).toBe(
      30 * 24 * 3600 * 1000,
    );
    const perpetual = await api(
      sandbox,
      'POST',
      `/licenses/${sandbox.seed.licenses.suspended.id}/actions/renew`,
    );
    expect(perpetual.status).toBe(422);
    expect(perpetual.body.errors[0].detail).toBe(
      'cannot be renewed because the policy does not have a duration',
    );
  });

  test('create answers 201 with a generated key and the policy duration as expiry', async () => {
    const { status, body, headers } = await api(sandbox, 'POST', '/licenses', {
      body: {
        data: {
          type: 'licenses',
          attributes: { name: 'Created', metadata: { stripeCustomerId: 'cus_1' } },
          relationships: {
            policy: { data: { type: 'policies', id: sandbox.seed.policyIds.timed } },
            owner: { data: { type: 'users', id: sandbox.seed.userId } },
          },
        },
      },
    });
    expect(status).toBe(201);
    expect(headers.get('location')).toBe(`${sandbox.baseUrl}${body.data.links.self}`);
    expect(body.data.attributes).toMatchObject({
      name: 'Created',
      status: 'ACTIVE',
      metadata: { stripeCustomerId: 'cus_1' },
    });
    expect(body.data.attributes.key).toMatch(/^([0-9A-F]{6}-){5}V3$/);
    const days = (Date.parse(body.data.attributes.expiry) - Date.now()) / 86_400_000;
    expect(days).toBeGreaterThan(29.9);
    expect(days).toBeLessThanOrEqual(30);
  });

  test('create without a policy is a model 422', async () => {
    const { status, body } = await api(sandbox, 'POST', '/licenses', {
      body: { data: { type: 'licenses' } },
    });
    expect(status).toBe(422);
    expect(body.errors[0]).toMatchObject({
      title: 'Unprocessable resource',
      code: 'POLICY_NOT_FOUND',
    });
  });

  test(
    'index filters: expiry window, owner email, metadata',
    async () => {
      const ids = async (query: string) =>
        (await api(sandbox, 'GET', `/licenses?${query}`)).body.data.map(
          (l: { id: string }) => l.id,
        );
      const fresh = await startSandbox({ retryDelaysMs: [] });
      try {
        const get = async (query: string) =>
          (await api(fresh, 'GET', `/licenses?${query}`)).body.data.map(
            (l: { id: string }) => l.id,
          );
        const { active, expiringSoon } = fresh.seed.licenses;
        expect(await get('expires%5Bwithin%5D=P3D')).toEqual([expiringSoon.id]);
        expect(await get('expires%5Bwithin%5D=P30D')).toEqual([expiringSoon.id, active.id]);
        expect(await get(`owner=${encodeURIComponent('ADA@example.com')}`)).toHaveLength(4);
        expect(await get('metadata%5BstripeSubscriptionId%5D=sub_sandbox0001')).toEqual([
          active.id,
        ]);
        expect(await get('status=SUSPENDED')).toEqual([fresh.seed.licenses.suspended.id]);
      } finally {
        await fresh.close();
      }
      expect(await ids('product=00000000-0000-4000-8000-000000000000')).toEqual([]);
    },
    LIMIT_MS,
  );

  test('pagination: limit mode has no links; page mode links on with relative URLs', async () => {
    const limited = await api(sandbox, 'GET', '/licenses?limit=2');
    expect(limited.body.data).toHaveLength(2);
    expect(limited.body.links).toEqual({});
    const first = await api(sandbox, 'GET', '/licenses?page%5Bnumber%5D=1&page%5Bsize%5D=2');
    const { links } = first.body;
    expect(links.next).toBe(
      `/v1/accounts/${sandbox.accountId}/licenses?page%5Bnumber%5D=2&page%5Bsize%5D=2`,
    );
    expect(links.prev).toBeNull();
    expect(links.meta.count).toBeGreaterThanOrEqual(4);
    const second = await api(
      sandbox,
      'GET',
      links.next.replace(`/v1/accounts/${sandbox.accountId}`, ''),
    );
    expect(second.body.data[0].id).not.toBe(first.body.data[0].id);
    const tooBig = await api(sandbox, 'GET', '/licenses?page%5Bnumber%5D=1&page%5Bsize%5D=101');
    expect(tooBig.status).toBe(400);
    expect(tooBig.body.errors[0].source).toEqual({ parameter: 'page[size]' });
  });

  test('validate-key: unknown key is 200 NOT_FOUND without a token; a suspended key fails', async () => {
    const unknown = await api(sandbox, 'POST', '/licenses/actions/validate-key', {
      token: null,
      body: { meta: { key: 'NOPE' } },
    });
    expect(unknown.status).toBe(200);
    expect(unknown.body).toMatchObject({
      data: null,
      meta: { valid: false, code: 'NOT_FOUND', detail: 'does not exist' },
    });
    const suspended = await api(sandbox, 'POST', '/licenses/actions/validate-key', {
      body: { meta: { key: sandbox.seed.licenses.suspended.key } },
    });
    expect(suspended.body.meta).toMatchObject({
      valid: false,
      code: 'SUSPENDED',
      detail: 'is suspended',
    });
    expect(suspended.body.data.id).toBe(sandbox.seed.licenses.suspended.id);
    const entitled = await api(
      sandbox,
      'POST',
      `/licenses/${sandbox.seed.licenses.active.id}/actions/validate`,
      {
        body: { meta: { scope: { entitlements: ['FEATURE_A'] } } },
      },
    );
    expect(entitled.body.meta).toMatchObject({
      valid: true,
      code: 'VALID',
      scope: { entitlements: ['FEATURE_A'] },
    });
  });

  test('check-out: a signed license file, and Keygen’s 400s for bad ttl and include', async () => {
    const { id } = sandbox.seed.licenses.active;
    const shortTtl = await api(sandbox, 'POST', `/licenses/${id}/actions/check-out`, {
      body: { meta: { ttl: 60 } },
    });
    expect(shortTtl.status).toBe(400);
    expect(shortTtl.body.errors[0]).toMatchObject({
      code: 'CHECKOUT_TTL_INVALID',
      source: { parameter: 'ttl' },
    });
    const badInclude = await api(
      sandbox,
      'POST',
      `/licenses/${id}/actions/check-out?include[]=machines`,
    );
    expect(badInclude.status).toBe(400);
    expect(badInclude.body.errors[0].code).toBe('CHECKOUT_INCLUDE_INVALID');
    const { status, body } = await api(sandbox, 'POST', `/licenses/${id}/actions/check-out`, {
      body: { meta: { ttl: 3600, include: ['policy'] } },
    });
    expect(status).toBe(200);
    const file = body.data;
    expect(file.type).toBe('license-files');
    expect(Object.keys(file.attributes)).toEqual([
      'certificate',
      'algorithm',
      'includes',
      'ttl',
      'expiry',
      'issued',
    ]);
    expect(file.attributes).toMatchObject({
      algorithm: 'base64+ed25519',
      includes: ['policy'],
      ttl: 3600,
    });
    expect(Date.parse(file.attributes.expiry) - Date.parse(file.attributes.issued)).toBe(3600_000);
    const match =
      /^-----BEGIN LICENSE FILE-----\n([A-Za-z0-9+/=\n]+)\n-----END LICENSE FILE-----\n$/.exec(
        file.attributes.certificate,
      );
    expect(match).not.toBeNull();
    const { enc, sig, alg } = JSON.parse(
      Buffer.from(match![1].replace(/\n/g, ''), 'base64').toString('utf8'),
    );
    expect(alg).toBe('base64+ed25519');
    const account = (await api(sandbox, 'GET', '')).body.data.meta.keys;
    const raw = Buffer.from(Buffer.from(account.ed25519, 'base64').toString('utf8'), 'hex');
    const key = createPublicKey({
      key: { kty: 'OKP', crv: 'Ed25519', x: raw.toString('base64url') },
      format: 'jwk',
    });
    expect(verify(null, Buffer.from(`license/${enc}`), key, Buffer.from(sig, 'base64'))).toBe(true);
    const content = JSON.parse(Buffer.from(enc, 'base64').toString('utf8'));
    expect(content.data.id).toBe(id);
    expect(content.included.map((r: { type: string }) => r.type)).toEqual(['policies']);
    expect(content.meta.ttl).toBe(3600);
  });
});

describe('users and machines', () => {
  test('a user by email in any case; a second user with that email is EMAIL_TAKEN', async () => {
    const found = await api(sandbox, 'GET', `/users/${encodeURIComponent('Ada@Example.com')}`);
    expect(found.status).toBe(200);
    expect(found.body.data.id).toBe(sandbox.seed.userId);
    const recorded = fixtureResource('user-password-reset.v1.8');
    expect(Object.keys(found.body.data.attributes)).toEqual(ceKeys(recorded.attributes));
    expect(Object.keys(found.body.data.relationships)).toEqual(ceKeys(recorded.relationships));
    const taken = await api(sandbox, 'POST', '/users', {
      body: { data: { type: 'users', attributes: { email: 'ADA@example.com' } } },
    });
    expect(taken.status).toBe(422);
    expect(taken.body.errors).toEqual([
      {
        title: 'Unprocessable resource',
        detail: 'has already been taken',
        code: 'EMAIL_TAKEN',
        source: { pointer: '/data/attributes/email' },
      },
    ]);
  });

  test('create, ban and unban a user; delete answers 204 and then 404', async () => {
    const created = await api(sandbox, 'POST', '/users', {
      body: { data: { type: 'users', attributes: { email: 'New@Example.com', firstName: 'New' } } },
    });
    expect(created.status).toBe(201);
    // Keygen's fullName needs both names.
    expect(created.body.data.attributes).toMatchObject({
      email: 'new@example.com',
      fullName: null,
      role: 'user',
      status: 'ACTIVE',
    });
    const id = created.body.data.id;
    expect(
      (await api(sandbox, 'POST', `/users/${id}/actions/ban`)).body.data.attributes.status,
    ).toBe('BANNED');
    expect((await api(sandbox, 'POST', `/users/${id}/actions/ban`)).status).toBe(200);
    expect(
      (await api(sandbox, 'POST', `/users/${id}/actions/unban`)).body.data.attributes.status,
    ).not.toBe('BANNED');
    expect((await api(sandbox, 'DELETE', `/users/${id}`)).status).toBe(204);
    expect((await api(sandbox, 'GET', `/users/${id}`)).status).toBe(404);
  });

  test('machines: activate, fingerprint taken, limit exceeded, read by fingerprint, deactivate', async () => {
    const activate = (fingerprint: string, licenseId: string) =>
      activateMachine(sandbox, fingerprint, { licenseId, name: 'Laptop' });
    const { suspended } = sandbox.seed.licenses;
    const first = await activate('fp-1', suspended.id);
    expect(first.status).toBe(201);
    const recorded = fixtureResource('machine-heartbeat-dead.v1.8');
    expect(Object.keys(first.body.data.attributes)).toEqual(ceKeys(recorded.attributes));
    expect(Object.keys(first.body.data.relationships)).toEqual(ceKeys(recorded.relationships));
    const taken = await activate('fp-1', suspended.id);
    expect(taken.status).toBe(422);
    expect(taken.body.errors[0].code).toBe('FINGERPRINT_TAKEN');
    const over = await activate('fp-2', suspended.id);
    expect(over.status).toBe(422);
    expect(over.body.errors[0]).toMatchObject({
      code: 'MACHINE_LIMIT_EXCEEDED',
      detail: 'machine count has exceeded maximum allowed for license (1)',
    });
    const byFingerprint = await api(sandbox, 'GET', '/machines/fp-1');
    expect(byFingerprint.body.data.id).toBe(first.body.data.id);
    expect((await api(sandbox, 'DELETE', `/machines/${first.body.data.id}`)).status).toBe(204);
    expect((await api(sandbox, 'GET', '/machines/fp-1')).status).toBe(404);
  });
});

describe('webhook endpoints', () => {
  const create = (attributes: Record<string, unknown>) =>
    api(sandbox, 'POST', '/webhook-endpoints', {
      body: { data: { type: 'webhook-endpoints', attributes } },
    });

  test('created with 201, shown, deleted with 204, then 404', async () => {
    const created = await create({
      url: 'https://localhost/a?x=1',
      subscriptions: ['license.created'],
    });
    expect(created.status).toBe(201);
    expect(created.body.data.attributes).toEqual({
      url: 'https://localhost/a?x=1',
      subscriptions: ['license.created'],
      signatureAlgorithm: 'ed25519',
      apiVersion: '1.8',
      created: expect.any(String),
      updated: expect.any(String),
    });
    expect(created.body.data.relationships.product).toEqual({
      links: { related: null },
      data: null,
    });
    const id = created.body.data.id;
    expect((await api(sandbox, 'DELETE', `/webhook-endpoints/${id}`)).status).toBe(204);
    const gone = await api(sandbox, 'DELETE', `/webhook-endpoints/${id}`);
    expect(gone.status).toBe(404);
    expect(gone.body.errors[0].detail).toBe(`The requested webhook endpoint '${id}' was not found`);
  });

  test.each([
    [['license.*'], 'SUBSCRIPTIONS_NOT_ALLOWED'],
    [['*', 'license.created'], 'SUBSCRIPTIONS_NOT_ALLOWED'],
    [['group.owners.attached'], 'SUBSCRIPTIONS_NOT_ALLOWED'],
    [[], 'SUBSCRIPTIONS_TOO_SHORT'],
  ])('subscriptions %j are refused with %s', async (subscriptions, code) => {
    const { status, body } = await create({ url: 'https://localhost/', subscriptions });
    expect(status).toBe(422);
    expect(body.errors[0]).toMatchObject({
      code,
      source: { pointer: '/data/attributes/subscriptions' },
    });
  });

  test('only this machine, over http or https (test/e2e/sandbox-this-machine.test.ts has more)', async () => {
    const plain = await create({ url: 'ftp://127.0.0.1/' });
    expect(plain.status).toBe(422);
    expect(plain.body.errors[0].code).toBe('URL_PROTOCOL_INVALID');
    const ip = await create({ url: 'https://10.0.0.1/' });
    expect(ip.body.errors[0].code).toBe('URL_HOST_INVALID');
    const missing = await create({ subscriptions: ['*'] });
    expect(missing.status).toBe(400);
    const local = await create({ url: 'http://127.0.0.1:9/hook' });
    expect(local.status).toBe(201);
    expect(local.body.data.attributes.subscriptions).toEqual(['*']);
  });

  test('a product token’s endpoint is scoped to its product; another product is forbidden', async () => {
    const own = await api(sandbox, 'POST', '/webhook-endpoints', {
      token: sandbox.productToken,
      body: {
        data: { type: 'webhook-endpoints', attributes: { url: 'http://127.0.0.1:9/p' } },
      },
    });
    expect(own.status).toBe(201);
    expect(own.body.data.relationships.product.data).toEqual({
      type: 'products',
      id: sandbox.seed.productId,
    });
    const other = await api(sandbox, 'POST', '/webhook-endpoints', {
      token: sandbox.productToken,
      body: {
        data: {
          type: 'webhook-endpoints',
          attributes: { url: 'http://127.0.0.1:9/p' },
          relationships: {
            product: { data: { type: 'products', id: '00000000-0000-4000-8000-000000000000' } },
          },
        },
      },
    });
    expect(other.status).toBe(403);
  });
});

describe('more license actions', () => {
  test('usage: increment within maxUses, decrement not below 0, reset', async () => {
    const created = await api(sandbox, 'POST', '/licenses', {
      body: {
        data: {
          type: 'licenses',
          attributes: { maxUses: 2 },
          relationships: {
            policy: { data: { type: 'policies', id: sandbox.seed.policyIds.perpetual } },
          },
        },
      },
    });
    const id = created.body.data.id;
    const usage = (action: string, meta?: Record<string, unknown>) =>
      api(sandbox, 'POST', `/licenses/${id}/actions/${action}`, meta ? { body: { meta } } : {});
    expect((await usage('increment-usage', { increment: 2 })).body.data.attributes.uses).toBe(2);
    const over = await usage('increment-usage');
    expect(over.status).toBe(422);
    expect(over.body.errors[0]).toMatchObject({
      code: 'USES_LIMIT_EXCEEDED',
      detail: 'usage exceeds maximum allowed for license (2)',
      source: { pointer: '/data/attributes/uses' },
    });
    expect((await usage('decrement-usage')).body.data.attributes.uses).toBe(1);
    const below = await usage('decrement-usage', { decrement: 5 });
    expect(below.status).toBe(422);
    expect(below.body.errors[0].code).toBe('USES_INVALID');
    expect((await usage('reset-usage')).body.data.attributes.uses).toBe(0);
  });

  test('check-in needs a policy that requires it', async () => {
    const { status, body } = await api(
      sandbox,
      'POST',
      `/licenses/${sandbox.seed.licenses.active.id}/actions/check-in`,
    );
    expect(status).toBe(422);
    expect(body.errors).toEqual([
      {
        title: 'Unprocessable entity',
        detail: 'cannot be checked in because the policy does not require it',
      },
    ]);
  });

  test('change policy within the product, and change or clear the owner', async () => {
    const { id } = sandbox.seed.licenses.expired;
    const moved = await api(sandbox, 'PUT', `/licenses/${id}/policy`, {
      body: { data: { type: 'policies', id: sandbox.seed.policyIds.perpetual } },
    });
    expect(moved.status).toBe(200);
    expect(moved.body.data.relationships.policy.data.id).toBe(sandbox.seed.policyIds.perpetual);
    const unknownPolicy = await api(sandbox, 'PUT', `/licenses/${id}/policy`, {
      body: { data: { type: 'policies', id: '00000000-0000-4000-8000-000000000000' } },
    });
    expect(unknownPolicy.status).toBe(404);
    const cleared = await api(sandbox, 'PUT', `/licenses/${id}/owner`, { body: { data: null } });
    expect(cleared.body.data.relationships.owner.data).toBeNull();
    const owned = await api(sandbox, 'PUT', `/licenses/${id}/owner`, {
      body: { data: { type: 'users', id: sandbox.seed.userId } },
    });
    expect(owned.body.data.relationships.owner.data).toEqual({
      type: 'users',
      id: sandbox.seed.userId,
    });
  });

  test('a license token is shown once, with its secret, only in the answer that creates it', async () => {
    const { id } = sandbox.seed.licenses.active;
    const { status, body } = await api(sandbox, 'POST', `/licenses/${id}/tokens`, {
      body: { data: { type: 'tokens', attributes: { name: 'Activation', maxActivations: 3 } } },
    });
    expect(status).toBe(200);
    expect(body.data.attributes).toMatchObject({
      kind: 'activation-token',
      name: 'Activation',
      maxActivations: 3,
    });
    expect(body.data.attributes.token).toMatch(/^activ-[0-9a-f]{32}v3$/);
    expect(body.data.relationships.bearer.data).toEqual({ type: 'licenses', id });
    const shown = await api(sandbox, 'GET', `/tokens/${body.data.id}`);
    expect(shown.body.data.attributes.token).toBeUndefined();
    // It is not an admin's key to the account.
    const used = await api(sandbox, 'GET', '/licenses', { token: body.data.attributes.token });
    expect(used.status).toBe(403);
  });

  test('a machine file is signed as machine/<enc> and names its machine', async () => {
    const machine = await activateMachine(sandbox, 'fp-file');
    const id = machine.body.data.id;
    const { status, body } = await api(sandbox, 'POST', `/machines/${id}/actions/check-out`, {
      body: { meta: { include: ['license'], algorithm: 'base64+rsa-sha256' } },
    });
    expect(status).toBe(200);
    expect(body.data.type).toBe('machine-files');
    expect(body.data.relationships.machine.data).toEqual({ type: 'machines', id });
    const cert: string = body.data.attributes.certificate;
    expect(cert.startsWith('-----BEGIN MACHINE FILE-----\n')).toBe(true);
    const inner = cert.split('\n').slice(1, -2).join('');
    const { enc, sig, alg } = JSON.parse(Buffer.from(inner, 'base64').toString('utf8'));
    expect(alg).toBe('base64+rsa-sha256');
    const keys = (await api(sandbox, 'GET', '')).body.data.meta.keys;
    const rsa = createPublicKey(Buffer.from(keys.rsa2048, 'base64').toString('utf8'));
    expect(verify('sha256', Buffer.from(`machine/${enc}`), rsa, Buffer.from(sig, 'base64'))).toBe(
      true,
    );
    const asFile = await api(sandbox, 'GET', `/machines/${id}/actions/check-out`);
    expect(asFile.headers.get('content-type')).toBe('application/octet-stream');
    expect(String(asFile.body)).toMatch(/^-----BEGIN MACHINE FILE-----\n/);
  });
});

describe('values as Keygen computes them', () => {
  const post = (path: string, data: unknown) => api(sandbox, 'POST', path, { body: { data } });

  test('a self-hosted CE account has no status; fullName only with both names', async () => {
    const account = await api(sandbox, 'GET', '');
    expect(account.body.data.attributes).toMatchObject({ status: null, protected: false });
    const user = await post('/users', {
      type: 'users',
      attributes: { email: 'grace@example.com', firstName: 'Grace', lastName: 'Hopper' },
    });
    expect(user.body.data.attributes).toMatchObject({ fullName: 'Grace Hopper', status: 'ACTIVE' });
    const admin = await api(sandbox, 'GET', '/me');
    expect(admin.body.data.attributes).toMatchObject({ role: 'admin', status: 'ACTIVE' });
  });

  test('a machine: heartbeat duration 600, maxProcesses overrides, ping ALIVE, reset NOT_STARTED', async () => {
    const license = await post('/licenses', {
      type: 'licenses',
      attributes: { maxProcesses: 4 },
      relationships: { policy: { data: { type: 'policies', id: sandbox.seed.policyIds.timed } } },
    });
    expect(license.body.data.attributes.protected).toBe(false);
    const activate = (fingerprint: string, attributes: object = {}) =>
      post('/machines', {
        type: 'machines',
        attributes: { fingerprint, ...attributes },
        relationships: { license: { data: { type: 'licenses', id: license.body.data.id } } },
      });
    const plain = await activate('hb-1');
    expect(plain.status).toBe(201);
    expect(plain.body.data.attributes).toMatchObject({
      requireHeartbeat: false,
      heartbeatStatus: 'NOT_STARTED',
      heartbeatDuration: 600,
      maxProcesses: 4,
      lastHeartbeat: null,
      nextHeartbeat: null,
    });
    const own = await activate('hb-2', { maxProcesses: 9 });
    expect(own.body.data.attributes.maxProcesses).toBe(9);

    const before = Date.now();
    const ping = await api(sandbox, 'POST', '/machines/hb-1/actions/ping');
    expect(ping.status).toBe(200);
    const pinged = ping.body.data.attributes;
    expect(pinged).toMatchObject({ requireHeartbeat: true, heartbeatStatus: 'ALIVE' });
    expect(Date.parse(pinged.lastHeartbeat)).toBeGreaterThanOrEqual(before - 1000);
    expect(Date.parse(pinged.nextHeartbeat) - Date.parse(pinged.lastHeartbeat)).toBe(600_000);

    const reset = await api(sandbox, 'POST', `/machines/${plain.body.data.id}/actions/reset`);
    expect(reset.body.data.attributes).toMatchObject({
      requireHeartbeat: false,
      heartbeatStatus: 'NOT_STARTED',
      lastHeartbeat: null,
      nextHeartbeat: null,
    });
    expect((await api(sandbox, 'POST', '/machines/nope/actions/ping')).status).toBe(404);
  });
});
