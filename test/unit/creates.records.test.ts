import type { ZObject } from 'zapier-platform-core';
import { jsonValue, mergeMetadata, metadata } from '../../steps/values';
import { at, keygenApi, runCreate, LICENSE_ID, LICENSE_KEY } from '../helpers/app';
import { appError, failure } from '../helpers/errors';

const run = runCreate;

const POLICY_ID = '2c6a1e4f-0d3b-4a5c-9e8f-7b6a5c4d3e2f';
const USER_ID = '5d4c3b2a-1f0e-4d9c-8b7a-6f5e4d3c2b1a';
const KEY = LICENSE_KEY;

const license = (
  attributes: Record<string, unknown> = {},
  relationships: Record<string, unknown> = {},
) => ({
  data: {
    id: LICENSE_ID,
    type: 'licenses',
    attributes: {
      name: null,
      key: KEY,
      expiry: null,
      status: 'ACTIVE',
      metadata: {},
      ...attributes,
    },
    relationships: {
      policy: { data: { type: 'policies', id: POLICY_ID } },
      owner: { data: null },
      ...relationships,
    },
  },
});

describe('metadata values keep their JSON types', () => {
  it.each([
    ['3', 3],
    ['-2.5', -2.5],
    ['true', true],
    ['false', false],
    ['null', null],
    ['{"tier":"pro"}', { tier: 'pro' }],
    ['[1,"a"]', [1, 'a']],
    ['"3"', '3'],
    ['cus_123', 'cus_123'],
    ['007', '007'],
    ['+15551234', '+15551234'],
    ['12345678901234567890', '12345678901234567890'],
    ['', ''],
    [5, 5],
  ])('%j → %j', (input, expected) => {
    expect(jsonValue(input)).toEqual(expected);
  });

  const z = { errors: { Error } } as unknown as ZObject;

  it('reads a dict, trims keys and drops empty ones; an empty dict is "not given"', () => {
    expect(metadata(z, { ' seats ': '3', '': 'x', plan: 'pro' }, 'Metadata')).toEqual({
      seats: 3,
      plan: 'pro',
    });
    expect(metadata(z, {}, 'Metadata')).toBeUndefined();
    expect(metadata(z, undefined, 'Metadata')).toBeUndefined();
    // Typed as one JSON object, a quoted value stays text; key-value rows are read one by one.
    expect(metadata(z, '{"a":"1","b":2,"c":"true","d":"{\\"e\\":1}"}', 'Metadata')).toEqual({
      a: '1',
      b: 2,
      c: 'true',
      d: '{"e":1}',
    });
    expect(() => metadata(z, 'plain text', 'Metadata')).toThrow(/key-value pairs/);
  });

  it('merges updates over current metadata, matching keys in any case style', () => {
    expect(
      mergeMetadata(
        { stripeCustomerId: 'cus_1', plan: 'basic', seats: 1 },
        { stripe_customer_id: 'cus_2', plan: 'pro' },
      ),
    ).toEqual({
      seats: 1,
      stripe_customer_id: 'cus_2',
      plan: 'pro',
    });
    expect(mergeMetadata(null, { a: 1 })).toEqual({ a: 1 });
  });
});

describe('create_license', () => {
  it('sends every input as a typed attribute or relationship and returns the flat license', async () => {
    keygenApi()
      .post(at('/licenses'), {
        data: {
          type: 'licenses',
          attributes: {
            name: 'Acme Pro',
            key: KEY,
            expiry: '2027-06-30T00:00:00Z',
            maxMachines: 3,
            maxUses: 100,
            protected: true,
            metadata: {
              stripeCustomerId: 'cus_1',
              seats: 3,
              trial: false,
              plan: { tier: 'pro' },
              ref: '0042',
            },
          },
          relationships: {
            policy: { data: { type: 'policies', id: POLICY_ID } },
            owner: { data: { type: 'users', id: USER_ID } },
            group: { data: { type: 'groups', id: 'group-1' } },
          },
        },
      })
      .reply(
        201,
        license(
          {
            name: 'Acme Pro',
            maxMachines: 3,
            protected: true,
            metadata: { stripeCustomerId: 'cus_1', plan: { tier: 'pro' } },
          },
          { owner: { data: { type: 'users', id: USER_ID } } },
        ),
      );
    const result = await run('create_license', {
      policy: POLICY_ID,
      owner: USER_ID,
      group: 'group-1',
      name: 'Acme Pro',
      key: KEY,
      expiry: '2027-06-30T00:00:00Z',
      max_machines: '3',
      max_uses: 100,
      protected: 'true',
      metadata: {
        stripeCustomerId: 'cus_1',
        seats: '3',
        trial: 'false',
        plan: '{"tier":"pro"}',
        ref: '0042',
      },
    });
    expect(result).toMatchObject({
      id: LICENSE_ID,
      license_key: KEY,
      license_name: 'Acme Pro',
      license_status: 'ACTIVE',
      license_policy_id: POLICY_ID,
      license_owner_id: USER_ID,
      license_max_machines: 3,
      license_protected: true,
      license_expiry: null,
      license_days_until_expiry: null,
      license_metadata__stripeCustomerId: 'cus_1',
      license_metadata__plan__tier: 'pro',
    });
  });

  it('sends only the policy when nothing else is filled in', async () => {
    keygenApi()
      .post(at('/licenses'), {
        data: {
          type: 'licenses',
          relationships: { policy: { data: { type: 'policies', id: POLICY_ID } } },
        },
      })
      .reply(201, license());
    const result = await run('create_license', { policy: POLICY_ID, name: '', metadata: {} });
    expect(result.license_id).toBe(LICENSE_ID);
  });

  it('looks up an owner given by email', async () => {
    keygenApi()
      .get(at('/users/jane%40example.com'))
      .reply(200, {
        data: { id: USER_ID, type: 'users', attributes: { email: 'jane@example.com' } },
      })
      .post(at('/licenses'), {
        data: {
          type: 'licenses',
          relationships: {
            policy: { data: { type: 'policies', id: POLICY_ID } },
            owner: { data: { type: 'users', id: USER_ID } },
          },
        },
      })
      .reply(201, license({}, { owner: { data: { type: 'users', id: USER_ID } } }));
    const result = await run('create_license', { policy: POLICY_ID, owner: 'JANE@example.com' });
    expect(result.license_owner_id).toBe(USER_ID);
  });

  it('422 POLICY_NOT_FOUND reaches the user with Keygen title, detail and code', async () => {
    keygenApi()
      .post(at('/licenses'))
      .reply(422, {
        errors: [
          {
            title: 'Unprocessable resource',
            detail: 'must exist',
            code: 'POLICY_NOT_FOUND',
            source: { pointer: '/data/relationships/policy' },
          },
        ],
      });
    const error = appError(await failure(run('create_license', { policy: 'nope' })));
    expect(error).toMatchObject({ code: 'POLICY_NOT_FOUND', status: 422 });
    expect(error.message).toBe(
      'Keygen could not create a license. Keygen said: Unprocessable resource: must exist (code POLICY_NOT_FOUND, at /data/relationships/policy).',
    );
  });

  it('refuses a limit that is not a whole number, before calling Keygen', async () => {
    const error = appError(
      await failure(run('create_license', { policy: POLICY_ID, max_machines: 'three' })),
    );
    expect(error).toMatchObject({ code: 'INPUT_INVALID' });
    expect(error.message).toBe('Max Machines must be a whole number, not "three".');
  });
});

describe('update_license', () => {
  it('merges metadata into what the license has', async () => {
    keygenApi()
      .get(at(`/licenses/${KEY}`))
      .reply(200, license({ metadata: { stripeCustomerId: 'cus_1', plan: 'basic' } }))
      .patch(at(`/licenses/${KEY}`), {
        data: {
          type: 'licenses',
          attributes: {
            name: 'Renamed',
            maxMachines: 5,
            metadata: { stripeCustomerId: 'cus_1', plan: 'pro', seats: 10 },
          },
        },
      })
      .reply(
        200,
        license({
          name: 'Renamed',
          metadata: { stripeCustomerId: 'cus_1', plan: 'pro', seats: 10 },
        }),
      );
    const result = await run('update_license', {
      license: KEY,
      name: 'Renamed',
      max_machines: '5',
      metadata: { plan: 'pro', seats: '10' },
    });
    expect(result).toMatchObject({
      license_name: 'Renamed',
      license_metadata__plan: 'pro',
      license_metadata__seats: 10,
      license_metadata__stripeCustomerId: 'cus_1',
    });
  });

  it('patches without reading first when no metadata is given', async () => {
    keygenApi()
      .patch(at(`/licenses/${LICENSE_ID}`), {
        data: { type: 'licenses', attributes: { expiry: '2030-01-01T00:00:00.000Z' } },
      })
      .reply(200, license({ expiry: '2030-01-01T00:00:00.000Z' }));
    const result = await run('update_license', {
      license: LICENSE_ID,
      expiry: '2030-01-01T00:00:00.000Z',
    });
    expect(result.license_expiry).toBe('2030-01-01T00:00:00.000Z');
    expect(typeof result.license_days_until_expiry).toBe('number');
  });

  it('says so when there is nothing to update', async () => {
    const error = appError(
      await failure(run('update_license', { license: LICENSE_ID, name: '  ' })),
    );
    expect(error.message).toBe(
      'Nothing to update: fill in at least one field to change on the license.',
    );
  });

  it('404 names the license', async () => {
    keygenApi()
      .patch(at('/licenses/gone'))
      .reply(404, {
        errors: [
          {
            title: 'Not found',
            detail: "The requested license 'gone' was not found",
            code: 'NOT_FOUND',
          },
        ],
      });
    const error = appError(await failure(run('update_license', { license: 'gone', name: 'x' })));
    expect(error).toMatchObject({ code: 'NOT_FOUND', status: 404 });
    expect(error.message).toContain('Keygen found no license "gone"');
  });
});

const user = (attributes: Record<string, unknown>) => ({
  data: {
    id: USER_ID,
    type: 'users',
    attributes: { status: 'ACTIVE', role: 'user', metadata: {}, ...attributes },
  },
});

describe('create_user and update_user', () => {
  it('create_user posts the attributes and returns the flat user', async () => {
    keygenApi()
      .post(at('/users'), {
        data: {
          type: 'users',
          attributes: {
            email: 'jane@example.com',
            firstName: 'Jane',
            lastName: 'Doe',
            metadata: { stripeCustomerId: 'cus_1' },
          },
        },
      })
      .reply(
        201,
        user({
          email: 'jane@example.com',
          firstName: 'Jane',
          lastName: 'Doe',
          fullName: 'Jane Doe',
          metadata: { stripeCustomerId: 'cus_1' },
        }),
      );
    const result = await run('create_user', {
      email: 'jane@example.com',
      first_name: 'Jane',
      last_name: 'Doe',
      metadata: { stripeCustomerId: 'cus_1' },
    });
    expect(result).toMatchObject({
      id: USER_ID,
      user_id: USER_ID,
      user_email: 'jane@example.com',
      user_full_name: 'Jane Doe',
      user_status: 'ACTIVE',
      user_metadata__stripeCustomerId: 'cus_1',
      user_group_id: null,
    });
  });

  it('create_user 422 EMAIL_TAKEN', async () => {
    keygenApi()
      .post(at('/users'))
      .reply(422, {
        errors: [
          {
            title: 'Unprocessable resource',
            detail: 'already exists',
            code: 'EMAIL_TAKEN',
            source: { pointer: '/data/attributes/email' },
          },
        ],
      });
    const error = appError(await failure(run('create_user', { email: 'jane@example.com' })));
    expect(error).toMatchObject({ code: 'EMAIL_TAKEN', status: 422 });
    expect(error.message).toContain('already exists (code EMAIL_TAKEN, at /data/attributes/email)');
  });

  it('create_user requires an email', async () => {
    const error = appError(await failure(run('create_user', { first_name: 'Jane' })));
    expect(error.message).toBe('Email is required: enter or map a value.');
  });

  it('update_user patches by lower-cased email and merges metadata', async () => {
    keygenApi()
      .get(at('/users/jane%40example.com'))
      .reply(
        200,
        user({ email: 'jane@example.com', metadata: { tier: 'basic', source: 'stripe' } }),
      )
      .patch(at('/users/jane%40example.com'), {
        data: {
          type: 'users',
          attributes: { lastName: 'Smith', metadata: { tier: 'pro', source: 'stripe' } },
        },
      })
      .reply(
        200,
        user({
          email: 'jane@example.com',
          lastName: 'Smith',
          metadata: { tier: 'pro', source: 'stripe' },
        }),
      );
    const result = await run('update_user', {
      user: 'Jane@Example.com',
      last_name: 'Smith',
      metadata: { tier: 'pro' },
    });
    expect(result).toMatchObject({
      user_last_name: 'Smith',
      user_metadata__tier: 'pro',
      user_metadata__source: 'stripe',
    });
  });
});

const machine = {
  data: {
    id: 'machine-1',
    type: 'machines',
    attributes: {
      fingerprint: 'fp-1',
      name: 'Office Mac',
      platform: 'macOS',
      hostname: 'office',
      metadata: { seat: 1 },
    },
    relationships: { license: { data: { type: 'licenses', id: LICENSE_ID } } },
  },
};

describe('activate_machine', () => {
  it('activates for a license id without a look-up', async () => {
    keygenApi()
      .post(at('/machines'), {
        data: {
          type: 'machines',
          attributes: {
            fingerprint: 'fp-1',
            name: 'Office Mac',
            platform: 'macOS',
            hostname: 'office',
            metadata: { seat: 1 },
          },
          relationships: { license: { data: { type: 'licenses', id: LICENSE_ID } } },
        },
      })
      .reply(201, machine);
    const result = await run('activate_machine', {
      license: LICENSE_ID,
      fingerprint: 'fp-1',
      name: 'Office Mac',
      platform: 'macOS',
      hostname: 'office',
      metadata: { seat: '1' },
    });
    expect(result).toMatchObject({
      id: 'machine-1',
      machine_fingerprint: 'fp-1',
      machine_license_id: LICENSE_ID,
      machine_metadata__seat: 1,
      machine_heartbeat_status: null,
    });
  });

  it('looks up a license key first: relationships need the id', async () => {
    keygenApi()
      .get(at(`/licenses/${KEY}`))
      .reply(200, license())
      .post(at('/machines'), {
        data: {
          type: 'machines',
          attributes: { fingerprint: 'fp-1' },
          relationships: { license: { data: { type: 'licenses', id: LICENSE_ID } } },
        },
      })
      .reply(201, machine);
    const result = await run('activate_machine', { license: KEY, fingerprint: 'fp-1' });
    expect(result.machine_id).toBe('machine-1');
  });

  it('422 MACHINE_LIMIT_EXCEEDED', async () => {
    keygenApi()
      .post(at('/machines'))
      .reply(422, {
        errors: [
          {
            title: 'Unprocessable resource',
            detail: 'machine count has exceeded maximum allowed for license (1)',
            code: 'MACHINE_LIMIT_EXCEEDED',
            source: { pointer: '/data' },
          },
        ],
      });
    const error = appError(
      await failure(run('activate_machine', { license: LICENSE_ID, fingerprint: 'fp-2' })),
    );
    expect(error).toMatchObject({ code: 'MACHINE_LIMIT_EXCEEDED', status: 422 });
    expect(error.message).toContain('machine count has exceeded maximum allowed for license (1)');
  });
});

describe('create_license_token', () => {
  const token = {
    data: {
      id: 'token-1',
      type: 'tokens',
      attributes: {
        kind: 'activation-token',
        token: 'activ-secret',
        name: 'Installer',
        maxActivations: 2,
        expiry: null,
      },
      relationships: { bearer: { data: { type: 'licenses', id: LICENSE_ID } } },
    },
  };

  it('creates a token for the license and returns its secret', async () => {
    keygenApi()
      .post(at(`/licenses/${KEY}/tokens`), {
        data: { type: 'tokens', attributes: { name: 'Installer', maxActivations: 2 } },
      })
      .reply(200, token);
    const result = await run('create_license_token', {
      license: KEY,
      name: 'Installer',
      max_activations: '2',
    });
    expect(result).toMatchObject({
      id: 'token-1',
      token_token: 'activ-secret',
      token_kind: 'activation-token',
      token_max_activations: 2,
      token_bearer_id: LICENSE_ID,
      token_bearer_type: 'licenses',
    });
  });

  it('sends no body when nothing is filled in', async () => {
    keygenApi()
      .post(at(`/licenses/${LICENSE_ID}/tokens`), (body) => body === '')
      .reply(200, token);
    const result = await run('create_license_token', { license: LICENSE_ID });
    expect(result.token_token).toBe('activ-secret');
  });
});
