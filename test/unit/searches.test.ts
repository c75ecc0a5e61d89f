import type { Bundle, ZObject } from 'zapier-platform-core';
import { resourceOutputFields } from '../../keygen/normalize';
import {
  App,
  appTester,
  at,
  authData,
  keygenApi,
  runSearch,
  LICENSE_ID,
  LICENSE_KEY,
} from '../helpers/app';
import { caught } from '../helpers/errors';

type Perform = (z: ZObject, bundle: Bundle) => Promise<Record<string, unknown>[]>;
type Operation = {
  perform: Perform;
  outputFields: { key: string }[];
  sample: Record<string, unknown>;
};
const searches = App.searches as unknown as Record<string, { operation: Operation }>;
const run = runSearch;

const KEY = LICENSE_KEY;

const license = (id = LICENSE_ID, attributes: Record<string, unknown> = {}) => ({
  id,
  type: 'licenses',
  attributes: {
    name: 'Pro License',
    key: KEY,
    expiry: '2020-01-01T00:00:00.000Z',
    status: 'ACTIVE',
    metadata: { stripeSubscriptionId: 'sub_1' },
    ...attributes,
  },
  relationships: {
    policy: { data: { type: 'policies', id: 'policy-1' } },
    owner: { data: { type: 'users', id: 'user-1' } },
  },
});

const notFound = (what: string) => ({
  errors: [
    { title: 'Not found', detail: `The requested ${what} was not found`, code: 'NOT_FOUND' },
  ],
});

describe('find_license', () => {
  it('finds by id or key', async () => {
    keygenApi()
      .get(at(`/licenses/${KEY}`))
      .reply(200, { data: license() });
    const results = await run('find_license', { license: KEY });
    expect(results).toHaveLength(1);
    expect(results[0]).toMatchObject({
      id: LICENSE_ID,
      license_key: KEY,
      license_status: 'ACTIVE',
      license_policy_id: 'policy-1',
      license_owner_id: 'user-1',
      license_metadata__stripeSubscriptionId: 'sub_1',
    });
  });

  it('returns [] for an unknown id or key', async () => {
    keygenApi().get(at('/licenses/NOPE-KEY')).reply(404, notFound("license 'NOPE-KEY'"));
    await expect(run('find_license', { license: 'NOPE-KEY' })).resolves.toEqual([]);
  });

  it('finds by a metadata key and value', async () => {
    keygenApi()
      .get(at('/licenses'))
      .query({ 'metadata[stripeSubscriptionId]': 'sub_1' })
      .reply(200, { data: [license('lic-2'), license()], links: { next: null } });
    const results = await run('find_license', {
      metadata_key: 'stripeSubscriptionId',
      metadata_value: 'sub_1',
    });
    expect(results.map((r) => r.id)).toEqual(['lic-2', LICENSE_ID]);
  });

  it("finds by the owner's email, lower-cased, combined with metadata", async () => {
    keygenApi()
      .get(at('/licenses'))
      .query({ owner: 'jane@example.com', 'metadata[plan]': 'pro' })
      .reply(200, { data: [license()] });
    const results = await run('find_license', {
      owner_email: 'Jane@Example.com',
      metadata_key: 'plan',
      metadata_value: 'pro',
    });
    expect(results[0].license_id).toBe(LICENSE_ID);
  });

  it('returns [] when no license matches', async () => {
    keygenApi()
      .get(at('/licenses'))
      .query({ owner: 'nobody@example.com' })
      .reply(200, { data: [] });
    await expect(run('find_license', { owner_email: 'nobody@example.com' })).resolves.toEqual([]);
  });

  it('asks for something to search by', async () => {
    const error = await caught(run('find_license', {}));
    expect(error.json.message).toBe(
      'Nothing to search by: enter a license ID or key, a Metadata Key and Metadata Value, or an Owner Email.',
    );
  });

  it('asks for the value of a metadata key', async () => {
    const error = await caught(run('find_license', { metadata_key: 'plan' }));
    expect(error.json.message).toBe('Metadata Value is required: enter or map a value.');
  });

  it('429 becomes a ThrottledError', async () => {
    keygenApi()
      .get(at('/licenses'))
      .query(true)
      .reply(
        429,
        { errors: [{ title: 'Too many requests', code: 'TOO_MANY_REQUESTS' }] },
        { 'Retry-After': '3' },
      );
    const error = await caught(run('find_license', { owner_email: 'jane@example.com' }));
    expect(error.name).toBe('ThrottledError');
    expect(error.json.delay).toBe(3);
  });

  it('403 names what the token may not do', async () => {
    keygenApi()
      .get(at(`/licenses/${LICENSE_ID}`))
      .reply(403, {
        errors: [
          {
            title: 'Access denied',
            detail: 'You do not have permission to complete the request',
            code: 'TOKEN_NOT_ALLOWED',
          },
        ],
      });
    const error = await caught(run('find_license', { license: LICENSE_ID }));
    expect(error.json).toMatchObject({ code: 'TOKEN_NOT_ALLOWED', status: 403 });
    expect(error.json.message).toContain(`not allowed to find license "${LICENSE_ID}"`);
  });
});

const user = {
  id: 'user-1',
  type: 'users',
  attributes: { email: 'jane@example.com', fullName: 'Jane Doe' },
};

describe('find_user', () => {
  it('finds by email through the user path, lower-cased', async () => {
    keygenApi().get(at('/users/jane%40example.com')).reply(200, { data: user });
    const results = await run('find_user', { email: ' Jane@Example.com ' });
    expect(results).toEqual([
      expect.objectContaining({
        id: 'user-1',
        user_email: 'jane@example.com',
        user_full_name: 'Jane Doe',
      }),
    ]);
  });

  it('finds by id', async () => {
    keygenApi().get(at('/users/user-1')).reply(200, { data: user });
    const results = await run('find_user', { user: 'user-1' });
    expect(results[0].user_id).toBe('user-1');
  });

  it('returns [] for an unknown email', async () => {
    keygenApi().get(at('/users/new%40example.com')).reply(404, notFound("user 'new@example.com'"));
    await expect(run('find_user', { email: 'new@example.com' })).resolves.toEqual([]);
  });
});

const machine = (id: string) => ({
  id,
  type: 'machines',
  attributes: { fingerprint: 'fp-1', name: 'Office Mac' },
  relationships: { license: { data: { type: 'licenses', id: LICENSE_ID } } },
});

describe('find_machine', () => {
  it('finds by fingerprint within a license id', async () => {
    keygenApi()
      .get(at('/machines'))
      .query({ fingerprint: 'fp-1', license: LICENSE_ID })
      .reply(200, { data: [machine('machine-1')] });
    const results = await run('find_machine', { fingerprint: 'fp-1', license: LICENSE_ID });
    expect(results[0]).toMatchObject({
      id: 'machine-1',
      machine_fingerprint: 'fp-1',
      machine_license_id: LICENSE_ID,
    });
  });

  it('filters by license key with `key`', async () => {
    keygenApi()
      .get(at('/machines'))
      .query({ fingerprint: 'fp-1', key: KEY })
      .reply(200, { data: [machine('machine-1')] });
    const results = await run('find_machine', { fingerprint: 'fp-1', license: KEY });
    expect(results).toHaveLength(1);
  });

  it('finds by fingerprint alone, and returns [] when none match', async () => {
    keygenApi().get(at('/machines')).query({ fingerprint: 'fp-9' }).reply(200, { data: [] });
    await expect(run('find_machine', { fingerprint: 'fp-9' })).resolves.toEqual([]);
  });

  it('finds by id, and returns [] for an unknown one', async () => {
    keygenApi()
      .get(at('/machines/machine-1'))
      .reply(200, { data: machine('machine-1') })
      .get(at('/machines/machine-2'))
      .reply(404, notFound("machine 'machine-2'"));
    expect((await run('find_machine', { machine: 'machine-1' }))[0].machine_name).toBe(
      'Office Mac',
    );
    await expect(run('find_machine', { machine: 'machine-2' })).resolves.toEqual([]);
  });
});

describe('find_policy', () => {
  const policy = (id: string, name: string) => ({
    id,
    type: 'policies',
    attributes: { name, duration: 31536000 },
    relationships: { product: { data: { type: 'products', id: 'product-1' } } },
  });

  it('finds by name, in any letter case, within a product', async () => {
    keygenApi()
      .get(at('/policies'))
      .query({ product: 'product-1', 'page[size]': 100, 'page[number]': 1 })
      .reply(200, {
        data: [policy('p1', 'Pro Monthly'), policy('p2', 'Pro Yearly')],
        links: { next: null },
      });
    const results = await run('find_policy', { name: 'pro yearly', product: 'product-1' });
    expect(results).toEqual([
      expect.objectContaining({
        id: 'p2',
        policy_name: 'Pro Yearly',
        policy_duration: 31536000,
        policy_product_id: 'product-1',
      }),
    ]);
  });

  it('finds by id; unknown is []', async () => {
    keygenApi().get(at('/policies/p9')).reply(404, notFound("policy 'p9'"));
    await expect(run('find_policy', { policy: 'p9' })).resolves.toEqual([]);
  });
});

describe('validate_license_key', () => {
  const validation = (data: unknown, meta: Record<string, unknown>) => ({ data, meta });
  const licenseKeys = resourceOutputFields('licenses').map((f) => f.key);

  it('valid: license fields plus the validation fields, with the fingerprint scope sent', async () => {
    keygenApi()
      .post(at('/licenses/actions/validate-key'), {
        meta: { key: KEY, scope: { fingerprint: 'fp-1' } },
      })
      .reply(
        200,
        validation(license(), {
          ts: '2026-01-01T00:00:00.000Z',
          valid: true,
          detail: 'is valid',
          code: 'VALID',
        }),
      );
    const results = await run('validate_license_key', { key: KEY, fingerprint: 'fp-1' });
    expect(results).toEqual([
      expect.objectContaining({
        id: LICENSE_ID,
        license_key: KEY,
        validation_valid: true,
        validation_code: 'VALID',
        validation_detail: 'is valid',
        validation_ts: '2026-01-01T00:00:00.000Z',
      }),
    ]);
  });

  it('found but not valid (EXPIRED): one result with the license', async () => {
    keygenApi()
      .post(at('/licenses/actions/validate-key'), { meta: { key: KEY } })
      .reply(
        200,
        validation(license(LICENSE_ID, { status: 'EXPIRED' }), {
          valid: false,
          detail: 'is expired',
          code: 'EXPIRED',
        }),
      );
    const [result] = await run('validate_license_key', { key: KEY });
    expect(result).toMatchObject({
      license_id: LICENSE_ID,
      license_status: 'EXPIRED',
      validation_valid: false,
      validation_code: 'EXPIRED',
      validation_detail: 'is expired',
      validation_ts: null,
    });
  });

  it('unknown key: still one result, NOT_FOUND, every license field present and null', async () => {
    keygenApi()
      .post(at('/licenses/actions/validate-key'), {
        meta: {
          key: 'NOPE',
          scope: { product: 'product-1', entitlements: ['FEATURE_A', 'FEATURE_B'] },
        },
      })
      .reply(200, validation(null, { valid: false, detail: 'does not exist', code: 'NOT_FOUND' }));
    const results = await run('validate_license_key', {
      key: 'NOPE',
      product: 'product-1',
      entitlements: 'FEATURE_A,FEATURE_B',
    });
    expect(results).toHaveLength(1);
    const [result] = results;
    expect(result).toMatchObject({
      validation_valid: false,
      validation_code: 'NOT_FOUND',
      validation_detail: 'does not exist',
    });
    for (const key of licenseKeys) expect(result[key]).toBeNull();
    expect(new Set(Object.keys(result))).toEqual(
      new Set(searches.validate_license_key.operation.outputFields.map((f) => f.key)),
    );
  });

  it('a 404 for an unknown account is an error naming the account, never a NOT_FOUND result', async () => {
    keygenApi()
      .post(at('/licenses/actions/validate-key', 'acme-typo'), { meta: { key: 'REAL-KEY' } })
      .reply(
        404,
        {
          errors: [
            {
              title: 'Not found',
              detail: "The requested account 'acme-typo' was not found",
              code: 'NOT_FOUND',
            },
          ],
        },
        { 'Content-Type': 'application/vnd.api+json' },
      );
    const error = await caught(
      appTester(searches.validate_license_key.operation.perform, {
        authData: { ...authData, accountId: 'acme-typo' },
        inputData: { key: 'REAL-KEY' },
      }),
    );
    expect(error.name).toBe('AppError');
    expect(error.json.code).toBe('NOT_FOUND');
    expect(error.json.status).toBe(404);
    expect(error.json.message).toContain('Keygen found no account "acme-typo"');
    expect(error.json.message).toContain("The requested account 'acme-typo' was not found");
  });

  it("a proxy's HTML 404 page is an error about the Base URL, never a NOT_FOUND result", async () => {
    keygenApi()
      .post(at('/licenses/actions/validate-key'))
      .reply(404, '<html><head><title>404 Not Found</title></head></html>', {
        'Content-Type': 'text/html',
      });
    const error = await caught(run('validate_license_key', { key: 'REAL-KEY' }));
    expect(error.name).toBe('AppError');
    expect(error.json.code).toBe('NOT_KEYGEN_API');
    expect(error.json.message).toContain('HTML page titled "404 Not Found"');
    expect(error.json.message).toContain('Check the Base URL of the connection');
  });
});

describe('search-or-create pairs', () => {
  it.each([
    ['find_user', 'create_user'],
    ['find_license', 'create_license'],
  ])('%s falls back to %s', (search, create) => {
    const pair = (
      App.searchOrCreates as Record<string, { key: string; search: string; create: string }>
    )[search];
    expect(pair).toMatchObject({ key: search, search, create });
    expect(App.searches[search]).toBeDefined();
    expect(App.creates[create]).toBeDefined();
  });
});
