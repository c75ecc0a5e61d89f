import type nock from 'nock';
import { at, keygenApi, TOKEN, runCreate, LICENSE_ID, LICENSE_KEY } from '../helpers/app';
import { caught } from '../helpers/errors';

const run = runCreate;

const KEY = LICENSE_KEY;

function license(attributes: Record<string, unknown> = {}) {
  return {
    id: LICENSE_ID,
    type: 'licenses',
    attributes: {
      name: 'Pro License',
      key: KEY,
      expiry: '2027-01-01T00:00:00.000Z',
      status: 'ACTIVE',
      suspended: false,
      uses: 2,
      metadata: { stripeSubscriptionId: 'sub_123' },
      ...attributes,
    },
    relationships: {
      policy: { data: { type: 'policies', id: 'policy-1' } },
      owner: { data: { type: 'users', id: 'user-1' } },
      machines: { meta: { count: 1 } },
    },
  };
}
const answer = (attributes: Record<string, unknown> = {}) => ({ data: license(attributes) });

/** nock body matcher for a request without a body. */
const NO_BODY = (body: unknown) => body === '';

const unprocessable = (detail: string, extra: Record<string, unknown> = {}) => ({
  errors: [
    {
      title: 'Unprocessable entity',
      detail,
      source: { pointer: '/data/attributes/suspended' },
      ...extra,
    },
  ],
});

describe('license actions answered with the license', () => {
  it.each([
    ['suspend_license', 'POST', '/actions/suspend', {}, NO_BODY, { changed: true }],
    ['reinstate_license', 'POST', '/actions/reinstate', {}, NO_BODY, { changed: true }],
    ['renew_license', 'POST', '/actions/renew', {}, NO_BODY, {}],
    ['check_in_license', 'POST', '/actions/check-in', {}, NO_BODY, {}],
    [
      'increment_license_usage',
      'POST',
      '/actions/increment-usage',
      { increment: '3' },
      { meta: { increment: 3 } },
      {},
    ],
    [
      'increment_license_usage',
      'POST',
      '/actions/increment-usage',
      {},
      { meta: { increment: 1 } },
      {},
    ],
    [
      'decrement_license_usage',
      'POST',
      '/actions/decrement-usage',
      { decrement: 2 },
      { meta: { decrement: 2 } },
      {},
    ],
    ['reset_license_usage', 'POST', '/actions/reset-usage', {}, NO_BODY, {}],
    [
      'change_license_policy',
      'PUT',
      '/policy',
      { policy: 'policy-2' },
      { data: { type: 'policies', id: 'policy-2' } },
      {},
    ],
    [
      'change_license_owner',
      'PUT',
      '/owner',
      { owner: 'user-2' },
      { data: { type: 'users', id: 'user-2' } },
      {},
    ],
  ] as const)(
    '%s sends %s …%s and returns the flat license',
    async (key, method, suffix, extra, body, fields) => {
      keygenApi()
        .intercept(at(`/licenses/${LICENSE_ID}${suffix}`), method, body as nock.RequestBodyMatcher)
        .reply(200, answer({ uses: 3 }));
      const result = await run(key, { license: LICENSE_ID, ...extra });
      expect(result).toMatchObject({
        id: LICENSE_ID,
        license_id: LICENSE_ID,
        license_key: KEY,
        license_status: 'ACTIVE',
        license_uses: 3,
        license_policy_id: 'policy-1',
        license_owner_id: 'user-1',
        license_machines_count: 1,
        license_metadata__stripeSubscriptionId: 'sub_123',
        license_group_id: null,
        ...fields,
      });
      expect('changed' in result).toBe('changed' in fields);
    },
  );

  it('takes a license key in place of the id', async () => {
    keygenApi()
      .post(at(`/licenses/${KEY}/actions/renew`))
      .reply(200, answer({ expiry: '2028-01-01T00:00:00.000Z' }));
    const result = await run('renew_license', { license: ` ${KEY} ` });
    expect(result.license_expiry).toBe('2028-01-01T00:00:00.000Z');
  });

  it('looks up an owner given by email, lower-cased, for change_license_owner', async () => {
    keygenApi()
      .get(at('/users/jane%40example.com'))
      .reply(200, {
        data: { id: 'user-9', type: 'users', attributes: { email: 'jane@example.com' } },
      })
      .put(at(`/licenses/${LICENSE_ID}/owner`), { data: { type: 'users', id: 'user-9' } })
      .reply(200, answer());
    const result = await run('change_license_owner', {
      license: LICENSE_ID,
      owner: 'Jane@Example.com',
    });
    expect(result.license_id).toBe(LICENSE_ID);
  });
});

describe('idempotent suspend and reinstate', () => {
  it('suspend_license on a suspended license returns it unchanged', async () => {
    keygenApi()
      .post(at(`/licenses/${LICENSE_ID}/actions/suspend`))
      .reply(422, unprocessable('is already suspended'))
      .get(at(`/licenses/${LICENSE_ID}`))
      .reply(200, answer({ suspended: true, status: 'SUSPENDED' }));
    const result = await run('suspend_license', { license: LICENSE_ID });
    expect(result).toMatchObject({
      changed: false,
      license_suspended: true,
      license_status: 'SUSPENDED',
      license_key: KEY,
    });
  });

  it('reinstate_license on an active license returns it unchanged', async () => {
    keygenApi()
      .post(at(`/licenses/${LICENSE_ID}/actions/reinstate`))
      .reply(422, unprocessable('is not suspended'))
      .get(at(`/licenses/${LICENSE_ID}`))
      .reply(200, answer());
    const result = await run('reinstate_license', { license: LICENSE_ID });
    expect(result).toMatchObject({
      changed: false,
      license_suspended: false,
      license_status: 'ACTIVE',
    });
  });

  it('suspend_license still fails on any other 422', async () => {
    keygenApi()
      .post(at(`/licenses/${LICENSE_ID}/actions/suspend`))
      .reply(422, {
        errors: [
          {
            title: 'Unprocessable resource',
            detail: 'is not allowed',
            code: 'LICENSE_NOT_ALLOWED',
          },
        ],
      });
    const error = await caught(run('suspend_license', { license: LICENSE_ID }));
    expect(error.json.message).toContain(
      'Unprocessable resource: is not allowed (code LICENSE_NOT_ALLOWED)',
    );
    expect(error.json.code).toBe('LICENSE_NOT_ALLOWED');
  });

  it("reinstate's 'is not suspended' does not make suspend succeed", async () => {
    keygenApi()
      .post(at(`/licenses/${LICENSE_ID}/actions/suspend`))
      .reply(422, unprocessable('is not suspended'));
    const error = await caught(run('suspend_license', { license: LICENSE_ID }));
    expect(error.json.status).toBe(422);
  });
});

describe('actions that return the license as it was', () => {
  it.each([
    ['revoke_license', `/licenses/${LICENSE_ID}/actions/revoke`],
    ['delete_license', `/licenses/${LICENSE_ID}`],
  ])('%s reads the license, then deletes it', async (key, path) => {
    const calls: string[] = [];
    keygenApi()
      .get(at(`/licenses/${LICENSE_ID}`))
      .reply(200, () => (calls.push('GET'), answer({ status: 'EXPIRING' })))
      .delete(at(path), NO_BODY)
      .reply(204, () => (calls.push('DELETE'), ''));
    const result = await run(key, { license: LICENSE_ID });
    expect(calls).toEqual(['GET', 'DELETE']);
    expect(result).toMatchObject({ id: LICENSE_ID, license_key: KEY, license_status: 'EXPIRING' });
  });

  it('does not delete a license it cannot read', async () => {
    keygenApi()
      .get(at('/licenses/missing'))
      .reply(404, {
        errors: [
          {
            title: 'Not found',
            detail: "The requested license 'missing' was not found",
            code: 'NOT_FOUND',
          },
        ],
      });
    const error = await caught(run('delete_license', { license: 'missing' }));
    expect(error.json.message).toContain('Keygen found no license "missing"');
    expect(error.json.message).toContain("The requested license 'missing' was not found");
    expect(error.json.code).toBe('NOT_FOUND');
  });
});

describe('entitlements', () => {
  it('attach_license_entitlements posts the ids and returns the license read afterwards', async () => {
    keygenApi()
      .post(at(`/licenses/${LICENSE_ID}/entitlements`), {
        data: [
          { type: 'entitlements', id: 'ent-1' },
          { type: 'entitlements', id: 'ent-2' },
        ],
      })
      .reply(200, { data: [{ id: 'le-1', type: 'license-entitlements', attributes: {} }] })
      .get(at(`/licenses/${LICENSE_ID}`))
      .reply(200, answer({ name: 'With Entitlements' }));
    const result = await run('attach_license_entitlements', {
      license: LICENSE_ID,
      entitlements: 'ent-1, ent-2',
    });
    expect(result).toMatchObject({ id: LICENSE_ID, license_name: 'With Entitlements' });
  });

  it('detach_license_entitlements deletes with the ids in the body', async () => {
    keygenApi()
      .delete(at(`/licenses/${LICENSE_ID}/entitlements`), {
        data: [{ type: 'entitlements', id: 'ent-1' }],
      })
      .reply(204)
      .get(at(`/licenses/${LICENSE_ID}`))
      .reply(200, answer());
    const result = await run('detach_license_entitlements', {
      license: LICENSE_ID,
      entitlements: ['ent-1'],
    });
    expect(result.license_key).toBe(KEY);
  });

  it('requires at least one entitlement, without calling Keygen', async () => {
    const error = await caught(
      run('attach_license_entitlements', { license: LICENSE_ID, entitlements: ' , ' }),
    );
    expect(error.json.message).toMatch(/^Entitlements is required/);
  });
});

describe('user and machine actions', () => {
  it.each(['ban', 'unban'])('%s_user posts to the lower-cased email', async (verb) => {
    keygenApi()
      .post(at(`/users/jane%40example.com/actions/${verb}`), NO_BODY)
      .reply(200, {
        data: {
          id: 'user-1',
          type: 'users',
          attributes: { email: 'jane@example.com', status: verb === 'ban' ? 'BANNED' : 'ACTIVE' },
        },
      });
    const result = await run(`${verb}_user`, { user: 'Jane@Example.COM' });
    expect(result).toMatchObject({
      id: 'user-1',
      user_email: 'jane@example.com',
      user_status: verb === 'ban' ? 'BANNED' : 'ACTIVE',
      user_full_name: null,
    });
  });

  it('deactivate_machine reads the machine, then deletes it', async () => {
    const machine = {
      id: 'machine-1',
      type: 'machines',
      attributes: { fingerprint: 'fp-1', name: 'Office Mac' },
    };
    keygenApi()
      .get(at('/machines/machine-1'))
      .reply(200, { data: machine })
      .delete(at('/machines/machine-1'))
      .reply(204);
    const result = await run('deactivate_machine', { machine: 'machine-1' });
    expect(result).toMatchObject({
      id: 'machine-1',
      machine_fingerprint: 'fp-1',
      machine_name: 'Office Mac',
    });
  });
});

describe('Keygen errors reach the user readably', () => {
  it('404: names the license and quotes Keygen', async () => {
    keygenApi()
      .post(at('/licenses/nope/actions/suspend'))
      .reply(404, {
        errors: [
          {
            title: 'Not found',
            detail: "The requested license 'nope' was not found",
            code: 'NOT_FOUND',
          },
        ],
      });
    const error = await caught(run('suspend_license', { license: 'nope' }));
    expect(error.name).toBe('AppError');
    expect(error.json).toMatchObject({ code: 'NOT_FOUND', status: 404 });
    expect(error.json.message).toContain('Keygen found no license "nope"');
  });

  it('422 USES_LIMIT_EXCEEDED on increment', async () => {
    keygenApi()
      .post(at(`/licenses/${LICENSE_ID}/actions/increment-usage`), { meta: { increment: 1 } })
      .reply(422, {
        errors: [
          {
            title: 'Unprocessable resource',
            detail: 'usage exceeds maximum allowed by current policy (10)',
            code: 'USES_LIMIT_EXCEEDED',
            source: { pointer: '/data/attributes/uses' },
          },
        ],
      });
    const error = await caught(run('increment_license_usage', { license: LICENSE_ID }));
    expect(error.json).toMatchObject({ code: 'USES_LIMIT_EXCEEDED', status: 422 });
    expect(error.json.message).toBe(
      `Keygen could not increment the usage of license "${LICENSE_ID}". Keygen said: Unprocessable resource: usage exceeds maximum allowed by current policy (10) (code USES_LIMIT_EXCEEDED, at /data/attributes/uses).`,
    );
  });

  it('422 without errors on renew explains what Keygen needs', async () => {
    keygenApi()
      .post(at(`/licenses/${LICENSE_ID}/actions/renew`))
      .reply(422, { errors: [] });
    const error = await caught(run('renew_license', { license: LICENSE_ID }));
    expect(error.json.status).toBe(422);
    expect(error.json.message).toContain(`Keygen could not renew license "${LICENSE_ID}"`);
    expect(error.json.message).toContain(
      'Only a license that has an expiry, under a policy that has a duration',
    );
  });

  it('403: says the token may not do this, and never shows the token', async () => {
    keygenApi()
      .post(at('/users/user-1/actions/ban'))
      .reply(403, { errors: [{ title: 'Access denied', detail: 'must have a user role' }] });
    const error = await caught(run('ban_user', { user: 'user-1' }));
    expect(error.json).toMatchObject({ code: 'FORBIDDEN', status: 403 });
    expect(error.json.message).toContain('not allowed to ban user "user-1"');
    expect(error.json.message).toContain('Access denied: must have a user role');
    expect(error.text).not.toContain(TOKEN);
  });

  it('429: a ThrottledError with the Retry-After delay', async () => {
    keygenApi()
      .post(at(`/licenses/${LICENSE_ID}/actions/suspend`))
      .reply(
        429,
        {
          errors: [
            {
              title: 'Too many requests',
              detail: 'Throttle limit has been reached for your IP address.',
              code: 'TOO_MANY_REQUESTS',
            },
          ],
        },
        { 'Retry-After': '17' },
      );
    const error = await caught(run('suspend_license', { license: LICENSE_ID }));
    expect(error.name).toBe('ThrottledError');
    expect(error.json.delay).toBe(17);
    expect(error.json.message).toContain('Throttle limit has been reached');
  });
});

describe('path segments', () => {
  it('sends an id with / and ? as one encoded segment', async () => {
    keygenApi().post(at('/licenses/a%2Fb%3Fc/actions/suspend')).reply(200, answer());
    const result = await run('suspend_license', { license: 'a/b?c' });
    expect(result.license_id).toBe(LICENSE_ID);
  });

  it.each(['..', '.'])('refuses %s with a clear error and no request', async (id) => {
    const error = await caught(run('revoke_license', { license: id }));
    expect(error.json).toMatchObject({ code: 'INVALID_ID' });
    expect(error.json.message).toContain(`"${id}" is not a valid Keygen id`);
  });
});
