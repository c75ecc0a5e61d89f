import nock from 'nock';
import type { Bundle, ZObject } from 'zapier-platform-core';
import {
  App,
  JSON_API,
  TOKEN,
  appTester,
  at,
  authData,
  keygenApi,
  unmatched,
} from '../helpers/app';
import { appError, failure } from '../helpers/errors';

type AuthData = Record<string, string>;
type Whoami = { id: string; type: string; bearer: string; account: string };

const testAuth = App.authentication.test as (z: ZObject, bundle: Bundle) => Promise<Whoami>;
const connectionLabel = App.authentication.connectionLabel as (
  z: ZObject,
  bundle: Bundle,
) => Promise<string>;

const runTest = (auth: AuthData = authData) => appTester(testAuth, { authData: auth });
const label = (result: Whoami, auth: AuthData = authData) =>
  appTester(connectionLabel, { inputData: result, authData: auth });

const HEADERS = {
  authorization: `Bearer ${TOKEN}`,
  accept: 'application/vnd.api+json',
  'keygen-version': '1.8',
};

/** A server expecting the headers every request carries, and refusing the named ones. */
function server(root = 'https://api.keygen.sh', badheaders: string[] = []): nock.Scope {
  return nock(root, { reqheaders: HEADERS, badheaders });
}

const token = (kind: string, bearer: { type: string; id: string }) => ({
  id: 'b1c2d3e4-0000-4000-8000-00000000700c',
  type: 'tokens',
  attributes: {
    kind,
    name: null,
    expiry: null,
    created: '2026-01-05T10:00:00.000Z',
    updated: '2026-01-05T10:00:00.000Z',
  },
  relationships: {
    account: { data: { type: 'accounts', id: '4f3b1f52-7d3c-4a8e-9a43-0b5c2e6d7f10' } },
    bearer: { data: bearer },
  },
});

const ADMIN = {
  data: {
    id: 'a0000000-0000-4000-8000-000000000001',
    type: 'users',
    attributes: {
      fullName: 'Ada Admin',
      firstName: 'Ada',
      lastName: 'Admin',
      email: 'ada@acme.example',
      status: 'ACTIVE',
      role: 'admin',
      metadata: {},
      created: '2025-01-01T00:00:00.000Z',
      updated: '2025-01-01T00:00:00.000Z',
    },
    relationships: { account: { data: { type: 'accounts', id: '4f3b1f52' } } },
    links: { self: '/v1/accounts/4f3b1f52/users/a0000000-0000-4000-8000-000000000001' },
  },
  included: [token('admin-token', { type: 'users', id: 'a0000000-0000-4000-8000-000000000001' })],
};

const PRODUCT = {
  data: {
    id: 'p0000000-0000-4000-8000-000000000002',
    type: 'products',
    attributes: {
      name: 'Acme Desktop',
      code: 'desktop',
      distributionStrategy: 'LICENSED',
      url: null,
      platforms: ['macOS', 'Windows'],
      permissions: ['license.read', 'license.suspend'],
      metadata: {},
      created: '2025-02-01T00:00:00.000Z',
      updated: '2025-02-01T00:00:00.000Z',
    },
    relationships: { account: { data: { type: 'accounts', id: '4f3b1f52' } } },
  },
  included: [
    token('product-token', { type: 'products', id: 'p0000000-0000-4000-8000-000000000002' }),
  ],
};

const USER = {
  data: {
    id: 'u0000000-0000-4000-8000-000000000003',
    type: 'users',
    attributes: {
      fullName: 'Jane Doe',
      email: 'jane@customer.example',
      status: 'ACTIVE',
      role: 'user',
      metadata: {},
    },
  },
  included: [token('user-token', { type: 'users', id: 'u0000000-0000-4000-8000-000000000003' })],
};

const ENVIRONMENT = {
  data: {
    id: 'e0000000-0000-4000-8000-000000000004',
    type: 'environments',
    attributes: { name: 'Sandbox', code: 'sandbox', isolationStrategy: 'ISOLATED' },
  },
  included: [
    token('environment-token', {
      type: 'environments',
      id: 'e0000000-0000-4000-8000-000000000004',
    }),
  ],
};

describe('authentication test: whoami', () => {
  it.each([
    [
      'an admin token',
      ADMIN,
      {
        id: 'a0000000-0000-4000-8000-000000000001',
        type: 'users',
        bearer: 'admin ada@acme.example',
        account: 'acme',
      },
      'acme (admin ada@acme.example)',
    ],
    [
      'a product token',
      PRODUCT,
      {
        id: 'p0000000-0000-4000-8000-000000000002',
        type: 'products',
        bearer: 'product Acme Desktop',
        account: 'acme',
      },
      'acme (product Acme Desktop)',
    ],
    [
      'a user token',
      USER,
      {
        id: 'u0000000-0000-4000-8000-000000000003',
        type: 'users',
        bearer: 'jane@customer.example',
        account: 'acme',
      },
      'acme (jane@customer.example)',
    ],
    [
      'an environment token',
      ENVIRONMENT,
      {
        id: 'e0000000-0000-4000-8000-000000000004',
        type: 'environments',
        bearer: 'environment sandbox',
        account: 'acme',
      },
      'acme (environment sandbox)',
    ],
  ])(
    'accepts %s and labels the connection with the account and bearer',
    async (_name, body, result, text) => {
      server('https://api.keygen.sh', ['content-type', 'keygen-environment'])
        .get(at('/me'))
        .reply(200, body, JSON_API);
      const whoami = await runTest();
      expect(whoami).toEqual(result);
      expect(await label(whoami)).toBe(text);
    },
  );

  it('labels an admin by role even without the included token', async () => {
    keygenApi().get(at('/me')).reply(200, { data: ADMIN.data }, JSON_API);
    const whoami = await runTest();
    expect(whoami.bearer).toBe('admin ada@acme.example');
    expect(await label(whoami)).toBe('acme (admin ada@acme.example)');
  });

  it('labels a product by id when it has no name', async () => {
    keygenApi()
      .get(at('/me'))
      .reply(
        200,
        { data: { ...PRODUCT.data, attributes: { ...PRODUCT.data.attributes, name: null } } },
        JSON_API,
      );
    expect((await runTest()).bearer).toBe('product p0000000-0000-4000-8000-000000000002');
  });

  it('sends Keygen-Environment when the connection names an environment', async () => {
    keygenApi()
      .matchHeader('keygen-environment', 'sandbox')
      .get(at('/me'))
      .reply(200, ENVIRONMENT, JSON_API);
    expect((await runTest({ ...authData, environment: 'sandbox' })).bearer).toBe(
      'environment sandbox',
    );
  });

  it('sends no Keygen-Environment when the environment field is empty', async () => {
    server('https://api.keygen.sh', ['keygen-environment'])
      .get(at('/me'))
      .reply(200, ADMIN, JSON_API);
    await runTest({ ...authData, environment: '' });
  });

  it('uses an account UUID as given', async () => {
    const uuid = '4f3b1f52-7d3c-4a8e-9a43-0b5c2e6d7f10';
    keygenApi().get(at('/me', uuid)).reply(200, ADMIN, JSON_API);
    const whoami = await runTest({ ...authData, accountId: uuid });
    expect(await label(whoami, { ...authData, accountId: uuid })).toBe(
      `${uuid} (admin ada@acme.example)`,
    );
  });
});

describe('authentication test: failures', () => {
  it('a bad token (401 TOKEN_INVALID) asks to reconnect, quoting Keygen but never the token', async () => {
    keygenApi()
      .get(at('/me'))
      .reply(
        401,
        {
          meta: { id: 'req-401' },
          errors: [{ title: 'Unauthorized', detail: 'Token is invalid', code: 'TOKEN_INVALID' }],
        },
        { ...JSON_API, 'WWW-Authenticate': 'Bearer realm="keygen"' },
      );
    const error = await failure(runTest());
    expect(error.name).toBe('ExpiredAuthError');
    expect(error.message).toContain('Keygen rejected the API token');
    expect(error.message).toContain('Token is invalid');
    expect(error.message).toContain('TOKEN_INVALID');
    expect(error.message).not.toContain(TOKEN);
    expect(error.message).not.toContain(TOKEN.slice(6, 30));
  });

  it('an unknown account on Keygen Cloud (404) points at the Account ID', async () => {
    keygenApi()
      .get(at('/me', 'nope'))
      .reply(
        404,
        {
          errors: [
            {
              title: 'Not found',
              detail: "The requested account 'nope' was not found",
              code: 'NOT_FOUND',
            },
          ],
        },
        JSON_API,
      );
    const error = appError(await failure(runTest({ ...authData, accountId: 'nope' })));
    expect(error.code).toBe('ACCOUNT_NOT_FOUND');
    expect(error.status).toBe(404);
    expect(error.message).toContain('Keygen has no account "nope"');
    expect(error.message).toContain('Check the Account ID');
    expect(error.message).not.toContain('custom domain');
    expect(error.message).not.toContain(TOKEN);
  });

  it('a 404 from the default URL written with a trailing slash is still about the Account ID', async () => {
    keygenApi()
      .get(at('/me'))
      .reply(404, { errors: [{ title: 'Not found' }] }, JSON_API);
    const error = appError(
      await failure(runTest({ ...authData, baseUrl: 'https://api.keygen.sh/' })),
    );
    expect(error.message).toContain('Check the Account ID');
    expect(error.message).not.toContain('custom domain');
  });

  it.each([
    ['a Keygen JSON 404', { errors: [{ title: 'Not found', code: 'NOT_FOUND' }] }, JSON_API],
    [
      'an HTML 404 page',
      '<html><head><title>Not Found</title></head></html>',
      { 'Content-Type': 'text/html' },
    ],
  ])(
    'a 404 (%s) from a custom URL says a Cloud custom domain is not an API host',
    async (_name, body, headers) => {
      keygenApi('https://licensing.example.com').get(at('/me')).reply(404, body, headers);
      const error = appError(
        await failure(runTest({ ...authData, baseUrl: 'https://licensing.example.com' })),
      );
      expect(error.code).toBe('ACCOUNT_NOT_FOUND');
      expect(error.message).toContain(
        'https://licensing.example.com answered 404 for account "acme"',
      );
      expect(error.message).toContain('custom domain');
      expect(error.message).toContain('is not an API host for integrations');
      expect(error.message).toContain('clear the Base URL to use https://api.keygen.sh');
      expect(error.message).not.toContain(TOKEN);
    },
  );

  it.each([
    'http://localhost:3000',
    'http://127.0.0.1:3000',
    'http://[::1]:3000',
    'https://10.0.0.5',
    'http://keygen:3000',
    'https://keygen.internal',
    'https://licensing.local/api',
    'http://app.localhost',
  ])(
    'a 404 from %s (a server no Cloud custom domain can be) names the Account ID first',
    async (baseUrl) => {
      nock(new URL(baseUrl).origin)
        .get(`${new URL(baseUrl).pathname.replace(/\/$/, '')}/v1/accounts/nope/me`)
        .reply(404, { errors: [{ title: 'Not found', code: 'NOT_FOUND' }] }, JSON_API);
      const error = appError(await failure(runTest({ ...authData, baseUrl, accountId: 'nope' })));
      expect(error.code).toBe('ACCOUNT_NOT_FOUND');
      expect(error.message).toMatch(
        new RegExp(
          `^The Keygen server at ${baseUrl.replace(/[.[\]]/g, '\\$&')} has no account "nope"\\. Check the Account ID`,
        ),
      );
      // The Cloud case is still explained (README, Troubleshooting), after the Account ID.
      expect(error.message.indexOf('custom domain')).toBeGreaterThan(
        error.message.indexOf('Check the Account ID'),
      );
      expect(error.message).toContain('clear the Base URL to use https://api.keygen.sh');
      expect(error.message).not.toContain(TOKEN);
    },
  );

  it('a 403 (e.g. a license token) names what was tried', async () => {
    keygenApi()
      .get(at('/me'))
      .reply(
        403,
        {
          errors: [
            { title: 'Access denied', detail: 'License is suspended', code: 'LICENSE_SUSPENDED' },
          ],
        },
        JSON_API,
      );
    const error = appError(await failure(runTest()));
    expect(error.message).toContain(
      'not allowed to read who the token belongs to in account "acme"',
    );
    expect(error.message).toContain('License is suspended');
    expect(error.code).toBe('LICENSE_SUSPENDED');
  });

  it('a 429 is a ThrottledError honouring Retry-After', async () => {
    keygenApi()
      .get(at('/me'))
      .reply(
        429,
        { errors: [{ title: 'Too many requests', code: 'TOO_MANY_REQUESTS' }] },
        {
          ...JSON_API,
          'Retry-After': '9',
        },
      );
    const error = await failure(runTest());
    expect(error.name).toBe('ThrottledError');
    expect(JSON.parse(error.message).delay).toBe(9);
  });
});

describe('authentication test: base URL', () => {
  it.each([
    ['https://keygen.example.com', 'https://keygen.example.com', at('/me')],
    ['https://keygen.example.com/', 'https://keygen.example.com', at('/me')],
    ['https://keygen.example.com/v1', 'https://keygen.example.com', at('/me')],
    ['https://example.com/keygen', 'https://example.com', `/keygen${at('/me')}`],
    ['https://example.com/keygen/v1/', 'https://example.com', `/keygen${at('/me')}`],
    ['http://keygen.internal:3000', 'http://keygen.internal:3000', at('/me')],
  ])('%s calls %s%s', async (baseUrl, host, path) => {
    server(host, ['content-type']).get(path).reply(200, ADMIN, JSON_API);
    const whoami = await runTest({ ...authData, baseUrl });
    expect(whoami.bearer).toBe('admin ada@acme.example');
  });

  it.each([
    ['ftp://x', 'must start with https://'],
    ['not a url', 'is not a URL'],
    ['keygen.example.com', 'is not a URL'],
  ])('refuses %j with a clear error and no request', async (baseUrl, text) => {
    const error = appError(await failure(runTest({ ...authData, baseUrl })));
    expect(error.code).toBe('INVALID_BASE_URL');
    expect(error.message).toContain(`The Base URL "${baseUrl}" ${text}`);
    expect(unmatched).toEqual([]);
  });
});

describe('authentication fields', () => {
  it('declares baseUrl and environment optional, the token a password, with help for Cloud custom domains', () => {
    const fields = App.authentication.fields ?? [];
    const byKey = Object.fromEntries(fields.map((f) => [f.key, f]));
    expect(byKey.baseUrl?.required).toBe(false);
    expect(byKey.environment?.required).toBe(false);
    expect(byKey.accountId?.required).toBe(true);
    expect(byKey.token?.required).toBe(true);
    expect(byKey.token?.type).toBe('password');
    expect(byKey.baseUrl?.helpText).toContain('https://api.keygen.sh');
    expect(byKey.baseUrl?.helpText).toContain('custom domain');
  });
});
