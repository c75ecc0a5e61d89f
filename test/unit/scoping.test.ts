import fc from 'fast-check';
import { createAppTester, type Bundle, type ZObject } from 'zapier-platform-core';
import { EVENTS } from '../../keygen/events';
import type { Flat } from '../../keygen/normalize';
import type { Subscription } from '../../triggers/subscription';
import { outOfScope, scopedSample, type Scope } from '../../triggers/scope';
import { App, appTester, at, authData, keygenApi, JSON_API } from '../helpers/app';
import { appError, failure } from '../helpers/errors';
import { fixture } from '../helpers/fixtures';
import { makeAccountKeys, signDelivery } from '../helpers/keygen-signer';

type Perform = (z: ZObject, bundle: Bundle) => Promise<unknown>;
type Field = { key: string; dynamic?: string; required?: boolean; helpText?: string };
type HookOperation = {
  type: string;
  inputFields: Field[];
  perform: Perform;
  performList: Perform;
  performSubscribe: Perform;
  sample: Flat;
};
/** Generous for a loaded 2-core machine; each test takes well under a second alone. */
const SLOW = 20_000;

const triggers = App.triggers as unknown as Record<string, { operation: HookOperation }>;
const op = (key: string) => triggers[key].operation;
const hookKeys = Object.keys(triggers).filter((key) => op(key).type === 'hook');

const keys = makeAccountKeys();
const stranger = makeAccountKeys();
const TARGET = 'https://hooks.zapier.com/hooks/standard/1234567/0f1e2d3c4b5a69788796a5b4c3d2e1f0/';
const ACCOUNT_UUID = '1fddcec8-8dd3-4d8d-9b16-215cac0f9b52';
// The product and policy of the fixtures' license and machine.
const PRODUCT = 'c7a96ae1-5c35-4a0c-a2b8-1b3e0a4f0d11';
const POLICY = '70af414d-6152-4ff1-892b-15a40ada6b4e';
const OTHER_PRODUCT = '5d0c1e6b-2f7a-4c3e-9b1d-8a6f4e2c0b33';
const OTHER_POLICY = '9e3b7a51-0c2d-4f6e-8a1b-3c5d7e9f1a22';

const subscription = (events: string[]): Subscription => ({
  id: 'endpoint-1',
  url: TARGET,
  events,
  keys: keys.meta,
});

type Resource = { type: string; relationships: Record<string, { data: unknown }> };

/** A fixture's delivery body with its payload changed by `edit` (before signing). */
function bodyFrom(name: string, edit: (data: Resource & Resource[]) => void = () => {}): string {
  const json = JSON.parse(fixture(name).body);
  const payload = JSON.parse(json.data.attributes.payload);
  edit(payload.data);
  json.data.attributes.payload = JSON.stringify(payload);
  return JSON.stringify(json);
}

const relate = (resource: Resource, name: string, type: string, id: string) => {
  resource.relationships[name] = { data: { type, id } };
};

/** A relationship whose `data` is whatever a payload may hold: a list, a number id, nothing. */
const relateAs = (resource: Resource, name: string, data: unknown) => {
  resource.relationships[name] = { data };
};

function delivery(body: string, signer = keys) {
  const headers = signDelivery({ body, url: TARGET, keys: signer, accountId: ACCOUNT_UUID });
  return { method: 'POST' as const, querystring: '', headers, content: body };
}

async function receive(
  key: string,
  events: string[],
  body: string,
  inputData: Record<string, unknown>,
  signer = keys,
) {
  return (await appTester(
    op(key).perform,
    {
      authData,
      inputData,
      subscribeData: subscription(events),
      rawRequest: delivery(body, signer),
      cleanedRequest: {},
    } as never,
    true,
  )) as Flat[];
}

describe('scope inputs', () => {
  it('every hook trigger, new_event included, has an optional product dropdown', () => {
    expect(hookKeys.length).toBe(EVENTS.filter((e) => e.ownTrigger).length + 1);
    expect(hookKeys).toContain('new_event');
    for (const key of hookKeys) {
      const product = op(key).inputFields.find((f) => f.key === 'product');
      expect([key, product?.dynamic, product?.required]).toEqual([
        key,
        'list_products.id.label',
        false,
      ]);
      expect(product?.helpText).toMatch(/name no product .* kept/);
    }
  });

  it('a policy dropdown exactly on the triggers whose catalog payload is a license', () => {
    const withPolicy = hookKeys.filter((key) =>
      op(key).inputFields.some((f) => f.key === 'policy' && f.dynamic === 'list_policies.id.label'),
    );
    const licensePayloads = EVENTS.filter((e) => e.ownTrigger && e.resource === 'licenses');
    expect(withPolicy.sort()).toEqual(licensePayloads.map((e) => e.key).sort());
    // License-named, but their payload is a list of license-entitlement records.
    expect(withPolicy).not.toContain('license_entitlements_attached');
    expect(withPolicy).toContain('license_validation_failed');
    expect(op('new_event').inputFields.map((f) => f.key)).toEqual(['events', 'product']);
    expect(op('license_created').inputFields.map((f) => f.key)).toEqual(['product', 'policy']);
  });
});

describe('performSubscribe with a product', () => {
  const account = { data: { id: ACCOUNT_UUID, type: 'accounts', meta: { keys: keys.meta } } };
  const attributes = {
    url: TARGET,
    subscriptions: ['license.created'],
    signatureAlgorithm: 'ed25519',
    apiVersion: '1.8',
  };
  const subscribe = (inputData: Record<string, unknown>) =>
    appTester(op('license_created').performSubscribe, { authData, targetUrl: TARGET, inputData });

  it(
    'scopes the endpoint to the chosen product (trimmed)',
    async () => {
      keygenApi()
        .get(at(''))
        .reply(200, account, JSON_API)
        .post(at('/webhook-endpoints'), {
          data: {
            type: 'webhook-endpoints',
            attributes,
            relationships: { product: { data: { type: 'products', id: PRODUCT } } },
          },
        })
        .reply(201, { data: { id: 'endpoint-7', type: 'webhook-endpoints' } }, JSON_API);
      const result = (await subscribe({ product: ` ${PRODUCT} ` })) as Subscription;
      expect(result.id).toBe('endpoint-7');
    },
    SLOW,
  );

  it(
    'sends no relationship when no product is chosen, also for a policy alone',
    async () => {
      for (const inputData of [{}, { product: '' }, { policy: POLICY }]) {
        keygenApi()
          .get(at(''))
          .reply(200, account, JSON_API)
          .post(at('/webhook-endpoints'), { data: { type: 'webhook-endpoints', attributes } })
          .reply(201, { data: { id: 'endpoint-8', type: 'webhook-endpoints' } }, JSON_API);
        expect(((await subscribe(inputData)) as Subscription).id).toBe('endpoint-8');
      }
    },
    SLOW,
  );

  it(
    "says that a product token only sees its own product, with Keygen's 403",
    async () => {
      keygenApi()
        .get(at(''))
        .reply(200, account, JSON_API)
        .post(at('/webhook-endpoints'))
        .reply(
          403,
          {
            errors: [
              {
                title: 'Access denied',
                detail: 'You do not have permission to perform this action',
                code: 'FORBIDDEN',
              },
            ],
          },
          JSON_API,
        );
      const error = appError(await failure(subscribe({ product: OTHER_PRODUCT })));
      expect(error.status).toBe(403);
      expect(error.code).toBe('FORBIDDEN');
      expect(error.message).toContain(
        'Keygen said: Access denied: You do not have permission to perform this action (code FORBIDDEN)',
      );
      expect(error.message).toContain(`scoped to product "${OTHER_PRODUCT}"`);
      expect(error.message).toContain('A product token only sees its own product');
      expect(error.message).not.toContain(authData.token);
    },
    SLOW,
  );

  it(
    'a 403 without a product keeps the plain message',
    async () => {
      keygenApi()
        .get(at(''))
        .reply(200, account, JSON_API)
        .post(at('/webhook-endpoints'))
        .reply(403, { errors: [{ title: 'Access denied' }] }, JSON_API);
      const error = appError(await failure(subscribe({})));
      expect(error.message).toMatch(/^The connected token is not allowed to create a webhook/);
      expect(error.message).not.toContain('only sees its own product');
    },
    SLOW,
  );

  it(
    'reports an unknown product readably, as a 404 or as a 422',
    async () => {
      keygenApi()
        .get(at(''))
        .reply(200, account, JSON_API)
        .post(at('/webhook-endpoints'))
        .reply(
          404,
          {
            errors: [
              {
                title: 'Not found',
                detail: `The requested product '${OTHER_PRODUCT}' was not found`,
                code: 'NOT_FOUND',
              },
            ],
          },
          JSON_API,
        );
      const notFound = appError(await failure(subscribe({ product: OTHER_PRODUCT })));
      expect(notFound).toMatchObject({ code: 'NOT_FOUND', status: 404 });
      expect(notFound.message).toBe(
        `Keygen found no product "${OTHER_PRODUCT}". Keygen said: Not found: The requested product '${OTHER_PRODUCT}' was not found (code NOT_FOUND). Check the value, and that the token's product or environment can see it.`,
      );

      keygenApi()
        .get(at(''))
        .reply(200, account, JSON_API)
        .post(at('/webhook-endpoints'))
        .reply(
          422,
          {
            errors: [
              {
                title: 'Unprocessable resource',
                detail: 'must exist',
                code: 'PRODUCT_NOT_FOUND',
                source: { pointer: '/data/relationships/product' },
              },
            ],
          },
          JSON_API,
        );
      const invalid = appError(await failure(subscribe({ product: 'acme-pro' })));
      expect(invalid).toMatchObject({ code: 'PRODUCT_NOT_FOUND', status: 422 });
      expect(invalid.message).toBe(
        'Keygen could not create a webhook endpoint for license.created scoped to product "acme-pro". Keygen said: Unprocessable resource: must exist (code PRODUCT_NOT_FOUND, at /data/relationships/product).',
      );
    },
    SLOW,
  );
});

describe('perform with a scope', () => {
  const license = ['license_created', ['license.created'], 'license-created'] as const;

  it(
    'keeps a license of the chosen product and policy (ids in any case)',
    async () => {
      const [key, events, name] = license;
      for (const inputData of [
        { product: PRODUCT },
        { policy: POLICY },
        { product: PRODUCT.toUpperCase(), policy: POLICY },
      ]) {
        const result = await receive(key, [...events], bodyFrom(name), inputData);
        expect(result.map((r) => [r.license_product_id, r.license_policy_id])).toEqual([
          [PRODUCT, POLICY],
        ]);
      }
    },
    SLOW,
  );

  it(
    'returns [] for a license of another product or another policy, and logs why',
    async () => {
      const [key, events, name] = license;
      const log = jest.spyOn(console, 'log').mockImplementation(() => undefined);
      expect(await receive(key, [...events], bodyFrom(name), { product: OTHER_PRODUCT })).toEqual(
        [],
      );
      expect(await receive(key, [...events], bodyFrom(name), { policy: OTHER_POLICY })).toEqual([]);
      expect(
        await receive(key, [...events], bodyFrom(name), { product: PRODUCT, policy: OTHER_POLICY }),
      ).toEqual([]);
      const moved = bodyFrom(name, (data) => relate(data, 'product', 'products', OTHER_PRODUCT));
      expect(await receive(key, [...events], moved, { product: PRODUCT })).toEqual([]);
      expect(await receive(key, [...events], moved, { product: OTHER_PRODUCT })).toHaveLength(1);
      expect(log.mock.calls.map(([line]) => String(line))).toContainEqual(
        expect.stringContaining(
          `Skipped license.created event 0b5f4f58-0d53-4b0a-8d7a-9f3a1c0e6a01, outside this Zap's scope: its policy is ${POLICY}, not ${OTHER_POLICY}.`,
        ),
      );
      log.mockRestore();
    },
    SLOW,
  );

  it(
    'filters a machine by its product',
    async () => {
      const body = bodyFrom('machine-heartbeat-dead');
      const events = ['machine.heartbeat.dead'];
      expect(await receive('machine_heartbeat_dead', events, body, { product: PRODUCT })).toEqual([
        expect.objectContaining({ machine_product_id: PRODUCT }),
      ]);
      expect(
        await receive('machine_heartbeat_dead', events, body, { product: OTHER_PRODUCT }),
      ).toEqual([]);
    },
    SLOW,
  );

  it(
    "keeps a user, which names no product (Keygen's product-scoped endpoint filtered it)",
    async () => {
      const result = await receive(
        'user_password_reset',
        ['user.password-reset'],
        bodyFrom('user-password-reset'),
        { product: OTHER_PRODUCT },
      );
      expect(result).toHaveLength(1);
      expect(result[0].user_email).toEqual(expect.any(String));
    },
    SLOW,
  );

  it(
    'new_event filters every event type it receives by the same rule',
    async () => {
      const every = ['*'];
      const user = bodyFrom('user-password-reset');
      const machine = bodyFrom('machine-heartbeat-dead');
      expect(await receive('new_event', every, user, { product: OTHER_PRODUCT })).toHaveLength(1);
      expect(await receive('new_event', every, machine, { product: OTHER_PRODUCT })).toEqual([]);
      expect(await receive('new_event', every, machine, { product: PRODUCT })).toHaveLength(1);
      // A product's own event: its id is its product.
      const product = bodyFrom('user-password-reset', (data) => {
        Object.assign(data, { type: 'products', relationships: {} });
      });
      expect(await receive('new_event', every, product, { product: OTHER_PRODUCT })).toEqual([]);
    },
    SLOW,
  );

  it(
    'keeps a list payload when any of its records matches',
    async () => {
      const key = 'license_entitlements_attached';
      const events = ['license.entitlements.attached'];
      // As Keygen sends it: license-entitlement records name no product.
      const plain = bodyFrom('license-entitlements-attached');
      expect(await receive(key, events, plain, { product: OTHER_PRODUCT })).toHaveLength(1);
      const mixed = bodyFrom('license-entitlements-attached', (records) => {
        relate(records[0], 'product', 'products', OTHER_PRODUCT);
        relate(records[1], 'product', 'products', PRODUCT);
      });
      const [kept] = await receive(key, events, mixed, { product: PRODUCT });
      expect(
        (kept.license_entitlements as Flat[]).map((r) => r.license_entitlement_product_id),
      ).toEqual([OTHER_PRODUCT, PRODUCT]);
      const foreign = bodyFrom('license-entitlements-attached', (records) => {
        for (const record of records) relate(record, 'product', 'products', OTHER_PRODUCT);
      });
      expect(await receive(key, events, foreign, { product: PRODUCT })).toEqual([]);
    },
    SLOW,
  );

  it(
    'compares every id a list relationship gives: one of another product drops the license',
    async () => {
      const [key, events, name] = license;
      const withProducts = (...ids: string[]) =>
        bodyFrom(name, (data) =>
          relateAs(
            data,
            'product',
            ids.map((id) => ({ type: 'products', id })),
          ),
        );
      const run = (body: string, inputData: Record<string, unknown>) =>
        receive(key, [...events], body, inputData);
      const log = jest.spyOn(console, 'log').mockImplementation(() => undefined);
      expect(await run(withProducts(OTHER_PRODUCT), { product: PRODUCT })).toEqual([]);
      expect(await run(withProducts(PRODUCT, OTHER_PRODUCT), { product: PRODUCT })).toEqual([]);
      expect(await run(withProducts(PRODUCT), { product: PRODUCT })).toHaveLength(1);
      // An empty list names no product: Keygen's filter decided, as for a user.
      expect(await run(withProducts(), { product: PRODUCT })).toHaveLength(1);
      const policies = bodyFrom(name, (data) =>
        relateAs(data, 'policy', [
          { type: 'policies', id: POLICY },
          { type: 'policies', id: OTHER_POLICY },
        ]),
      );
      expect(await run(policies, { policy: POLICY })).toEqual([]);
      expect(log.mock.calls.map(([line]) => String(line))).toContainEqual(
        expect.stringContaining(`its policy is ${OTHER_POLICY}, not ${POLICY}.`),
      );
      log.mockRestore();
    },
    SLOW,
  );

  it(
    'compares a number id as text: another product or policy is dropped, the chosen one kept',
    async () => {
      const [key, events, name] = license;
      const numbered = bodyFrom(name, (data) => {
        relateAs(data, 'product', { type: 'products', id: 12345 });
        relateAs(data, 'policy', { type: 'policies', id: 678 });
      });
      const run = (inputData: Record<string, unknown>) =>
        receive(key, [...events], numbered, inputData);
      const log = jest.spyOn(console, 'log').mockImplementation(() => undefined);
      expect(await run({ product: PRODUCT })).toEqual([]);
      expect(await run({ policy: POLICY })).toEqual([]);
      expect(await run({ product: '12345', policy: '678' })).toHaveLength(1);
      // Neither text nor a number: not an id of the chosen product.
      const odd = bodyFrom(name, (data) => relateAs(data, 'product', { type: 'products', id: {} }));
      expect(await receive(key, [...events], odd, { product: PRODUCT })).toEqual([]);
      expect(log.mock.calls.map(([line]) => String(line))).toContainEqual(
        expect.stringContaining('its product is given as object, not as an id.'),
      );
      log.mockRestore();
    },
    SLOW,
  );

  it(
    'still halts a forged delivery when a scope is chosen, matching or not',
    async () => {
      for (const product of [PRODUCT, OTHER_PRODUCT]) {
        const error = await failure(
          receive(
            'license_created',
            ['license.created'],
            bodyFrom('license-created'),
            { product },
            stranger,
          ),
        );
        expect(error.name).toBe('HaltedError');
        expect(error.message).toMatch(/not verifiably from Keygen/);
      }
    },
    SLOW,
  );

  it(
    'a delivery outside the scope records nothing for the dedupe',
    async () => {
      const tester = createAppTester(App);
      const body = bodyFrom('license-created');
      const run = (product: string) =>
        tester(op('license_created').perform, {
          authData,
          inputData: { product },
          subscribeData: subscription(['license.created']),
          rawRequest: delivery(body),
          cleanedRequest: {},
        } as never) as Promise<Flat[]>;
      expect(await run(OTHER_PRODUCT)).toEqual([]);
      // The same delivery in scope is new: the dropped one did not mark its token as processed.
      expect(await run(PRODUCT)).toHaveLength(1);
      expect(await run(PRODUCT)).toEqual([]);
    },
    SLOW,
  );
});

describe('performList with a scope', () => {
  const listed = (body: string) => JSON.parse(body).data;
  const eventsQuery = (page: number) => ({
    'events[]': 'license.created',
    'page[size]': 100,
    'page[number]': page,
  });
  const otherProduct = (id: string) => ({
    ...listed(
      bodyFrom('license-created', (data) => relate(data, 'product', 'products', OTHER_PRODUCT)),
    ),
    id,
  });
  const ours = (id: string) => ({ ...listed(bodyFrom('license-created')), id });

  it(
    'shows only the events the scope lets through, reading further pages (at most 3) to find them',
    async () => {
      keygenApi()
        .get(at('/webhook-events'))
        .query(eventsQuery(1))
        .reply(
          200,
          { data: Array.from({ length: 100 }, (_, i) => otherProduct(`other-${i}`)) },
          JSON_API,
        )
        .get(at('/webhook-events'))
        .query(eventsQuery(2))
        .reply(
          200,
          {
            data: [
              otherProduct('other-100'),
              ours('ours-1'),
              ...Array.from({ length: 98 }, (_, i) => otherProduct(`x-${i}`)),
            ],
          },
          JSON_API,
        )
        .get(at('/webhook-events'))
        .query(eventsQuery(3))
        .reply(200, { data: [ours('ours-2')] }, JSON_API);
      const result = (await appTester(op('license_created').performList, {
        authData,
        inputData: { product: PRODUCT },
      })) as Flat[];
      expect(result.map((r) => [r.id, r.license_product_id])).toEqual([
        ['ours-1', PRODUCT],
        ['ours-2', PRODUCT],
      ]);
    },
    SLOW,
  );

  it(
    'stops at 10 matches, and at a page that is not full',
    async () => {
      keygenApi()
        .get(at('/webhook-events'))
        .query(eventsQuery(1))
        .reply(200, { data: Array.from({ length: 100 }, (_, i) => ours(`ours-${i}`)) }, JSON_API);
      const full = (await appTester(op('license_created').performList, {
        authData,
        inputData: { policy: POLICY },
      })) as Flat[];
      expect(full.map((r) => r.id)).toEqual(Array.from({ length: 10 }, (_, i) => `ours-${i}`));

      keygenApi()
        .get(at('/webhook-events'))
        .query(eventsQuery(1))
        .reply(200, { data: [ours('ours-a'), otherProduct('other-a')] }, JSON_API);
      const short = (await appTester(op('license_created').performList, {
        authData,
        inputData: { product: PRODUCT },
      })) as Flat[];
      expect(short.map((r) => r.id)).toEqual(['ours-a']);
    },
    SLOW,
  );

  it(
    'leaves out events whose product is a list naming another product, or a number id',
    async () => {
      const edited = (id: string, edit: (data: Resource & Resource[]) => void) => ({
        ...listed(bodyFrom('license-created', edit)),
        id,
      });
      keygenApi()
        .get(at('/webhook-events'))
        .query(eventsQuery(1))
        .reply(
          200,
          {
            data: [
              edited('listed-other', (data) =>
                relateAs(data, 'product', [{ type: 'products', id: OTHER_PRODUCT }]),
              ),
              edited('listed-both', (data) =>
                relateAs(data, 'product', [
                  { type: 'products', id: PRODUCT },
                  { type: 'products', id: OTHER_PRODUCT },
                ]),
              ),
              edited('numbered', (data) =>
                relateAs(data, 'product', { type: 'products', id: 12345 }),
              ),
              ours('ours-1'),
            ],
          },
          JSON_API,
        );
      const result = (await appTester(op('license_created').performList, {
        authData,
        inputData: { product: PRODUCT },
      })) as Flat[];
      expect(result.map((r) => r.id)).toEqual(['ours-1']);
    },
    SLOW,
  );

  it(
    'with no matching event, gives the sample naming the chosen product and policy',
    async () => {
      keygenApi()
        .get(at('/webhook-events'))
        .query(eventsQuery(1))
        .reply(200, { data: [otherProduct('other-1')] }, JSON_API);
      const [sample] = (await appTester(op('license_created').performList, {
        authData,
        inputData: { product: PRODUCT, policy: POLICY },
      })) as Flat[];
      expect(sample).toEqual({
        ...op('license_created').sample,
        license_product_id: PRODUCT,
        license_policy_id: POLICY,
      });
    },
    SLOW,
  );

  it(
    'an unscoped trigger still makes one plain request and shows every event',
    async () => {
      keygenApi()
        .get(at('/webhook-events'))
        .query({ 'events[]': 'license.created' })
        .reply(200, { data: [ours('ours-1'), otherProduct('other-1')] }, JSON_API);
      const result = (await appTester(op('license_created').performList, {
        authData,
        inputData: { product: '' },
      })) as Flat[];
      expect(result.map((r) => r.id)).toEqual(['ours-1', 'other-1']);
    },
    SLOW,
  );
});

describe('the scope rule', () => {
  // Logical ids, each written the ways a payload may write it.
  const PRODUCTS = [PRODUCT, OTHER_PRODUCT, '42', '43'];
  const POLICIES = [POLICY, OTHER_POLICY, '7'];
  const written = (id: string) =>
    /^\d+$/.test(id)
      ? fc.constantFrom<unknown>(id, Number(id))
      : fc.constantFrom<unknown>(id, id.toUpperCase());

  /** A relationship naming exactly `ids`, in any of the forms a payload may use. */
  const relationshipNaming = (ids: string[], type: string) =>
    fc.tuple(...ids.map(written)).chain((forms) => {
      const identifiers = forms.map((id) => ({ type, id }));
      if (ids.length === 0) {
        return fc.constantFrom<unknown>(
          undefined,
          { data: null },
          { data: [] },
          { data: { type } },
        );
      }
      if (ids.length === 1) {
        return fc.constantFrom<unknown>({ data: identifiers[0] }, { data: identifiers });
      }
      return fc.constant<unknown>({ data: identifiers });
    });

  /** A license naming these products and policies, and the ids it names. */
  const license = fc
    .tuple(
      fc.array(fc.constantFrom(...PRODUCTS), { maxLength: 3 }),
      fc.array(fc.constantFrom(...POLICIES), { maxLength: 3 }),
    )
    .chain(([products, policies]) =>
      fc
        .tuple(relationshipNaming(products, 'products'), relationshipNaming(policies, 'policies'))
        .map(([product, policy]) => ({
          products,
          policies,
          record: {
            id: 'b18e3f3a-330c-4d8d-ae2e-014db21fa827',
            type: 'licenses',
            relationships: {
              ...(product === undefined ? {} : { product }),
              ...(policy === undefined ? {} : { policy }),
            },
          },
        })),
    );
  const scopeArb = fc.record(
    { product: fc.constantFrom(...PRODUCTS), policy: fc.constantFrom(...POLICIES) },
    { requiredKeys: [] },
  );
  /** The rule: every id named is the chosen one; a record naming none is kept. */
  const wants = (ids: string[], wanted: string | undefined) =>
    !wanted || ids.every((id) => id === wanted);
  const inScope = (l: { products: string[]; policies: string[] }, scope: Scope) =>
    wants(l.products, scope.product) && wants(l.policies, scope.policy);

  it('a record is in scope exactly when every id it names, however written, is the chosen one', () => {
    fc.assert(
      fc.property(license, scopeArb, (l, scope: Scope) => {
        expect(outOfScope(l.record, scope) === undefined).toBe(inScope(l, scope));
      }),
      { numRuns: 200 },
    );
  });

  it('a list is in scope exactly when one of its records is (or it has none)', () => {
    fc.assert(
      fc.property(fc.array(license, { maxLength: 5 }), scopeArb, (list, scope: Scope) => {
        const expected = list.length === 0 || list.some((l) => inScope(l, scope));
        expect(
          outOfScope(
            list.map((l) => l.record),
            scope,
          ) === undefined,
        ).toBe(expected);
      }),
      { numRuns: 200 },
    );
  });

  it("every hook trigger's scoped sample names the chosen product and policy wherever it names one", () => {
    const named = (flat: Flat, name: string) => {
      const records = [flat, ...Object.values(flat).filter(Array.isArray).flat()] as Flat[];
      return records.flatMap((record) =>
        Object.keys(record)
          .filter((key) => new RegExp(`(^|_)${name}_ids?$`).test(key))
          .map((key) => record[key]),
      );
    };
    expect(
      named(scopedSample(op('license_created').sample, { product: PRODUCT }), 'product'),
    ).toEqual([PRODUCT]);
    fc.assert(
      fc.property(fc.constantFrom(...hookKeys), scopeArb, (key, scope: Scope) => {
        const sample = scopedSample(op(key).sample, scope);
        for (const name of ['product', 'policy'] as const) {
          const wanted = scope[name];
          if (wanted) for (const id of named(sample, name)) expect(id).toBe(wanted);
        }
      }),
      { numRuns: 200 },
    );
  });
});
