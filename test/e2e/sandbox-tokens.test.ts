// Activation (license) tokens over real HTTP on 127.0.0.1: what Keygen lets such a token do on its
// own license, the activations and deactivations it counts, its limits' 422s, and the 403s and
// 404s everywhere else (keygen-api app/models/token.rb, app/policies/machine_policy.rb).
import type { Sandbox } from '../../tools/sandbox/server';
import { activateMachine, api, useSandbox } from '../helpers/sandbox-http';

let sandbox: Sandbox;

useSandbox((started) => (sandbox = started));

const ACCESS_DENIED = {
  title: 'Access denied',
  detail: 'You do not have permission to complete the request',
};

/** A new license of the seeded timed policy, allowing `maxMachines` machines. */
async function newLicense(maxMachines = 10): Promise<string> {
  const { status, body } = await api(sandbox, 'POST', '/licenses', {
    body: {
      data: {
        type: 'licenses',
        attributes: { maxMachines },
        relationships: {
          policy: { data: { type: 'policies', id: sandbox.seed.policyIds.timed } },
        },
      },
    },
  });
  expect(status).toBe(201);
  return body.data.id;
}

/** An activation token for the license, generated with the admin token: its id and secret. */
async function newToken(
  licenseId: string,
  attributes: Record<string, unknown> = {},
): Promise<{ id: string; secret: string }> {
  const { status, body } = await api(sandbox, 'POST', `/licenses/${licenseId}/tokens`, {
    body: { data: { type: 'tokens', attributes } },
  });
  expect(status).toBe(200);
  return { id: body.data.id, secret: body.data.attributes.token };
}

const activate = (token: string | undefined, licenseId: string, fingerprint: string) =>
  activateMachine(sandbox, fingerprint, { licenseId, token });

/** The token's counts as its own bearer reads them. */
async function counts(token: { id: string; secret: string }) {
  const { status, body } = await api(sandbox, 'GET', `/tokens/${token.id}`, {
    token: token.secret,
  });
  expect(status).toBe(200);
  const { activations, deactivations, maxActivations, maxDeactivations } = body.data.attributes;
  return { activations, deactivations, maxActivations, maxDeactivations };
}

describe('an activation token on its own license', () => {
  test('counts each machine it activates and deactivates; admin changes count nothing', async () => {
    const licenseId = await newLicense();
    const token = await newToken(licenseId);
    expect(await counts(token)).toEqual({
      activations: 0,
      deactivations: 0,
      maxActivations: null,
      maxDeactivations: null,
    });

    const first = await activate(token.secret, licenseId, 'fp-token-1');
    expect(first.status).toBe(201);
    expect(first.body.data.relationships.license.data).toEqual({ type: 'licenses', id: licenseId });
    expect((await activate(token.secret, licenseId, 'fp-token-2')).status).toBe(201);
    // The admin's activation is not the token's.
    const byAdmin = await activate(undefined, licenseId, 'fp-admin');
    expect(byAdmin.status).toBe(201);
    expect(await counts(token)).toMatchObject({ activations: 2, deactivations: 0 });

    const removed = await api(sandbox, 'DELETE', `/machines/${first.body.data.id}`, {
      token: token.secret,
    });
    expect(removed.status).toBe(204);
    expect((await api(sandbox, 'DELETE', `/machines/${byAdmin.body.data.id}`)).status).toBe(204);
    expect(await counts(token)).toMatchObject({ activations: 2, deactivations: 1 });

    // The admin reads the same counts on the token.
    const asAdmin = await api(sandbox, 'GET', `/tokens/${token.id}`);
    expect(asAdmin.body.data.attributes).toMatchObject({ activations: 2, deactivations: 1 });
  });

  test('reads its license and only its machines', async () => {
    const licenseId = await newLicense();
    const token = await newToken(licenseId);
    const own = await activate(token.secret, licenseId, 'fp-read');
    const other = await newLicense();
    await activate(undefined, other, 'fp-other');

    const license = await api(sandbox, 'GET', `/licenses/${licenseId}`, { token: token.secret });
    expect(license.status).toBe(200);
    expect(license.body.data.id).toBe(licenseId);
    const machines = await api(sandbox, 'GET', '/machines', { token: token.secret });
    expect(machines.status).toBe(200);
    expect(machines.body.data.map((m: { id: string }) => m.id)).toEqual([own.body.data.id]);
    const machine = await api(sandbox, 'GET', `/machines/${own.body.data.id}`, {
      token: token.secret,
    });
    expect(machine.status).toBe(200);
    expect(machine.body.data.attributes.fingerprint).toBe('fp-read');
  });

  test('past maxActivations a 422 ACTIVATIONS_LIMIT_EXCEEDED, with no machine and no count', async () => {
    const licenseId = await newLicense();
    const token = await newToken(licenseId, { maxActivations: 1 });
    expect((await activate(token.secret, licenseId, 'fp-limit-1')).status).toBe(201);

    const refused = await activate(token.secret, licenseId, 'fp-limit-2');
    expect(refused.status).toBe(422);
    expect(refused.body.errors).toEqual([
      {
        title: 'Unprocessable resource',
        detail: 'exceeds maximum allowed (1)',
        code: 'ACTIVATIONS_LIMIT_EXCEEDED',
        source: { pointer: '/data/attributes/activations' },
      },
    ]);
    const listed = await api(sandbox, 'GET', `/machines?license=${licenseId}`);
    expect(
      listed.body.data.map(
        (m: { attributes: { fingerprint: string } }) => m.attributes.fingerprint,
      ),
    ).toEqual(['fp-limit-1']);
    expect(await counts(token)).toMatchObject({ activations: 1, maxActivations: 1 });
  });

  test("the license's machine limit comes first and counts nothing", async () => {
    const licenseId = await newLicense(1);
    const token = await newToken(licenseId);
    expect((await activate(token.secret, licenseId, 'fp-max-1')).status).toBe(201);
    const refused = await activate(token.secret, licenseId, 'fp-max-2');
    expect(refused.status).toBe(422);
    expect(refused.body.errors[0].code).toBe('MACHINE_LIMIT_EXCEEDED');
    expect(await counts(token)).toMatchObject({ activations: 1 });
  });

  test('past maxDeactivations a 422 DEACTIVATIONS_LIMIT_EXCEEDED, and the machine stays', async () => {
    const licenseId = await newLicense();
    const token = await newToken(licenseId, { maxDeactivations: 0 });
    const machine = await activate(token.secret, licenseId, 'fp-keep');

    const refused = await api(sandbox, 'DELETE', `/machines/${machine.body.data.id}`, {
      token: token.secret,
    });
    expect(refused.status).toBe(422);
    expect(refused.body.errors).toEqual([
      {
        title: 'Unprocessable resource',
        detail: 'exceeds maximum allowed (0)',
        code: 'DEACTIVATIONS_LIMIT_EXCEEDED',
        source: { pointer: '/data/attributes/deactivations' },
      },
    ]);
    expect((await api(sandbox, 'GET', `/machines/${machine.body.data.id}`)).status).toBe(200);
    expect(await counts(token)).toMatchObject({ deactivations: 0, maxDeactivations: 0 });
    // The admin is not held to the token's limit.
    expect((await api(sandbox, 'DELETE', `/machines/${machine.body.data.id}`)).status).toBe(204);
  });
});

describe('an activation token elsewhere', () => {
  test('another license and its machines are not found; activating on it is denied', async () => {
    const licenseId = await newLicense();
    const token = await newToken(licenseId);
    const other = await newLicense();
    const theirs = await activate(undefined, other, 'fp-theirs');
    const otherToken = await newToken(other);

    const license = await api(sandbox, 'GET', `/licenses/${other}`, { token: token.secret });
    expect(license.status).toBe(404);
    expect(license.body.errors[0]).toMatchObject({
      detail: `The requested license '${other}' was not found`,
      code: 'NOT_FOUND',
    });
    const machine = await api(sandbox, 'GET', `/machines/${theirs.body.data.id}`, {
      token: token.secret,
    });
    expect(machine.status).toBe(404);
    const removed = await api(sandbox, 'DELETE', `/machines/${theirs.body.data.id}`, {
      token: token.secret,
    });
    expect(removed.status).toBe(404);
    const listed = await api(sandbox, 'GET', `/machines?license=${other}`, { token: token.secret });
    expect(listed.body.data).toEqual([]);
    const tokenRead = await api(sandbox, 'GET', `/tokens/${otherToken.id}`, {
      token: token.secret,
    });
    expect(tokenRead.status).toBe(404);

    const created = await activate(token.secret, other, 'fp-intruder');
    expect(created.status).toBe(403);
    expect(created.body.errors).toEqual([ACCESS_DENIED]);
    // Nothing was done or counted.
    expect((await api(sandbox, 'DELETE', `/machines/${theirs.body.data.id}`)).status).toBe(204);
    const after = await api(sandbox, 'GET', `/machines?license=${other}`);
    expect(after.body.data).toEqual([]);
    expect(await counts(token)).toMatchObject({ activations: 0, deactivations: 0 });
  });

  test.each([
    ['GET', '/licenses'],
    ['GET', '/products'],
    ['GET', '/users'],
    ['GET', '/webhook-endpoints'],
    ['POST', '/licenses'],
  ])('%s %s is a 403', async (method, path) => {
    const licenseId = await newLicense();
    const token = await newToken(licenseId);
    const { status, body } = await api(sandbox, method, path, {
      token: token.secret,
      body: method === 'POST' ? { data: { type: 'licenses' } } : undefined,
    });
    expect(status).toBe(403);
    expect(body.errors).toEqual([ACCESS_DENIED]);
  });

  test('it may not generate tokens or delete its own license', async () => {
    const licenseId = await newLicense();
    const token = await newToken(licenseId);
    const generated = await api(sandbox, 'POST', `/licenses/${licenseId}/tokens`, {
      token: token.secret,
    });
    expect(generated.status).toBe(403);
    const deleted = await api(sandbox, 'DELETE', `/licenses/${licenseId}`, { token: token.secret });
    expect(deleted.status).toBe(403);
    expect((await api(sandbox, 'GET', `/licenses/${licenseId}`)).status).toBe(200);
  });
});
