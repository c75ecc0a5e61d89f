// Black-box acceptance tests for the scoping, license-file and validate-key NOT_FOUND contracts,
// written from the published contracts (docs/fields.md, docs/events.md, docs/actions.md) only. The app
// is loaded as Zapier loads it (root index.js -> built dist/app.js, so `npm run build` first) and
// driven through createAppTester; Keygen is simulated with nock, deliveries are signed by the
// independent test signer.
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
  type Field,
  type Operation,
  type Tester,
} from '../helpers/built-app';
import { isPlainObject, single, useNock, VALIDATION_NOT_FOUND } from '../helpers/contract-kit';
import { caught } from '../helpers/errors';
import { fixture, type DeliveryFixture } from '../helpers/fixtures';
import { makeAccountKeys, signDelivery, type AccountKeys } from '../helpers/keygen-signer';

// Generous: key generation, signing and the app under a loaded 2-core machine.
const SLOW = 60_000;

const OTHER_PRODUCT = '0a0b0c0d-1111-4222-8333-444455556666';
const OTHER_POLICY = '9f8e7d6c-5b4a-4392-8170-6f5e4d3c2b1a';

// keygen-api db/seeds.rb and app/models/license.rb: the license events whose payload `data` is one `licenses` resource. The list
// payloads (license.entitlements.*, license.users.*) are join records, not licenses.
const LICENSE_PAYLOAD_EVENTS = new Set(
  [
    'license.created',
    'license.updated',
    'license.deleted',
    'license.suspended',
    'license.reinstated',
    'license.renewed',
    'license.revoked',
    'license.checked-in',
    'license.checked-out',
    'license.expiring-soon',
    'license.expired',
    'license.check-in-required-soon',
    'license.check-in-overdue',
    'license.usage.incremented',
    'license.usage.decremented',
    'license.usage.reset',
    'license.policy.updated',
    'license.owner.updated',
    'license.group.updated',
    'license.user.updated',
    'license.validation.succeeded',
    'license.validation.failed',
    'license.validated',
  ].map((e) => e.replace(/[.-]/g, '_')),
);

const hookTriggers = Object.keys(App.triggers).filter(
  (k) => App.triggers[k].operation.type === 'hook',
);
const inputs = (op: Operation): Record<string, Field> =>
  Object.fromEntries(
    (op.inputFields ?? [])
      .filter((f): f is Field => typeof f === 'object' && f !== null && 'key' in f)
      .map((f) => [f.key, f]),
  );

function keygenError(status: string, detail: string, code: string, source?: Dict) {
  return {
    meta: { id: 'c0ffee00-0000-4000-8000-000000000000' },
    errors: [{ title: status, detail, code, ...(source ? { source } : {}) }],
  };
}

// ---------------------------------------------------------------------------------------------
// Deliveries: a fixture, optionally changed, re-serialised compactly as Keygen sends it.

interface Delivery {
  body: string;
  endpoint: string;
  event: string;
  id: string;
  token: string;
}

type Payload = { data: Dict | Dict[]; meta?: Dict };
let serial = 0;

/** `f` with its payload changed by `edit`, and a new event id and idempotency token. */
function variant(f: DeliveryFixture, edit: (payload: Payload) => void = () => {}): Delivery {
  const envelope = JSON.parse(f.body) as {
    data: { id: string; attributes: { payload: string; event: string }; meta: Dict };
  };
  const payload = JSON.parse(envelope.data.attributes.payload) as Payload;
  edit(payload);
  serial += 1;
  const n = serial.toString(16).padStart(12, '0');
  envelope.data.id = `d0d0d0d0-0000-4000-8000-${n}`;
  envelope.data.meta.idempotencyToken = `${n}${'a'.repeat(50)}v3`;
  envelope.data.attributes.payload = JSON.stringify(payload);
  return {
    body: JSON.stringify(envelope),
    endpoint: f.endpointUrl,
    event: envelope.data.attributes.event,
    id: envelope.data.id,
    token: envelope.data.meta.idempotencyToken as string,
  };
}

/** Points the resource's to-one relationship `name` at `id` (null: no such record). */
const relate = (resource: Dict, name: string, type: string, id: string | null) => {
  const rels = (resource.relationships ?? {}) as Dict;
  rels[name] = { links: { related: null }, data: id === null ? null : { type, id } };
  resource.relationships = rels;
};

const license = (product: string, policy: string) =>
  variant(fixture('license-created'), (p) => {
    relate(p.data as Dict, 'product', 'products', product);
    relate(p.data as Dict, 'policy', 'policies', policy);
  });

// ---------------------------------------------------------------------------------------------
// Subscribe and deliver, answering as Keygen does.

interface Subscribed {
  subscribeData: Dict;
  body: { data: { type: string; attributes: Dict; relationships?: Dict } };
}

async function subscribe(
  tester: Tester,
  triggerKey: string,
  targetUrl: string,
  keys: AccountKeys,
  inputData: Dict,
): Promise<Subscribed> {
  let sent: Subscribed['body'] | undefined;
  const api = nock(CLOUD, {
    reqheaders: { authorization: `Bearer ${TOKEN}`, 'keygen-version': '1.8' },
  });
  api
    .post(ap('/webhook-endpoints'), (body) => {
      sent = body;
      return true;
    })
    .reply(
      201,
      () => ({
        data: {
          id: ENDPOINT_ID,
          type: 'webhook-endpoints',
          attributes: {
            url: targetUrl,
            subscriptions: sent!.data.attributes.subscriptions ?? ['*'],
            signatureAlgorithm: 'ed25519',
            apiVersion: '1.8',
            created: '2026-06-30T19:00:00.000Z',
            updated: '2026-06-30T19:00:00.000Z',
          },
          relationships: {
            account: { data: { type: 'accounts', id: ACCOUNT_UUID } },
            product: {
              data:
                (sent!.data.relationships?.product as { data?: unknown } | undefined)?.data ?? null,
            },
          },
          links: { self: `/v1/accounts/${ACCOUNT_UUID}/webhook-endpoints/${ENDPOINT_ID}` },
        },
      }),
      JSON_API,
    );
  api.get(ap('')).reply(
    200,
    {
      data: {
        id: ACCOUNT_UUID,
        type: 'accounts',
        attributes: { name: 'ACME Inc.', slug: ACCOUNT, apiVersion: '1.8' },
        relationships: {},
        links: { self: `/v1/accounts/${ACCOUNT_UUID}` },
        meta: { publicKey: keys.meta.rsa2048, keys: keys.meta },
      },
    },
    JSON_API,
  );
  const subscribeData = (await tester(App.triggers[triggerKey].operation.performSubscribe, {
    authData: AUTH,
    inputData,
    targetUrl,
    meta: {},
  })) as Dict;
  expect(api.isDone()).toBe(true);
  return { subscribeData, body: sent! };
}

/**
 * Subscribes `triggerKey` with `inputData` (a fresh account key), then performs `d` signed with
 * that key and the current Date (or with `signingKeys`, to forge it).
 */
async function deliver(
  triggerKey: string,
  d: Delivery,
  inputData: Dict,
  signingKeys?: AccountKeys,
): Promise<unknown> {
  const tester = newTester();
  const keys = makeAccountKeys();
  const { subscribeData } = await subscribe(tester, triggerKey, d.endpoint, keys, inputData);
  const headers = signDelivery({
    body: d.body,
    url: d.endpoint,
    keys: signingKeys ?? keys,
    date: new Date(),
    accountId: ACCOUNT_UUID,
  });
  return tester(App.triggers[triggerKey].operation.perform, {
    authData: AUTH,
    inputData,
    subscribeData,
    meta: {},
    rawRequest: { method: 'POST', querystring: '', headers, content: d.body },
    cleanedRequest: JSON.parse(d.body),
  });
}

useNock();

// =============================================================================================
describe('scoping: inputs (contract)', () => {
  it('there are hook triggers, among them license, machine, user and new_event ones', () => {
    for (const key of ['license_created', 'machine_heartbeat_dead', 'user_created', 'new_event'])
      expect(hookTriggers).toContain(key);
  });

  it('every hook trigger has an optional input `product`', () => {
    const missing = hookTriggers.filter((k) => {
      const product = inputs(App.triggers[k].operation).product;
      return !product || product.required === true;
    });
    expect(missing).toEqual([]);
  });

  it('every license_* trigger whose payload is a license has an optional `policy`; no other trigger has one', () => {
    const licenseTriggers = hookTriggers.filter((k) => LICENSE_PAYLOAD_EVENTS.has(k));
    expect(licenseTriggers.length).toBeGreaterThanOrEqual(10);
    const withPolicy = hookTriggers.filter((k) => inputs(App.triggers[k].operation).policy);
    expect(withPolicy.sort()).toEqual(licenseTriggers.sort());
    for (const k of withPolicy)
      expect(inputs(App.triggers[k].operation).policy.required).not.toBe(true);
    // The list-payload license triggers exist and are not license-scoped.
    expect(hookTriggers).toContain('license_entitlements_attached');
    expect(withPolicy).not.toContain('license_entitlements_attached');
  });
});

// =============================================================================================
describe('scoping: subscribe (contract)', () => {
  const keys = makeAccountKeys();
  const url = 'https://hooks.zapier.com/hooks/standard/1234567/5c0pe5c0pe5c0pe/';

  it.each(hookTriggers)(
    '%s with a product sends relationships.product.data = {type: "products", id}',
    async (key) => {
      const { body } = await subscribe(newTester(), key, url, keys, { product: PRODUCT_ID });
      expect(body.data.relationships?.product).toEqual({
        data: { type: 'products', id: PRODUCT_ID },
      });
      expect(body.data.attributes).toMatchObject({ url, signatureAlgorithm: 'ed25519' });
    },
    SLOW,
  );

  it.each([
    ['omitted', {}],
    ['empty', { product: '' }],
  ])(
    'without a product (%s) sends no product relationship',
    async (_label, inputData) => {
      for (const key of ['license_created', 'machine_heartbeat_dead', 'new_event']) {
        const { body } = await subscribe(newTester(), key, url, keys, inputData);
        expect({ key, product: body.data.relationships?.product }).toEqual({
          key,
          product: undefined,
        });
      }
    },
    SLOW,
  );

  it(
    'a policy alone adds no product relationship (Keygen scopes endpoints by product only)',
    async () => {
      const { body } = await subscribe(newTester(), 'license_created', url, keys, {
        policy: POLICY_ID,
      });
      expect(body.data.relationships?.product).toBeUndefined();
    },
    SLOW,
  );
});

// =============================================================================================
describe('scoping: perform filters verified deliveries (contract)', () => {
  it(
    'keeps a license of the chosen product and drops one of another product',
    async () => {
      const kept = single(
        await deliver('license_created', license(PRODUCT_ID, POLICY_ID), { product: PRODUCT_ID }),
      );
      expect(kept).toMatchObject({
        license_id: LICENSE_ID,
        license_product_id: PRODUCT_ID,
        event: 'license.created',
      });
      const dropped = await deliver('license_created', license(OTHER_PRODUCT, POLICY_ID), {
        product: PRODUCT_ID,
      });
      expect(dropped).toEqual([]);
    },
    SLOW,
  );

  it(
    'keeps a license of the chosen policy and drops one of another policy',
    async () => {
      const d = license(PRODUCT_ID, POLICY_ID);
      const kept = single(await deliver('license_created', d, { policy: POLICY_ID }));
      expect(kept).toMatchObject({ id: d.id, license_policy_id: POLICY_ID });
      expect(
        await deliver('license_created', license(PRODUCT_ID, OTHER_POLICY), { policy: POLICY_ID }),
      ).toEqual([]);
    },
    SLOW,
  );

  it(
    'with both set, a license must match both',
    async () => {
      const both = { product: PRODUCT_ID, policy: POLICY_ID };
      const d = license(PRODUCT_ID, POLICY_ID);
      expect(single(await deliver('license_created', d, both))).toMatchObject({
        id: d.id,
        idempotency_token: d.token,
      });
      expect(await deliver('license_created', license(PRODUCT_ID, OTHER_POLICY), both)).toEqual([]);
      expect(await deliver('license_created', license(OTHER_PRODUCT, POLICY_ID), both)).toEqual([]);
    },
    SLOW,
  );

  it(
    'without product and policy every license is kept',
    async () => {
      const d = license(OTHER_PRODUCT, OTHER_POLICY);
      expect(single(await deliver('license_created', d, {}))).toMatchObject({
        id: d.id,
        license_product_id: OTHER_PRODUCT,
        license_policy_id: OTHER_POLICY,
      });
    },
    SLOW,
  );

  it(
    'a machine is filtered by machine_product_id',
    async () => {
      const machine = (product: string) =>
        variant(fixture('machine-heartbeat-dead'), (p) =>
          relate(p.data as Dict, 'product', 'products', product),
        );
      const d = machine(PRODUCT_ID);
      expect(
        single(await deliver('machine_heartbeat_dead', d, { product: PRODUCT_ID })),
      ).toMatchObject({ id: d.id, machine_product_id: PRODUCT_ID });
      expect(
        await deliver('machine_heartbeat_dead', machine(OTHER_PRODUCT), { product: PRODUCT_ID }),
      ).toEqual([]);
    },
    SLOW,
  );

  it(
    'new_event honours product too',
    async () => {
      const d = license(PRODUCT_ID, POLICY_ID);
      expect(single(await deliver('new_event', d, { product: PRODUCT_ID }))).toMatchObject({
        id: d.id,
        license_product_id: PRODUCT_ID,
      });
      expect(
        await deliver('new_event', license(OTHER_PRODUCT, POLICY_ID), { product: PRODUCT_ID }),
      ).toEqual([]);
    },
    SLOW,
  );

  it(
    'keeps a user delivery (a user names no product) when a product is chosen',
    async () => {
      const d = variant(fixture('user-password-reset'));
      const result = single(await deliver('user_password_reset', d, { product: OTHER_PRODUCT }));
      expect(result).toMatchObject({ id: d.id, user_id: USER_ID, event: 'user.password-reset' });
    },
    SLOW,
  );

  it(
    'keeps the license.entitlements.attached list payload when a product is chosen',
    async () => {
      const d = variant(fixture('license-entitlements-attached'));
      const result = single(
        await deliver('license_entitlements_attached', d, { product: PRODUCT_ID }),
      );
      expect(result).toMatchObject({ id: d.id, event: 'license.entitlements.attached' });
    },
    SLOW,
  );

  it(
    'keeps a list payload when any record matches the product, drops it when none does',
    async () => {
      const list = (products: string[]) =>
        variant(fixture('license-entitlements-attached'), (p) =>
          (p.data as Dict[]).forEach((record, i) =>
            relate(record, 'product', 'products', products[i]),
          ),
        );
      const some = list([OTHER_PRODUCT, PRODUCT_ID]);
      expect(
        single(await deliver('license_entitlements_attached', some, { product: PRODUCT_ID })),
      ).toMatchObject({ id: some.id });
      expect(
        await deliver('license_entitlements_attached', list([OTHER_PRODUCT, OTHER_PRODUCT]), {
          product: PRODUCT_ID,
        }),
      ).toEqual([]);
    },
    SLOW,
  );

  it.each([
    ['the chosen product', PRODUCT_ID],
    ['another product', OTHER_PRODUCT],
  ])(
    'a forged delivery of a license of %s is halted, not filtered',
    async (_label, product) => {
      const forger = makeAccountKeys();
      const { name, text } = await caught(
        deliver('license_created', license(product, POLICY_ID), { product: PRODUCT_ID }, forger),
      );
      expect(name).toBe('HaltedError');
      expect(text).toMatch(/signature/i);
    },
    SLOW,
  );
});

// =============================================================================================
describe('scoping: performList (contract)', () => {
  const listed = (d: Delivery) => {
    const data = JSON.parse(d.body).data;
    data.attributes = {
      ...data.attributes,
      status: 'DELIVERED',
      lastResponseCode: 200,
      lastResponseBody: 'OK',
    };
    return data;
  };
  const a = license(PRODUCT_ID, POLICY_ID);
  const b = license(OTHER_PRODUCT, POLICY_ID);
  const c = license(PRODUCT_ID, OTHER_POLICY);

  const list = async (inputData: Dict): Promise<string[]> => {
    const scope = nock(CLOUD, { reqheaders: { authorization: `Bearer ${TOKEN}` } })
      .get(ap('/webhook-events'))
      .query((q) => {
        const events = q['events[]'] ?? q.events;
        return Array.isArray(events)
          ? events.includes('license.created')
          : events === 'license.created';
      })
      .reply(
        200,
        {
          data: [listed(a), listed(b), listed(c)],
          links: { self: ap('/webhook-events'), prev: null, next: null },
        },
        JSON_API,
      );
    const result = (await newTester()(App.triggers.license_created.operation.performList, {
      authData: AUTH,
      inputData,
      meta: {},
    })) as Dict[];
    expect(scope.isDone()).toBe(true);
    expect(Array.isArray(result)).toBe(true);
    return result.map((r) => r.id as string);
  };

  it(
    'keeps every listed event without product and policy',
    async () => {
      expect((await list({})).sort()).toEqual([a.id, b.id, c.id].sort());
    },
    SLOW,
  );

  it(
    'drops listed events of another product',
    async () => {
      expect((await list({ product: PRODUCT_ID })).sort()).toEqual([a.id, c.id].sort());
    },
    SLOW,
  );

  it(
    'drops listed licenses of another policy',
    async () => {
      expect((await list({ policy: POLICY_ID })).sort()).toEqual([a.id, b.id].sort());
      expect(await list({ product: PRODUCT_ID, policy: POLICY_ID })).toEqual([a.id]);
    },
    SLOW,
  );
});

// =============================================================================================
describe('checkout_license_file (contract)', () => {
  const FILE_ID = '3b2c1d0e-9f8a-4b7c-8d6e-5f4a3b2c1d0e';
  const ISSUED = '2026-06-30T19:50:11.456Z';
  const EXPIRY = '2026-07-01T19:50:11.456Z';

  const licenseResource = () => {
    const d = JSON.parse(
      JSON.parse(fixture('license-created').body).data.attributes.payload,
    ) as Payload;
    return d.data as Dict;
  };
  const licenseAttrs = licenseResource().attributes as Dict;

  // A certificate shaped as Keygen makes one: base64 of {enc, sig, alg}, where enc is base64 of
  // the license document (unencrypted), armoured and wrapped at 76 columns.
  const certificate = (() => {
    const enc = Buffer.from(
      JSON.stringify({
        meta: { issued: ISSUED, expiry: EXPIRY, ttl: 86400 },
        data: licenseResource(),
        included: [],
      }),
    ).toString('base64');
    const doc = Buffer.from(
      JSON.stringify({ enc, sig: Buffer.alloc(64, 7).toString('base64'), alg: 'base64+ed25519' }),
    ).toString('base64');
    const lines = doc.match(/.{1,76}/g)!.join('\n');
    return `-----BEGIN LICENSE FILE-----\n${lines}\n-----END LICENSE FILE-----\n`;
  })();

  const licenseFile = (includes: string[]) => ({
    data: {
      id: FILE_ID,
      type: 'license-files',
      attributes: {
        certificate,
        ttl: 86400,
        expiry: EXPIRY,
        issued: ISSUED,
        algorithm: 'base64+ed25519',
        includes,
      },
      relationships: {
        account: { data: { type: 'accounts', id: ACCOUNT_UUID } },
        environment: { data: null },
        license: {
          links: { related: `/v1/accounts/${ACCOUNT_UUID}/licenses/${LICENSE_ID}` },
          data: { type: 'licenses', id: LICENSE_ID },
        },
      },
    },
  });

  const api = () =>
    nock(CLOUD, {
      reqheaders: {
        authorization: `Bearer ${TOKEN}`,
        accept: /application\/vnd\.api\+json/,
        'keygen-version': '1.8',
      },
    });

  /** The license may be read by id or by key; either answers the same license. */
  const licenseReads = () => {
    api()
      .get(ap(`/licenses/${LICENSE_ID}`))
      .optionally()
      .reply(200, { data: licenseResource() }, JSON_API);
    api()
      .get(ap(`/licenses/${encodeURIComponent(LICENSE_KEY)}`))
      .optionally()
      .reply(200, { data: licenseResource() }, JSON_API);
  };

  /** What a check-out request carried, from its meta body or its query (Keygen takes either). */
  interface Sent {
    ttl?: unknown;
    include?: unknown;
    encrypt?: unknown;
  }
  const options = (query: Dict, body: unknown): Sent => {
    const meta = (isPlainObject(body) && isPlainObject(body.meta) ? body.meta : {}) as Dict;
    const include = meta.include ?? query['include[]'] ?? query.include;
    return {
      ttl: meta.ttl ?? (query.ttl === undefined ? undefined : Number(query.ttl)),
      include: typeof include === 'string' ? include.split(',') : include,
      encrypt:
        meta.encrypt ??
        (query.encrypt === undefined ? undefined : String(query.encrypt) === 'true'),
    };
  };

  /** The parts of a dehydrated file string: the hydrator's name and the data it gets. */
  const dehydrated = (file: unknown): { method: string; bundle: Dict } => {
    expect(typeof file).toBe('string');
    const m = /^hydrate\|\|\|(.*)\|\|\|hydrate$/s.exec(file as string);
    expect(m).not.toBeNull();
    const payload = JSON.parse(m![1]) as { type: string; method: string; bundle: Dict };
    expect(payload.type).toBe('file');
    const method = /^hydrators\.(.+)$/.exec(payload.method);
    expect(method).not.toBeNull();
    return { method: method![1], bundle: payload.bundle };
  };

  const checkout = (inputData: Dict, includes: string[] = []) => {
    const seen: { query?: Dict; body?: unknown } = {};
    const scope = api()
      .post(ap(`/licenses/${LICENSE_ID}/actions/check-out`))
      .query((q) => {
        seen.query = q as Dict;
        return true;
      })
      .reply(
        200,
        (_uri, body) => {
          seen.body = typeof body === 'string' && body ? JSON.parse(body) : body;
          return licenseFile(includes);
        },
        JSON_API,
      );
    licenseReads();
    const result = newTester()(App.creates.checkout_license_file.operation.perform, {
      authData: AUTH,
      inputData,
      meta: {},
    });
    return { scope, seen, result };
  };

  it('takes license (required) and optional ttl, include (list) and encrypt', () => {
    const fields = inputs(App.creates.checkout_license_file.operation);
    expect(Object.keys(fields)).toEqual(
      expect.arrayContaining(['license', 'ttl', 'include', 'encrypt']),
    );
    expect(fields.license.required).toBe(true);
    for (const k of ['ttl', 'include', 'encrypt']) expect(fields[k].required).not.toBe(true);
    expect(fields.include.list).toBe(true);
  });

  it(
    'POSTs …/licenses/{id}/actions/check-out with ttl, include and encrypt as Keygen takes them',
    async () => {
      const { scope, seen, result } = checkout(
        { license: LICENSE_ID, ttl: 86400, include: ['entitlements', 'product'], encrypt: false },
        ['entitlements', 'product'],
      );
      await result;
      expect(scope.isDone()).toBe(true);
      const sent = options(seen.query ?? {}, seen.body);
      expect(sent).toEqual({ ttl: 86400, include: ['entitlements', 'product'], encrypt: false });
    },
    SLOW,
  );

  it(
    'with only a license sends no ttl, include or encrypt (Keygen defaults)',
    async () => {
      const { scope, seen, result } = checkout({ license: LICENSE_ID });
      await result;
      expect(scope.isDone()).toBe(true);
      const sent = options(seen.query ?? {}, seen.body);
      expect(sent.ttl).toBeUndefined();
      expect(sent.include === undefined || (sent.include as unknown[]).length === 0).toBe(true);
      expect(sent.encrypt === undefined || sent.encrypt === false).toBe(true);
    },
    SLOW,
  );

  it(
    'returns the license file flat, the license fields and the certificate as a dehydrated file',
    async () => {
      const { result } = checkout({ license: LICENSE_ID, ttl: 86400 }, ['entitlements']);
      const out = (await result) as Dict;
      expect(isPlainObject(out)).toBe(true);
      expect(out).toMatchObject({
        license_file_id: FILE_ID,
        license_file_certificate: certificate,
        license_file_ttl: 86400,
        license_file_expiry: EXPIRY,
        license_file_issued: ISSUED,
        license_file_algorithm: 'base64+ed25519',
        license_file_license_id: LICENSE_ID,
        license_id: LICENSE_ID,
        license_key: LICENSE_KEY,
        license_name: licenseAttrs.name,
        license_expiry: licenseAttrs.expiry,
        license_status: licenseAttrs.status,
        license_product_id: PRODUCT_ID,
        license_policy_id: POLICY_ID,
        // The license after the check-out: this check-out, though the read had none yet.
        license_last_check_out: ISSUED,
      });
      for (const [k, v] of Object.entries(out))
        expect({ [k]: isPlainObject(v) || v === 'null' }).toEqual({ [k]: false });

      const file = out.license_file as string;
      const { method } = dehydrated(file);
      expect(typeof App.hydrators?.[method]).toBe('function');
      // Stored with the Zap: never the connection's token.
      expect(file).not.toContain(TOKEN.slice(0, 20));
    },
    SLOW,
  );

  it(
    'license_file hydrates to exactly the certificate, as a .lic file',
    async () => {
      const { result } = checkout({ license: LICENSE_ID }, []);
      const out = (await result) as Dict;
      const { method, bundle } = dehydrated(out.license_file as string);
      // Zapier runs the named hydrator with the dehydrated data as inputData; its z.stashFile
      // uploads (an RPC), recorded here instead.
      const stashed: unknown[][] = [];
      const z = {
        stashFile: async (...args: unknown[]) => {
          stashed.push(args);
          return 'https://zapier-dev-files.s3.amazonaws.com/cli-platform/stashed.lic';
        },
        console: { log: () => {}, error: () => {} },
      };
      const hydrator = App.hydrators![method] as (z: unknown, bundle: Dict) => Promise<unknown>;
      const url = await hydrator(z, { inputData: bundle, authData: AUTH, meta: {} });
      expect(url).toBe('https://zapier-dev-files.s3.amazonaws.com/cli-platform/stashed.lic');
      expect(stashed).toHaveLength(1);
      const [content, length, filename] = stashed[0];
      const bytes = Buffer.isBuffer(content) ? content : Buffer.from(String(content));
      expect(bytes.toString('utf8')).toBe(certificate);
      if (length !== undefined) expect(length).toBe(Buffer.byteLength(certificate));
      expect(String(filename)).toMatch(/\.lic$/);
    },
    SLOW,
  );

  it(
    "a Keygen 400 CHECKOUT_TTL_INVALID reaches the user with Keygen's title, detail and code",
    async () => {
      api()
        .post(ap(`/licenses/${LICENSE_ID}/actions/check-out`))
        .query(true)
        .reply(
          400,
          keygenError(
            'Bad request',
            'must be greater than or equal to 3600 (1 hour)',
            'CHECKOUT_TTL_INVALID',
            { parameter: 'ttl' },
          ),
          JSON_API,
        );
      licenseReads();
      const { name, text } = await caught(
        newTester()(App.creates.checkout_license_file.operation.perform, {
          authData: AUTH,
          inputData: { license: LICENSE_ID, ttl: 3600 },
          meta: {},
        }),
      );
      expect(name).not.toBe('HaltedError');
      expect(text).toContain('Bad request');
      expect(text).toContain('must be greater than or equal to 3600 (1 hour)');
      expect(text).toContain('CHECKOUT_TTL_INVALID');
    },
    SLOW,
  );
});

// =============================================================================================
describe('validate_license_key NOT_FOUND (contract)', () => {
  const validate = (inputData: Dict, authData: Dict = AUTH) =>
    newTester()(App.searches.validate_license_key.operation.perform, {
      authData,
      inputData,
      meta: {},
    });

  it(
    "Keygen's 200 with data null and meta.code NOT_FOUND is one result, license fields null",
    async () => {
      const scope = nock(CLOUD)
        .post(ap('/licenses/actions/validate-key'), (body) => body?.meta?.key === 'NO-SUCH-KEY')
        .reply(200, VALIDATION_NOT_FOUND, JSON_API);
      const r = single(await validate({ key: 'NO-SUCH-KEY' }));
      expect(scope.isDone()).toBe(true);
      expect(r).toMatchObject({ validation_valid: false, validation_code: 'NOT_FOUND' });
      for (const k of ['license_id', 'license_key', 'license_status', 'license_product_id'])
        expect({ [k]: r[k] }).toEqual({ [k]: null });
      const nonNull = Object.keys(r).filter((k) => k.startsWith('license_') && r[k] !== null);
      expect(nonNull).toEqual([]);
    },
    SLOW,
  );

  it.each([
    ['an unknown account', "The requested account 'nope' was not found"],
    [
      'an unknown route',
      'The requested endpoint was not found (check your HTTP method, Accept header, and URL path)',
    ],
  ])(
    'a 404 for %s is an error quoting Keygen, not a NOT_FOUND result',
    async (_label, detail) => {
      const scope = nock(CLOUD)
        .post(ap('/licenses/actions/validate-key', 'nope'))
        .reply(404, keygenError('Not found', detail, 'NOT_FOUND'), JSON_API);
      const { name, text } = await caught(
        validate({ key: LICENSE_KEY }, { ...AUTH, accountId: 'nope' }),
      );
      expect(scope.isDone()).toBe(true);
      expect(name).not.toBe('HaltedError');
      expect(text).toContain(detail);
      expect(text).not.toContain(TOKEN.slice(0, 20));
    },
    SLOW,
  );
});
