// Black-box acceptance tests, written from the contracts in shared/design.md and the facts in
// shared/reference/{keygen-api,zapier-platform}.md only. The app is loaded exactly as Zapier
// loads it (root index.js -> built dist/app.js) and driven through createAppTester; Keygen is
// simulated with nock.
import fs from 'node:fs';
import path from 'node:path';
import nock from 'nock';
import {
  App,
  newTester,
  CLOUD,
  ACCOUNT,
  ACCOUNT_UUID,
  TOKEN,
  AUTH,
  JSON_API,
  ap,
  LICENSE_ID,
  LICENSE_KEY,
  POLICY_ID,
  PRODUCT_ID,
  USER_ID,
  ENDPOINT_ID,
  type Action,
  type Dict,
  type Field,
  type Operation,
  type Tester,
} from '../helpers/built-app';
import { makeAccountKeys, signDelivery, type AccountKeys } from '../helpers/keygen-signer';

// ---------------------------------------------------------------------------------------------
// Keygen constants and canned resources.

const rel = (name: string, base: string, data?: { type: string; id: string } | null) => ({
  [name]: {
    links: { related: `/v1/accounts/${ACCOUNT_UUID}${base}/${name}` },
    ...(data === undefined ? {} : { data }),
  },
});

function licenseResource(attributes: Dict = {}): Dict {
  const base = `/licenses/${LICENSE_ID}`;
  return {
    id: LICENSE_ID,
    type: 'licenses',
    attributes: {
      name: 'Pro License (ACME Inc.)',
      key: LICENSE_KEY,
      expiry: '2027-06-30T19:50:11.456Z',
      status: 'ACTIVE',
      uses: 0,
      suspended: false,
      scheme: null,
      encrypted: false,
      strict: false,
      floating: true,
      protected: true,
      version: null,
      maxMachines: 3,
      maxProcesses: null,
      maxUsers: null,
      maxCores: null,
      maxMemory: null,
      maxDisk: null,
      maxUses: null,
      requireHeartbeat: false,
      requireCheckIn: false,
      lastValidated: null,
      lastCheckIn: null,
      nextCheckIn: null,
      lastCheckOut: null,
      permissions: ['license.read', 'license.validate'],
      metadata: { stripeCustomerId: 'cus_Q1w2E3r4T5y6U7', seats: 3 },
      created: '2026-06-30T19:50:11.456Z',
      updated: '2026-06-30T19:50:11.456Z',
      ...attributes,
    },
    relationships: {
      account: {
        links: { related: `/v1/accounts/${ACCOUNT_UUID}` },
        data: { type: 'accounts', id: ACCOUNT_UUID },
      },
      environment: { links: { related: null }, data: null },
      ...rel('product', base, { type: 'products', id: PRODUCT_ID }),
      ...rel('policy', base, { type: 'policies', id: POLICY_ID }),
      ...rel('group', base, null),
      ...rel('owner', base, { type: 'users', id: USER_ID }),
      users: {
        links: { related: `/v1/accounts/${ACCOUNT_UUID}${base}/users` },
        meta: { count: 1 },
      },
      machines: {
        links: { related: `/v1/accounts/${ACCOUNT_UUID}${base}/machines` },
        meta: { cores: 0, memory: 0, disk: 0, count: 0 },
      },
      ...rel('tokens', base),
      ...rel('entitlements', base),
    },
    links: { self: `/v1/accounts/${ACCOUNT_UUID}${base}` },
  };
}

function userResource(attributes: Dict = {}): Dict {
  const base = `/users/${USER_ID}`;
  return {
    id: USER_ID,
    type: 'users',
    attributes: {
      fullName: 'Jane Doe',
      firstName: 'Jane',
      lastName: 'Doe',
      email: 'jane.doe@example.com',
      status: 'ACTIVE',
      role: 'user',
      permissions: ['license.read'],
      metadata: { stripeCustomerId: 'cus_Q1w2E3r4T5y6U7' },
      created: '2025-07-02T15:00:00.000Z',
      updated: '2026-06-30T19:45:00.000Z',
      ...attributes,
    },
    relationships: {
      account: {
        links: { related: `/v1/accounts/${ACCOUNT_UUID}` },
        data: { type: 'accounts', id: ACCOUNT_UUID },
      },
      environment: { links: { related: null }, data: null },
      ...rel('group', base, null),
      ...rel('products', base),
      ...rel('licenses', base),
      ...rel('machines', base),
      ...rel('tokens', base),
    },
    links: { self: `/v1/accounts/${ACCOUNT_UUID}${base}` },
  };
}

const accountDocument = (keys: AccountKeys) => ({
  data: {
    id: ACCOUNT_UUID,
    type: 'accounts',
    attributes: {
      name: 'ACME Inc.',
      slug: ACCOUNT,
      apiVersion: '1.8',
      created: '2024-01-01T00:00:00.000Z',
      updated: '2026-06-30T00:00:00.000Z',
    },
    relationships: {},
    links: { self: `/v1/accounts/${ACCOUNT_UUID}` },
    meta: { publicKey: keys.meta.rsa2048, keys: keys.meta },
  },
});

function keygenError(title: string, detail: string, extra: Dict = {}) {
  return {
    meta: { id: 'c0ffee00-0000-4000-8000-000000000000' },
    errors: [{ title, detail, ...extra }],
  };
}

const notFound = (what: string, id: string) =>
  keygenError('Not found', `The requested ${what} '${id}' was not found`, {
    code: 'NOT_FOUND',
  });

// ---------------------------------------------------------------------------------------------
// Delivery fixtures (shared/fixtures/deliveries; the repository keeps a copy).

interface Delivery {
  file: string;
  body: string; // compact, as Keygen sends it
  envelope: {
    data: {
      id: string;
      type: string;
      attributes: {
        endpoint: string;
        apiVersion: string;
        payload: string;
        event: string;
        created: string;
        status: string;
      };
      meta: { idempotencyToken: string };
    };
  };
  payload: { data: Resource | Resource[]; meta?: Dict };
  event: string;
  endpoint: string;
  triggerKey: string;
}
interface Resource {
  id: string;
  type: string;
  attributes: Dict;
  relationships?: Record<string, { data?: { type: string; id: string } | null }>;
}

const SHARED = '/work/shared/fixtures/deliveries';
const FIXTURE_DIR = fs.existsSync(SHARED)
  ? SHARED
  : path.join(__dirname, '..', 'fixtures', 'deliveries');

const deliveries: Delivery[] = fs
  .readdirSync(FIXTURE_DIR)
  .filter((f) => f.endsWith('.json'))
  .sort()
  .map((file) => {
    const body = JSON.stringify(JSON.parse(fs.readFileSync(path.join(FIXTURE_DIR, file), 'utf8')));
    const envelope = JSON.parse(body) as Delivery['envelope'];
    const event = envelope.data.attributes.event;
    return {
      file,
      body,
      envelope,
      payload: JSON.parse(envelope.data.attributes.payload),
      event,
      endpoint: envelope.data.attributes.endpoint,
      triggerKey: event.replace(/[.-]/g, '_'),
    };
  });

const delivery = (prefix: string): Delivery => {
  const found = deliveries.find((d) => d.file.startsWith(prefix));
  if (!found) throw new Error(`no fixture ${prefix}`);
  return found;
};

// ---------------------------------------------------------------------------------------------
// Helpers.

interface Subscription {
  subscribeData: Dict;
  requestBody: { data: { type: string; attributes: Dict } };
}

/** Subscribe `triggerKey` with `targetUrl`, answering as Keygen does. */
async function subscribe(
  tester: Tester,
  triggerKey: string,
  targetUrl: string,
  keys: AccountKeys,
  inputData: Dict = {},
  authData: Dict = AUTH,
  root = CLOUD,
  prefix = '',
): Promise<Subscription> {
  let requestBody: Subscription['requestBody'] | undefined;
  const api = nock(root, {
    reqheaders: { authorization: `Bearer ${TOKEN}`, 'keygen-version': '1.8' },
  });
  api
    .post(prefix + ap('/webhook-endpoints'), (body) => {
      requestBody = body;
      return true;
    })
    .reply(
      201,
      (_uri, body) => {
        const parsed = (
          typeof body === 'string' ? JSON.parse(body) : body
        ) as Subscription['requestBody'];
        const attributes = parsed.data.attributes;
        return {
          data: {
            id: ENDPOINT_ID,
            type: 'webhook-endpoints',
            attributes: {
              url: attributes.url,
              subscriptions: attributes.subscriptions ?? ['*'],
              signatureAlgorithm: attributes.signatureAlgorithm ?? 'ed25519',
              apiVersion: attributes.apiVersion ?? '1.8',
              created: '2026-06-30T19:00:00.000Z',
              updated: '2026-06-30T19:00:00.000Z',
            },
            relationships: {
              account: {
                links: { related: `/v1/accounts/${ACCOUNT_UUID}` },
                data: { type: 'accounts', id: ACCOUNT_UUID },
              },
              product: { links: { related: null }, data: null },
            },
            links: { self: `/v1/accounts/${ACCOUNT_UUID}/webhook-endpoints/${ENDPOINT_ID}` },
          },
        };
      },
      {
        ...JSON_API,
        Location: `${root}/v1/accounts/${ACCOUNT_UUID}/webhook-endpoints/${ENDPOINT_ID}`,
      },
    );
  api.get(prefix + ap('')).reply(200, accountDocument(keys), JSON_API);

  const subscribeData = (await tester(App.triggers[triggerKey].operation.performSubscribe, {
    authData,
    inputData,
    targetUrl,
    meta: {},
  })) as Dict;
  expect(api.isDone()).toBe(true);
  expect(requestBody).toBeDefined();
  return { subscribeData, requestBody: requestBody! };
}

function deliveryBundle(
  subscribeData: Dict,
  headers: Record<string, string>,
  content: string,
  inputData: Dict = {},
): Dict {
  return {
    authData: AUTH,
    inputData,
    subscribeData,
    meta: {},
    rawRequest: { method: 'POST', querystring: '', headers, content },
    cleanedRequest: JSON.parse(content),
  };
}

/** Subscribe the fixture's own trigger at the fixture's endpoint, then deliver it signed. */
async function deliver(
  d: Delivery,
  opts: {
    tester?: Tester;
    keys?: AccountKeys;
    triggerKey?: string;
    inputData?: Dict;
    sign?: (keys: AccountKeys) => Record<string, string>;
    content?: string;
  } = {},
): Promise<unknown> {
  const tester = opts.tester ?? newTester();
  const keys = opts.keys ?? makeAccountKeys();
  const triggerKey = opts.triggerKey ?? d.triggerKey;
  const { subscribeData } = await subscribe(tester, triggerKey, d.endpoint, keys, opts.inputData);
  const headers = opts.sign
    ? opts.sign(keys)
    : signDelivery({ body: d.body, url: d.endpoint, keys });
  const op = App.triggers[triggerKey].operation;
  return tester(
    op.perform,
    deliveryBundle(subscribeData, headers, opts.content ?? d.body, opts.inputData),
  );
}

async function failure(promise: Promise<unknown>): Promise<Error> {
  let result: unknown;
  try {
    result = await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error(`expected a failure, got ${JSON.stringify(result)?.slice(0, 500)}`);
}

async function expectHalted(promise: Promise<unknown>, check: RegExp): Promise<void> {
  const error = await failure(promise);
  expect(error.name).toBe('HaltedError');
  expect(error.message).toMatch(check);
}

const snake = (name: string) => name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

const isPlainObject = (v: unknown): v is Dict =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** Fails on a string "null" anywhere (also inside line items). */
function expectNoNullStrings(value: unknown, where = 'result'): void {
  if (value === 'null') throw new Error(`${where} is the string "null"`);
  if (Array.isArray(value)) value.forEach((v, i) => expectNoNullStrings(v, `${where}[${i}]`));
  else if (isPlainObject(value))
    for (const [k, v] of Object.entries(value)) expectNoNullStrings(v, `${where}.${k}`);
}

function expectFlat(result: Dict): void {
  for (const [k, v] of Object.entries(result)) {
    // Line items are arrays of objects; anything else must be a scalar or a list of scalars.
    if (isPlainObject(v)) throw new Error(`field ${k} is a nested object, not flat`);
  }
  expectNoNullStrings(result);
}

function single(result: unknown): Dict {
  expect(Array.isArray(result)).toBe(true);
  const list = result as unknown[];
  expect(list).toHaveLength(1);
  expect(isPlainObject(list[0])).toBe(true);
  return list[0] as Dict;
}

/** What the contract says a delivery of `d` flattens to (envelope + the resource's key fields). */
function expectedFields(d: Delivery): Dict {
  const env = d.envelope.data;
  const expected: Dict = {
    id: env.id,
    event: d.event,
    event_created: env.attributes.created,
    idempotency_token: env.meta.idempotencyToken,
    api_version: env.attributes.apiVersion,
  };
  const data = d.payload.data;
  if (Array.isArray(data)) {
    expected.resource_type = data[0].type;
    return expected;
  }
  expected.resource_type = data.type;
  expected.resource_id = data.id;
  const a = data.attributes;
  const r = data.relationships ?? {};
  const relId = (name: string) => r[name]?.data?.id ?? null;
  if (data.type === 'licenses') {
    Object.assign(expected, {
      license_id: data.id,
      license_key: a.key,
      license_name: a.name,
      license_status: a.status,
      license_expiry: a.expiry,
      license_suspended: a.suspended,
      license_max_machines: a.maxMachines,
      license_max_processes: a.maxProcesses,
      license_policy_id: relId('policy'),
      license_product_id: relId('product'),
      license_group_id: relId('group'),
      // API <= 1.5 names the owner relationship `user`.
      license_owner_id: relId('owner') ?? relId('user'),
      license_metadata__stripeCustomerId: (a.metadata as Dict).stripeCustomerId,
      license_metadata__seats: (a.metadata as Dict).seats,
    });
  } else if (data.type === 'machines') {
    Object.assign(expected, {
      machine_id: data.id,
      machine_fingerprint: a.fingerprint,
      machine_heartbeat_status: a.heartbeatStatus,
      machine_heartbeat_duration: a.heartbeatDuration,
      machine_cores: a.cores,
      machine_memory: a.memory,
      machine_disk: a.disk,
      machine_require_heartbeat: a.requireHeartbeat,
      machine_last_heartbeat: a.lastHeartbeat,
      machine_name: a.name,
      machine_license_id: relId('license'),
      machine_owner_id: relId('owner'),
      machine_product_id: relId('product'),
      machine_group_id: relId('group'),
    });
  } else if (data.type === 'users') {
    Object.assign(expected, {
      user_id: data.id,
      user_email: a.email,
      user_full_name: a.fullName,
      user_first_name: a.firstName,
      user_last_name: a.lastName,
      user_status: a.status,
      user_role: a.role,
      user_created: a.created,
    });
  }
  const meta = d.payload.meta ?? {};
  if (d.event.startsWith('license.validation.')) {
    Object.assign(expected, {
      validation_valid: meta.valid,
      validation_code: meta.code,
      validation_detail: meta.detail,
      validation_ts: meta.ts,
    });
  }
  if (d.event === 'user.password-reset') expected.password_reset_token = meta.passwordResetToken;
  return expected;
}

function expectDeliveryFields(result: Dict, d: Delivery): void {
  expectFlat(result);
  for (const key of ['id', 'event', 'event_created', 'idempotency_token', 'api_version']) {
    expect(result).toHaveProperty(key);
  }
  expect(result).toHaveProperty('resource_type');
  expect(result).toHaveProperty('resource_id');
  expect(result).toMatchObject(expectedFields(d));
  const data = d.payload.data;
  if (Array.isArray(data)) {
    // license.entitlements.attached: <noun>_ids plus the records as line items under <noun>s.
    const ids = data.map((x) => x.id);
    expect(typeof result.license_entitlement_ids).toBe('string');
    expect((result.license_entitlement_ids as string).split(/\s*,\s*/)).toEqual(ids);
    const items = result.license_entitlements as unknown[];
    expect(Array.isArray(items)).toBe(true);
    expect(items).toHaveLength(ids.length);
    items.forEach((item, i) => {
      expect(isPlainObject(item)).toBe(true);
      expect(Object.values(item as Dict)).toContain(ids[i]);
      expect(Object.values(item as Dict)).toContain(data[i].relationships!.entitlement.data!.id);
    });
  }
}

afterEach(() => {
  nock.cleanAll();
});
beforeAll(() => {
  nock.disableNetConnect();
});
afterAll(() => {
  nock.enableNetConnect();
  nock.restore();
});

// =============================================================================================
describe('authentication (contract)', () => {
  const whoami = {
    data: {
      id: USER_ID,
      type: 'users',
      attributes: { fullName: 'Ada Admin', email: 'ada@acme.example', role: 'admin' },
      links: { self: `/v1/accounts/${ACCOUNT_UUID}/users/${USER_ID}` },
    },
    included: [
      {
        id: '0e1f2a3b-4c5d-4e6f-8a7b-9c0d1e2f3a4b',
        type: 'tokens',
        attributes: { kind: 'admin-token', expiry: null, name: null },
      },
    ],
  };

  it('has the fields baseUrl, accountId, token (password) and environment', () => {
    const fields = App.authentication.fields;
    const byKey = Object.fromEntries(fields.map((f) => [f.key, f]));
    expect(Object.keys(byKey)).toEqual(
      expect.arrayContaining(['baseUrl', 'accountId', 'token', 'environment']),
    );
    expect(byKey.token.type).toBe('password');
    expect(byKey.baseUrl.required).toBe(false);
    expect(byKey.environment.required).toBe(false);
    expect(byKey.accountId.required).not.toBe(false);
  });

  it('tests with GET {default baseUrl}/v1/accounts/{accountId}/me, Bearer, JSON:API, Keygen-Version 1.8, no Keygen-Environment', async () => {
    const scope = nock(CLOUD, {
      reqheaders: {
        authorization: `Bearer ${TOKEN}`,
        accept: /application\/vnd\.api\+json/,
        'keygen-version': '1.8',
      },
      badheaders: ['keygen-environment'],
    })
      .get(ap('/me'))
      .reply(200, whoami, JSON_API);
    const result = await newTester()(App.authentication.test, { authData: { ...AUTH } });
    expect(scope.isDone()).toBe(true);
    expect(result).toBeTruthy();
  });

  it('treats an empty baseUrl as the default', async () => {
    const scope = nock(CLOUD).get(ap('/me')).reply(200, whoami, JSON_API);
    await newTester()(App.authentication.test, { authData: { ...AUTH, baseUrl: '' } });
    expect(scope.isDone()).toBe(true);
  });

  it('sends Keygen-Environment when an environment is set', async () => {
    const scope = nock(CLOUD, {
      reqheaders: {
        authorization: `Bearer ${TOKEN}`,
        'keygen-version': '1.8',
        'keygen-environment': 'sandbox',
      },
    })
      .get(ap('/me'))
      .reply(200, whoami, JSON_API);
    await newTester()(App.authentication.test, {
      authData: { ...AUTH, environment: 'sandbox' },
    });
    expect(scope.isDone()).toBe(true);
  });

  it('keeps a path prefix of a self-hosted baseUrl', async () => {
    const scope = nock('https://example.com', {
      reqheaders: { authorization: `Bearer ${TOKEN}`, 'keygen-version': '1.8' },
    })
      .get(`/keygen${ap('/me')}`)
      .reply(200, whoami, JSON_API);
    await newTester()(App.authentication.test, {
      authData: { ...AUTH, baseUrl: 'https://example.com/keygen' },
    });
    expect(scope.isDone()).toBe(true);
  });

  it('explains a 404 on a non-default baseUrl: custom domain, keep the default URL', async () => {
    nock('https://licensing.example.com')
      .get(ap('/me'))
      .reply(404, notFound('account', ACCOUNT), JSON_API);
    const error = await failure(
      newTester()(App.authentication.test, {
        authData: { ...AUTH, baseUrl: 'https://licensing.example.com' },
      }),
    );
    expect(error.message).toMatch(/custom domain/i);
    expect(error.message).toMatch(/default|api\.keygen\.sh/i);
  });

  it('uses the baseUrl prefix for every request (subscribe on a self-hosted server)', async () => {
    const keys = makeAccountKeys();
    await subscribe(
      newTester(),
      'license_created',
      'https://hooks.zapier.com/hooks/standard/1/abc/',
      keys,
      {},
      { ...AUTH, baseUrl: 'https://example.com/keygen' },
      'https://example.com',
      '/keygen',
    );
  });
});

// =============================================================================================
describe('triggers: keys and subscribe/unsubscribe (contract)', () => {
  it('has a trigger per event with . and - replaced by _, plus new_event', () => {
    for (const key of [
      'license_created',
      'license_expiring_soon',
      'license_suspended',
      'license_validation_succeeded',
      'license_entitlements_attached',
      'machine_heartbeat_dead',
      'user_password_reset',
      'new_event',
    ]) {
      expect(App.triggers[key]).toBeDefined();
      expect(App.triggers[key].key).toBe(key);
      const op = App.triggers[key].operation as Operation & { type?: string };
      expect(op.type).toBe('hook');
      expect(typeof op.perform).toBe('function');
      expect(typeof op.performList).toBe('function');
      expect(typeof op.performSubscribe).toBe('function');
      expect(typeof op.performUnsubscribe).toBe('function');
    }
    const events = (App.triggers.new_event.operation.inputFields as Field[]).find(
      (f) => f.key === 'events',
    );
    expect(events).toBeDefined();
    expect(events!.list).toBe(true);
  });

  it('subscribes with url, [type], ed25519 and apiVersion 1.8, reading the account keys', async () => {
    const url = 'https://hooks.zapier.com/hooks/standard/1234567/abc/';
    const { subscribeData, requestBody } = await subscribe(
      newTester(),
      'license_expiring_soon',
      url,
      makeAccountKeys(),
    );
    expect(requestBody.data.type).toMatch(/^webhook[-_]?endpoints?$/i);
    expect(requestBody.data.attributes).toMatchObject({
      url,
      subscriptions: ['license.expiring-soon'],
      signatureAlgorithm: 'ed25519',
      apiVersion: '1.8',
    });
    expect(isPlainObject(subscribeData)).toBe(true);
    expect(JSON.stringify(subscribeData)).toContain(ENDPOINT_ID);
  });

  it.each([
    ['omitted', {}],
    ['empty', { events: [] }],
  ])('new_event with events %s subscribes to ["*"]', async (_label, inputData) => {
    const { requestBody } = await subscribe(
      newTester(),
      'new_event',
      'https://hooks.zapier.com/hooks/standard/1/all/',
      makeAccountKeys(),
      inputData,
    );
    expect(requestBody.data.attributes.subscriptions).toEqual(['*']);
  });

  it('new_event with events subscribes to exactly those', async () => {
    const { requestBody } = await subscribe(
      newTester(),
      'new_event',
      'https://hooks.zapier.com/hooks/standard/1/some/',
      makeAccountKeys(),
      { events: ['license.created', 'machine.heartbeat.dead'] },
    );
    expect(requestBody.data.attributes).toMatchObject({
      subscriptions: ['license.created', 'machine.heartbeat.dead'],
      signatureAlgorithm: 'ed25519',
      apiVersion: '1.8',
    });
  });

  it.each([
    [204, ''],
    [404, JSON.stringify(notFound('webhook endpoint', ENDPOINT_ID))],
  ])('unsubscribe DELETEs the endpoint; %s is success', async (status, body) => {
    const tester = newTester();
    const targetUrl = 'https://hooks.zapier.com/hooks/standard/1/gone/';
    const { subscribeData } = await subscribe(
      tester,
      'license_created',
      targetUrl,
      makeAccountKeys(),
    );
    const scope = nock(CLOUD, { reqheaders: { authorization: `Bearer ${TOKEN}` } })
      .delete(ap(`/webhook-endpoints/${ENDPOINT_ID}`))
      .reply(status, body, status === 204 ? {} : JSON_API);
    // Resolves (no error) for both 204 and an already-deleted endpoint's 404.
    await tester(App.triggers.license_created.operation.performUnsubscribe, {
      authData: AUTH,
      inputData: {},
      targetUrl,
      subscribeData,
      meta: {},
    });
    expect(scope.isDone()).toBe(true);
  });
});

// =============================================================================================
describe('perform: verified deliveries flatten to one object (contract)', () => {
  it.each(deliveries.map((d) => [d.file, d] as const))(
    '%s on its own trigger',
    async (_file, d) => {
      const result = single(await deliver(d));
      expectDeliveryFields(result, d);
    },
  );

  it.each(deliveries.map((d) => [d.file, d] as const))(
    '%s on new_event (every event)',
    async (_file, d) => {
      const result = single(await deliver(d, { triggerKey: 'new_event', inputData: {} }));
      expectDeliveryFields(result, d);
    },
  );

  it.each(
    deliveries.filter((d) => !Array.isArray(d.payload.data)).map((d) => [d.file, d] as const),
  )('%s: every scalar attribute is <noun>_<snake_attr>, typed as sent', async (_file, d) => {
    const result = single(await deliver(d));
    const data = d.payload.data as Resource;
    const noun = snake(data.type.replace(/s$/, '')).replace(/-/g, '_');
    const mismatches: string[] = [];
    for (const [attr, value] of Object.entries(data.attributes)) {
      if (attr === 'metadata' || Array.isArray(value) || isPlainObject(value)) continue;
      const key = `${noun}_${snake(attr)}`;
      if (!(key in result)) mismatches.push(`${key} missing`);
      else if (result[key] !== value)
        mismatches.push(`${key}: ${JSON.stringify(result[key])} != ${JSON.stringify(value)}`);
    }
    for (const [k, v] of Object.entries((data.attributes.metadata as Dict) ?? {})) {
      if (result[`${noun}_metadata__${k}`] !== v) mismatches.push(`${noun}_metadata__${k}`);
    }
    expect(mismatches).toEqual([]);
    if (data.type === 'licenses') {
      expect(result).toHaveProperty('license_days_until_expiry');
      expect(typeof result.license_days_until_expiry).toBe('number');
    }
  });

  it('dates stay ISO strings, numbers numbers, booleans booleans, absent values null', async () => {
    const created = single(await deliver(delivery('license-created')));
    expect(created.license_expiry).toBe('2027-06-30T19:50:11.456Z');
    expect(created.event_created).toBe('2026-06-30T19:50:11.789Z');
    expect(created.license_max_machines).toBe(3);
    expect(created.license_metadata__seats).toBe(3);
    expect(created.license_floating).toBe(true);
    expect(created.license_suspended).toBe(false);
    expect(created.license_max_processes).toBeNull();
    expect(created.license_last_validated).toBeNull();
    expect(created.license_group_id).toBeNull();
    const machine = single(await deliver(delivery('machine-heartbeat-dead')));
    expect(machine.machine_memory).toBe(17179869184);
    expect(machine.machine_disk).toBeNull();
    expect(machine.machine_require_heartbeat).toBe(true);
  });

  it('reads the v1.4 `user` relationship as license_owner_id', async () => {
    const d = delivery('license-expiring-soon.v1.4');
    const result = single(await deliver(d));
    expect(result.license_owner_id).toBe(USER_ID);
    expect(result.api_version).toBe('1.4');
  });

  it('makes no Keygen request while handling a delivery (keys come from subscribeData)', async () => {
    const d = delivery('license-created');
    const tester = newTester();
    const keys = makeAccountKeys();
    const { subscribeData } = await subscribe(tester, d.triggerKey, d.endpoint, keys);
    nock.cleanAll(); // any request from now on fails (net connect disabled)
    const headers = signDelivery({ body: d.body, url: d.endpoint, keys });
    const result = await tester(App.triggers[d.triggerKey].operation.perform, {
      ...deliveryBundle(subscribeData, headers, d.body),
      // Zapier gives perform no targetUrl; one that is there must not be used for verification.
      targetUrl: 'https://hooks.zapier.com/hooks/standard/9999999/not-the-subscribed-url/',
    });
    expectDeliveryFields(single(result), d);
  });

  it('verifies with the account keys when accountId is a slug and keyid the account UUID', async () => {
    const d = delivery('user-password-reset');
    const result = await deliver(d, {
      sign: (keys) =>
        signDelivery({ body: d.body, url: d.endpoint, keys, accountId: ACCOUNT_UUID }),
    });
    expectDeliveryFields(single(result), d);
  });

  it('samples and live results have the same keys (apart from metadata keys)', async () => {
    const withoutMetadata = (o: Dict) =>
      Object.keys(o)
        .filter((k) => !k.includes('_metadata__'))
        .sort();
    for (const prefix of ['license-created', 'machine-heartbeat-dead', 'user-password-reset']) {
      const d = delivery(prefix);
      const live = single(await deliver(d));
      const sample = App.triggers[d.triggerKey].operation.sample;
      expect(isPlainObject(sample)).toBe(true);
      expect({ [d.triggerKey]: withoutMetadata(sample as Dict) }).toEqual({
        [d.triggerKey]: withoutMetadata(live),
      });
    }
  });

  it('a CE license (no permissions, no environment) has the same fields as a Cloud license', async () => {
    const cloud = single(await deliver(delivery('license-created')));
    const ce = single(await deliver(delivery('license-suspended.ce')));
    const licenseKeys = (o: Dict) =>
      Object.keys(o)
        .filter((k) => k.startsWith('license_'))
        .sort();
    expect(licenseKeys(ce)).toEqual(licenseKeys(cloud));
  });
});

// =============================================================================================
describe('perform: verification failures halt (contract)', () => {
  const d = delivery('license-created');
  const minutes = (n: number) => new Date(Date.now() + n * 60_000);

  it('no signature', async () => {
    await expectHalted(
      deliver(d, {
        sign: (keys) => {
          const headers = signDelivery({ body: d.body, url: d.endpoint, keys });
          delete headers['Http-Keygen-Signature'];
          return headers;
        },
      }),
      /signature[^]*\b(no|missing|absent|without)\b|\b(no|missing|absent|without)\b[^]*signature/i,
    );
  });

  it('body altered after signing (digest)', async () => {
    const altered = d.body.replace('Pro License', 'Pwned License');
    expect(altered).not.toBe(d.body);
    await expectHalted(deliver(d, { content: altered }), /digest/i);
  });

  it('body altered and Digest recomputed to match (signature covers the digest)', async () => {
    const altered = d.body.replace('Pro License', 'Pwned License');
    const { createHash } = await import('node:crypto');
    const digest = `sha-256=${createHash('sha256').update(altered, 'utf8').digest('base64')}`;
    await expectHalted(
      deliver(d, {
        content: altered,
        sign: (keys) => ({
          ...signDelivery({ body: d.body, url: d.endpoint, keys }),
          'Http-Digest': digest,
          'Http-Keygen-Digest': digest,
        }),
      }),
      /signature/i,
    );
  });

  it('signature from another key', async () => {
    const other = makeAccountKeys();
    await expectHalted(
      deliver(d, { sign: () => signDelivery({ body: d.body, url: d.endpoint, keys: other }) }),
      /signature/i,
    );
  });

  it('signed for a different URL', async () => {
    await expectHalted(
      deliver(d, {
        sign: (keys) =>
          signDelivery({
            body: d.body,
            url: 'https://hooks.zapier.com/hooks/standard/7654321/ffffffffffffffffffffffffffffffff/',
            keys,
          }),
      }),
      /signature/i,
    );
  });

  it('Date 20 minutes old', async () => {
    await expectHalted(
      deliver(d, {
        sign: (keys) => signDelivery({ body: d.body, url: d.endpoint, keys, date: minutes(-20) }),
      }),
      /date/i,
    );
  });

  it('Date 10 minutes ahead', async () => {
    await expectHalted(
      deliver(d, {
        sign: (keys) => signDelivery({ body: d.body, url: d.endpoint, keys, date: minutes(10) }),
      }),
      /date/i,
    );
  });

  it('accepts Dates within the tolerance (14 minutes old, 4 minutes ahead)', async () => {
    for (const n of [-14, 4]) {
      const result = await deliver(d, {
        sign: (keys) => signDelivery({ body: d.body, url: d.endpoint, keys, date: minutes(n) }),
      });
      expectDeliveryFields(single(result), d);
    }
  });

  it.each([
    ['lower-case, no Http- prefix', (k: string) => k.replace(/^Http-/, '').toLowerCase()],
    ['lower-case with http- prefix', (k: string) => k.toLowerCase()],
    [
      'upper-case with Http- prefix',
      (k: string) => (k === 'Content-Type' ? k : `HTTP-${k.replace(/^Http-/, '').toUpperCase()}`),
    ],
    ['Camel-Case without prefix', (k: string) => k.replace(/^Http-/, '')],
  ])('finds the headers %s', async (_label, rename) => {
    const result = await deliver(d, {
      sign: (keys) =>
        Object.fromEntries(
          Object.entries(signDelivery({ body: d.body, url: d.endpoint, keys })).map(([k, v]) => [
            rename(k),
            v,
          ]),
        ),
    });
    expectDeliveryFields(single(result), d);
  });
});

// =============================================================================================
describe('perform: duplicates and foreign events return [] (contract)', () => {
  it('a second delivery with the same idempotency token returns []', async () => {
    const d = delivery('license-created');
    const tester = newTester();
    const keys = makeAccountKeys();
    const { subscribeData } = await subscribe(tester, d.triggerKey, d.endpoint, keys);
    const perform = App.triggers[d.triggerKey].operation.perform;
    const first = await tester(
      perform,
      deliveryBundle(subscribeData, signDelivery({ body: d.body, url: d.endpoint, keys }), d.body),
    );
    expectDeliveryFields(single(first), d);
    const resigned = signDelivery({
      body: d.body,
      url: d.endpoint,
      keys,
      date: new Date(Date.now() + 2000),
    });
    const second = await tester(perform, deliveryBundle(subscribeData, resigned, d.body));
    expect(second).toEqual([]);
    // A different event (new id, new idempotency token) still runs the Zap.
    const other = JSON.parse(d.body);
    other.data.id = '0b5f4f58-0d53-4b0a-8d7a-9f3a1c0e6a99';
    other.data.meta.idempotencyToken = 'e'.repeat(62) + 'v3';
    const otherBody = JSON.stringify(other);
    const third = await tester(
      perform,
      deliveryBundle(
        subscribeData,
        signDelivery({ body: otherBody, url: d.endpoint, keys }),
        otherBody,
      ),
    );
    expect(single(third)).toMatchObject({
      id: other.data.id,
      idempotency_token: other.data.meta.idempotencyToken,
    });
  });

  it('an event type the trigger did not subscribe to returns []', async () => {
    const d = delivery('license-suspended');
    const result = await deliver(d, { triggerKey: 'license_created' });
    expect(result).toEqual([]);
  });

  it('new_event returns [] for an event outside its chosen events', async () => {
    const d = delivery('machine-heartbeat-dead');
    const result = await deliver(d, {
      triggerKey: 'new_event',
      inputData: { events: ['license.created'] },
    });
    expect(result).toEqual([]);
  });
});

// =============================================================================================
describe('performList (contract)', () => {
  const listScope = (event: string, items: unknown[]) =>
    nock(CLOUD, { reqheaders: { authorization: `Bearer ${TOKEN}`, 'keygen-version': '1.8' } })
      .get(ap('/webhook-events'))
      .query((q) => {
        const events = q['events[]'] ?? q.events;
        return Array.isArray(events) ? events.includes(event) : events === event;
      })
      .reply(
        200,
        { data: items, links: { self: ap('/webhook-events'), prev: null, next: null } },
        JSON_API,
      );

  it.each(deliveries.map((d) => [d.file, d] as const))(
    'one listed %s is normalized like a live delivery',
    async (_file, d) => {
      const listed = {
        ...d.envelope.data,
        attributes: {
          ...d.envelope.data.attributes,
          status: 'DELIVERED',
          lastResponseCode: 200,
          lastResponseBody: 'OK',
        },
      };
      const scope = listScope(d.event, [listed]);
      const result = await newTester()(App.triggers[d.triggerKey].operation.performList, {
        authData: AUTH,
        inputData: {},
        meta: {},
      });
      expect(scope.isDone()).toBe(true);
      const listedFields = single(result);
      expectDeliveryFields(listedFields, d);
      const live = single(await deliver(d));
      expect(Object.keys(listedFields).sort()).toEqual(Object.keys(live).sort());
    },
  );

  it('an empty list yields the static sample', async () => {
    const scope = listScope('license.created', []);
    const result = await newTester()(App.triggers.license_created.operation.performList, {
      authData: AUTH,
      inputData: {},
      meta: {},
    });
    expect(scope.isDone()).toBe(true);
    const sample = single(result);
    expect(Object.keys(sample).length).toBeGreaterThan(0);
    expect(sample).toEqual(App.triggers.license_created.operation.sample);
  });
});

// =============================================================================================
describe('actions and searches (contract)', () => {
  const api = () =>
    nock(CLOUD, {
      reqheaders: {
        authorization: `Bearer ${TOKEN}`,
        accept: /application\/vnd\.api\+json/,
        'keygen-version': '1.8',
      },
    });
  const create = (key: string) => App.creates[key].operation.perform;
  const search = (key: string) => App.searches[key].operation.perform;
  const call = (method: unknown, inputData: Dict) =>
    newTester()(method, { authData: AUTH, inputData, meta: {} });

  const expectLicenseFields = (result: unknown, attrs: Dict = {}) => {
    expect(isPlainObject(result)).toBe(true);
    const r = result as Dict;
    expectFlat(r);
    expect(r).toMatchObject({
      license_id: LICENSE_ID,
      license_key: LICENSE_KEY,
      license_policy_id: POLICY_ID,
      license_product_id: PRODUCT_ID,
      license_owner_id: USER_ID,
      license_metadata__stripeCustomerId: 'cus_Q1w2E3r4T5y6U7',
      ...attrs,
    });
  };

  it('declares the contract inputs', () => {
    const inputs = (a: Action) =>
      Object.fromEntries((a.operation.inputFields as Field[]).map((f) => [f.key, f]));
    for (const key of ['suspend_license', 'reinstate_license', 'renew_license', 'revoke_license']) {
      expect(inputs(App.creates[key]).license?.required).toBe(true);
    }
    const cl = inputs(App.creates.create_license);
    expect(cl.policy?.required).toBe(true);
    for (const k of ['name', 'expiry', 'owner', 'metadata']) {
      expect(cl[k]).toBeDefined();
      expect(cl[k].required).not.toBe(true);
    }
    expect(cl.metadata.dict).toBe(true);
    expect(inputs(App.searches.find_license).license).toBeDefined();
    expect(inputs(App.searches.find_user).email).toBeDefined();
    const vk = inputs(App.searches.validate_license_key);
    expect(vk.key?.required).toBe(true);
    expect(vk.fingerprint).toBeDefined();
    expect(vk.fingerprint.required).not.toBe(true);
  });

  it.each([
    ['suspend_license', 'suspend', { status: 'SUSPENDED', suspended: true }],
    ['reinstate_license', 'reinstate', { status: 'ACTIVE', suspended: false }],
    ['renew_license', 'renew', { expiry: '2028-06-30T19:50:11.456Z' }],
  ])('%s POSTs …/licenses/{id}/actions/%s', async (key, action, attrs) => {
    const scope = api()
      .post(ap(`/licenses/${LICENSE_ID}/actions/${action}`))
      .reply(200, { data: licenseResource(attrs) }, JSON_API);
    const result = await call(create(key), { license: LICENSE_ID });
    expect(scope.isDone()).toBe(true);
    const sent = licenseResource(attrs).attributes as Dict;
    expectLicenseFields(result, {
      license_status: sent.status,
      license_suspended: sent.suspended,
      license_expiry: sent.expiry,
    });
  });

  it('accepts a license key instead of an id', async () => {
    const scope = api()
      .post(ap(`/licenses/${encodeURIComponent(LICENSE_KEY)}/actions/suspend`))
      .reply(200, { data: licenseResource({ status: 'SUSPENDED', suspended: true }) }, JSON_API);
    const result = await call(create('suspend_license'), { license: LICENSE_KEY });
    expect(scope.isDone()).toBe(true);
    expectLicenseFields(result, { license_status: 'SUSPENDED', license_suspended: true });
  });

  it('revoke_license reads the license, DELETEs …/actions/revoke, returns the license as before', async () => {
    const order: string[] = [];
    const scope = api()
      .get(ap(`/licenses/${LICENSE_ID}`))
      .reply(
        200,
        () => {
          order.push('GET');
          return { data: licenseResource() };
        },
        JSON_API,
      )
      .delete(ap(`/licenses/${LICENSE_ID}/actions/revoke`))
      .reply(204, () => {
        order.push('DELETE');
        return '';
      });
    const result = await call(create('revoke_license'), { license: LICENSE_ID });
    expect(scope.isDone()).toBe(true);
    expect(order).toEqual(['GET', 'DELETE']);
    expectLicenseFields(result, { license_status: 'ACTIVE' });
  });

  it.each([
    ['reinstate_license', 'reinstate', 'is not suspended', { suspended: false, status: 'ACTIVE' }],
    [
      'suspend_license',
      'suspend',
      'is already suspended',
      { suspended: true, status: 'SUSPENDED' },
    ],
  ])(
    '%s succeeds on a license already in that state (…/actions/%s answers 422 "%s")',
    async (key, action, detail, attrs) => {
      api()
        .post(ap(`/licenses/${LICENSE_ID}/actions/${action}`))
        .reply(
          422,
          keygenError('Unprocessable entity', detail as string, {
            source: { pointer: '/data/attributes/suspended' },
          }),
          JSON_API,
        );
      api()
        .get(ap(`/licenses/${LICENSE_ID}`))
        .optionally()
        .reply(200, { data: licenseResource(attrs as Dict) }, JSON_API);
      const result = await call(create(key as string), { license: LICENSE_ID });
      expectLicenseFields(result, {
        license_suspended: (attrs as Dict).suspended,
        license_status: (attrs as Dict).status,
      });
    },
  );

  it('create_license POSTs a JSON:API license with policy, owner, name, expiry and metadata', async () => {
    let sent: { data: { type: string; attributes: Dict; relationships: Dict } } | undefined;
    const scope = api()
      .matchHeader('content-type', /json/)
      .post(ap('/licenses'), (body) => {
        sent = body;
        return true;
      })
      .reply(201, { data: licenseResource({ name: 'Jane Pro' }) }, JSON_API);
    const result = await call(create('create_license'), {
      policy: POLICY_ID,
      owner: USER_ID,
      name: 'Jane Pro',
      expiry: '2027-06-30T19:50:11.456Z',
      metadata: { stripeCustomerId: 'cus_Q1w2E3r4T5y6U7', plan: 'pro' },
    });
    expect(scope.isDone()).toBe(true);
    expect(sent!.data.type).toBe('licenses');
    expect(sent!.data.attributes.name).toBe('Jane Pro');
    expect(Date.parse(sent!.data.attributes.expiry as string)).toBe(
      Date.parse('2027-06-30T19:50:11.456Z'),
    );
    expect(sent!.data.attributes.metadata).toMatchObject({
      stripeCustomerId: 'cus_Q1w2E3r4T5y6U7',
      plan: 'pro',
    });
    expect(sent!.data.relationships.policy).toEqual({ data: { type: 'policies', id: POLICY_ID } });
    expect(sent!.data.relationships.owner).toEqual({ data: { type: 'users', id: USER_ID } });
    expectLicenseFields(result, { license_name: 'Jane Pro' });
  });

  it('create_license with only a policy sends no empty optional attributes', async () => {
    let sent: { data: { attributes?: Dict; relationships: Dict } } | undefined;
    api()
      .post(ap('/licenses'), (body) => {
        sent = body;
        return true;
      })
      .reply(201, { data: licenseResource() }, JSON_API);
    await call(create('create_license'), { policy: POLICY_ID });
    expect(sent!.data.relationships.policy).toEqual({ data: { type: 'policies', id: POLICY_ID } });
    const attributes = sent!.data.attributes ?? {};
    for (const k of ['name', 'expiry', 'metadata']) {
      expect(attributes[k] === '' || attributes[k] === 'null').toBe(false);
    }
  });

  it("a 422 on create_license quotes Keygen's title, detail and code", async () => {
    api()
      .post(ap('/licenses'))
      .reply(
        422,
        keygenError('Unprocessable resource', 'must exist', {
          code: 'POLICY_NOT_FOUND',
          source: { pointer: '/data/relationships/policy' },
        }),
        JSON_API,
      );
    const error = await failure(call(create('create_license'), { policy: POLICY_ID }));
    expect(error.name).not.toBe('HaltedError');
    expect(error.message).toContain('Unprocessable resource');
    expect(error.message).toContain('must exist');
    expect(error.message).toContain('POLICY_NOT_FOUND');
  });

  it('find_license by id returns the license', async () => {
    const scope = api()
      .get(ap(`/licenses/${LICENSE_ID}`))
      .reply(200, { data: licenseResource() }, JSON_API);
    const result = await call(search('find_license'), { license: LICENSE_ID });
    expect(scope.isDone()).toBe(true);
    expectLicenseFields(single(result), { license_status: 'ACTIVE' });
  });

  it('nested metadata continues with __ and keeps Keygen spelling', async () => {
    api()
      .get(ap(`/licenses/${LICENSE_ID}`))
      .reply(
        200,
        {
          data: licenseResource({
            metadata: { stripeCustomerId: 'cus_Q1w2E3r4T5y6U7', plan: { tier: 'gold', seats: 5 } },
          }),
        },
        JSON_API,
      );
    const r = single(await call(search('find_license'), { license: LICENSE_ID }));
    expect(r).toMatchObject({
      license_metadata__stripeCustomerId: 'cus_Q1w2E3r4T5y6U7',
      license_metadata__plan__tier: 'gold',
      license_metadata__plan__seats: 5,
    });
  });

  it('find_license by key returns the license', async () => {
    const scope = api()
      .get(ap(`/licenses/${encodeURIComponent(LICENSE_KEY)}`))
      .reply(200, { data: licenseResource() }, JSON_API);
    const result = await call(search('find_license'), { license: LICENSE_KEY });
    expect(scope.isDone()).toBe(true);
    expectLicenseFields(single(result));
  });

  it('find_license returns [] on 404', async () => {
    api().get(ap('/licenses/NOPE-NOPE')).reply(404, notFound('license', 'NOPE-NOPE'), JSON_API);
    const result = await call(search('find_license'), { license: 'NOPE-NOPE' });
    expect(result).toEqual([]);
  });

  it('find_user by email GETs /users/{email}', async () => {
    const scope = api()
      .get(/\/v1\/accounts\/acme\/users\/jane\.doe(@|%40)example\.com$/i)
      .reply(200, { data: userResource() }, JSON_API);
    const result = await call(search('find_user'), { email: 'Jane.Doe@example.com' });
    expect(scope.isDone()).toBe(true);
    const user = single(result);
    expectFlat(user);
    expect(user).toMatchObject({
      user_id: USER_ID,
      user_email: 'jane.doe@example.com',
      user_full_name: 'Jane Doe',
      user_status: 'ACTIVE',
      user_metadata__stripeCustomerId: 'cus_Q1w2E3r4T5y6U7',
    });
  });

  it('find_user returns [] when no user has the email', async () => {
    api()
      .get(/\/v1\/accounts\/acme\/users\/nobody(@|%40)example\.com$/i)
      .reply(404, notFound('user', 'nobody@example.com'), JSON_API);
    const result = await call(search('find_user'), { email: 'nobody@example.com' });
    expect(result).toEqual([]);
  });

  it('validate_license_key POSTs validate-key with the key and fingerprint scope', async () => {
    let sent: { meta: { key: string; scope?: Dict } } | undefined;
    const scope = api()
      .post(ap('/licenses/actions/validate-key'), (body) => {
        sent = body;
        return true;
      })
      .reply(
        200,
        {
          data: licenseResource({ lastValidated: '2026-06-30T19:51:46.990Z' }),
          meta: {
            ts: '2026-06-30T19:51:46.995Z',
            valid: true,
            detail: 'is valid',
            code: 'VALID',
            scope: { fingerprint: 'fp-1' },
          },
        },
        JSON_API,
      );
    const result = await call(search('validate_license_key'), {
      key: LICENSE_KEY,
      fingerprint: 'fp-1',
    });
    expect(scope.isDone()).toBe(true);
    expect(sent!.meta.key).toBe(LICENSE_KEY);
    expect(sent!.meta.scope).toMatchObject({ fingerprint: 'fp-1' });
    const r = single(result);
    expectLicenseFields(r, {
      validation_valid: true,
      validation_code: 'VALID',
      validation_detail: 'is valid',
      validation_ts: '2026-06-30T19:51:46.995Z',
      license_last_validated: '2026-06-30T19:51:46.990Z',
    });
  });

  it('validate_license_key returns one result for an unknown key: NOT_FOUND, license fields null', async () => {
    let sent: { meta: { key: string; scope?: Dict } } | undefined;
    api()
      .post(ap('/licenses/actions/validate-key'), (body) => {
        sent = body;
        return true;
      })
      .reply(
        200,
        {
          data: null,
          meta: {
            ts: '2026-06-30T19:51:46.995Z',
            valid: false,
            detail: 'does not exist',
            code: 'NOT_FOUND',
          },
        },
        JSON_API,
      );
    const result = await call(search('validate_license_key'), { key: 'UNKNOWN-KEY' });
    expect(sent!.meta.key).toBe('UNKNOWN-KEY');
    const r = single(result);
    expectFlat(r);
    expect(r).toMatchObject({
      validation_valid: false,
      validation_code: 'NOT_FOUND',
      validation_detail: 'does not exist',
    });
    for (const k of ['license_id', 'license_status', 'license_expiry', 'license_policy_id']) {
      expect(r).toHaveProperty(k);
      expect(r[k]).toBeNull();
    }
    const nonNull = Object.entries(r).filter(([k, v]) => k.startsWith('license_') && v !== null);
    expect(nonNull).toEqual([]);
  });
});
