// The black-box contract kit: the Keygen account the contract tests simulate with nock (canned
// resources, errors, the shared delivery fixtures) and the steps they take through the built app
// (subscribe, deliver, expectations). Written from the published contracts (docs/) and the facts
// of Keygen's and Zapier's behaviour only, never from the app's sources.
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
  type Dict,
  type Tester,
} from './built-app';
import { failure } from './errors';
import { makeAccountKeys, signDelivery, type AccountKeys } from './keygen-signer';
// ---------------------------------------------------------------------------------------------
// Keygen constants and canned resources.

export const rel = (name: string, base: string, data?: { type: string; id: string } | null) => ({
  [name]: {
    links: { related: `/v1/accounts/${ACCOUNT_UUID}${base}/${name}` },
    ...(data === undefined ? {} : { data }),
  },
});

/** The relationships every resource of the account has: its account, no environment. */
const ACCOUNT_AND_ENVIRONMENT = {
  account: {
    links: { related: `/v1/accounts/${ACCOUNT_UUID}` },
    data: { type: 'accounts', id: ACCOUNT_UUID },
  },
  environment: { links: { related: null }, data: null },
};

export function licenseResource(attributes: Dict = {}): Dict {
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
      ...ACCOUNT_AND_ENVIRONMENT,
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

export function userResource(attributes: Dict = {}): Dict {
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
      ...ACCOUNT_AND_ENVIRONMENT,
      ...rel('group', base, null),
      ...rel('products', base),
      ...rel('licenses', base),
      ...rel('machines', base),
      ...rel('tokens', base),
    },
    links: { self: `/v1/accounts/${ACCOUNT_UUID}${base}` },
  };
}

export const accountDocument = (keys: AccountKeys) => ({
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

export function keygenError(title: string, detail: string, extra: Dict = {}) {
  return {
    meta: { id: 'c0ffee00-0000-4000-8000-000000000000' },
    errors: [{ title, detail, ...extra }],
  };
}

export const notFound = (what: string, id: string) =>
  keygenError('Not found', `The requested ${what} '${id}' was not found`, {
    code: 'NOT_FOUND',
  });

// ---------------------------------------------------------------------------------------------
// Delivery fixtures (test/fixtures/deliveries; the team's shared set when it is there).

export interface Delivery {
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
export interface Resource {
  id: string;
  type: string;
  attributes: Dict;
  relationships?: Record<string, { data?: { type: string; id: string } | null }>;
}

export const SHARED = '/work/shared/fixtures/deliveries';
export const FIXTURE_DIR = fs.existsSync(SHARED)
  ? SHARED
  : path.join(__dirname, '..', 'fixtures', 'deliveries');

export const deliveries: Delivery[] = fs
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

export const delivery = (prefix: string): Delivery => {
  const found = deliveries.find((d) => d.file.startsWith(prefix));
  if (!found) throw new Error(`no fixture ${prefix}`);
  return found;
};

// ---------------------------------------------------------------------------------------------
// Helpers.

export interface Subscription {
  subscribeData: Dict;
  requestBody: { data: { type: string; attributes: Dict } };
}

/** Subscribe `triggerKey` with `targetUrl`, answering as Keygen does. */
export async function subscribe(
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

export function deliveryBundle(
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
export async function deliver(
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

export async function expectHalted(promise: Promise<unknown>, check: RegExp): Promise<void> {
  const error = await failure(promise);
  expect(error.name).toBe('HaltedError');
  expect(error.message).toMatch(check);
}

export const snake = (name: string) => name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

export const isPlainObject = (v: unknown): v is Dict =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** Fails on a string "null" anywhere (also inside line items). */
export function expectNoNullStrings(value: unknown, where = 'result'): void {
  if (value === 'null') throw new Error(`${where} is the string "null"`);
  if (Array.isArray(value)) value.forEach((v, i) => expectNoNullStrings(v, `${where}[${i}]`));
  else if (isPlainObject(value))
    for (const [k, v] of Object.entries(value)) expectNoNullStrings(v, `${where}.${k}`);
}

export function expectFlat(result: Dict): void {
  for (const [k, v] of Object.entries(result)) {
    // Line items are arrays of objects; anything else must be a scalar or a list of scalars.
    if (isPlainObject(v)) throw new Error(`field ${k} is a nested object, not flat`);
  }
  expectNoNullStrings(result);
}

export function single(result: unknown): Dict {
  expect(Array.isArray(result)).toBe(true);
  const list = result as unknown[];
  expect(list).toHaveLength(1);
  expect(isPlainObject(list[0])).toBe(true);
  return list[0] as Dict;
}

/** What the contract says a delivery of `d` flattens to (envelope + the resource's key fields). */
export function expectedFields(d: Delivery): Dict {
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

export function expectDeliveryFields(result: Dict, d: Delivery): void {
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

/** Keygen's answer to validate-key for a key it does not know: 200, no license, code NOT_FOUND. */
export const VALIDATION_NOT_FOUND = {
  data: null,
  meta: {
    ts: '2026-06-30T19:51:46.995Z',
    valid: false,
    detail: 'does not exist',
    code: 'NOT_FOUND',
  },
};

export { useNock } from './nock-hooks';
