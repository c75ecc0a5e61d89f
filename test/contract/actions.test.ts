// Black-box contract tests (built app, nock for Keygen): actions.
import nock from 'nock';
import {
  App,
  newTester,
  CLOUD,
  TOKEN,
  AUTH,
  JSON_API,
  ap,
  LICENSE_ID,
  LICENSE_KEY,
  POLICY_ID,
  PRODUCT_ID,
  USER_ID,
  type Action,
  type Dict,
  type Field,
} from '../helpers/built-app';
import {
  licenseResource,
  userResource,
  keygenError,
  notFound,
  isPlainObject,
  expectFlat,
  single,
  useNock,
  VALIDATION_NOT_FOUND,
} from '../helpers/contract-kit';
import { failure } from '../helpers/errors';

useNock();

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
      .reply(200, VALIDATION_NOT_FOUND, JSON_API);
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
