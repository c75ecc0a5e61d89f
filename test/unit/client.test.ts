import fc from 'fast-check';
import nock from 'nock';
import { errors as coreErrors, type Bundle, type ZObject } from 'zapier-platform-core';
import {
  DEFAULT_BASE_URL,
  KEYGEN_API_VERSION,
  MAX_PAGES,
  accountUrl,
  apiRoot,
  keygen,
  keygenList,
  resourceDocument,
  type KeygenCall,
} from '../../keygen/client';
import {
  ACCOUNT,
  JSON_API,
  TOKEN,
  App,
  appTester,
  at,
  authData,
  keygenApi,
  unmatched,
} from '../helpers/app';
import { appError, failure, throttled } from '../helpers/errors';
import { mark, recordedSince } from '../helpers/output';

type AuthData = Record<string, string>;

const SUSPEND: KeygenCall = {
  method: 'POST',
  path: ['licenses', 'ABC-123', 'actions', 'suspend'],
  action: 'suspend license "ABC-123"',
  target: 'license "ABC-123"',
};

const READ: KeygenCall = {
  path: ['licenses', 'ABC-123'],
  action: 'read license "ABC-123"',
  target: 'license "ABC-123"',
};

const LIST: KeygenCall = {
  path: ['licenses'],
  action: 'list licenses',
  target: 'licenses',
};

function run<T = unknown>(call: KeygenCall, auth: AuthData = authData) {
  return appTester((z: ZObject, bundle: Bundle) => keygen<T>(z, bundle, call), {
    authData: auth,
  });
}

function runList<R = unknown>(
  call: KeygenCall,
  options: { pageSize?: number; maxPages?: number } = {},
  auth: AuthData = authData,
) {
  return appTester((z: ZObject, bundle: Bundle) => keygenList<R>(z, bundle, call, options), {
    authData: auth,
  });
}

/** Keygen Cloud, expecting the usual headers and refusing the named ones. */
function without(badheaders: string[], root = DEFAULT_BASE_URL): nock.Scope {
  return nock(root, {
    reqheaders: {
      authorization: `Bearer ${TOKEN}`,
      accept: 'application/vnd.api+json',
      'keygen-version': '1.8',
    },
    badheaders,
  });
}

const license = (id: string) => ({
  id,
  type: 'licenses',
  attributes: { key: `KEY-${id}`, status: 'ACTIVE' },
});

describe('requests', () => {
  it('sends the token, the JSON:API Accept header and the pinned version, and returns the document', async () => {
    expect(KEYGEN_API_VERSION).toBe('1.8');
    const scope = without(['content-type', 'keygen-environment'])
      .get(at('/licenses/ABC-123'))
      .reply(200, { data: license('ABC-123') }, JSON_API);
    const result = await run(READ);
    expect(result).toEqual({ status: 200, data: { data: license('ABC-123') } });
    expect(scope.isDone()).toBe(true);
  });

  it('sends Content-Type application/vnd.api+json and the JSON body only when there is a body', async () => {
    const body = resourceDocument(
      'licenses',
      { name: 'Pro' },
      { policy: { type: 'policies', id: 'p1' } },
    );
    let seen: { contentType?: string | string[]; body?: unknown } = {};
    keygenApi()
      .matchHeader('content-type', 'application/vnd.api+json')
      .post(at('/licenses'))
      .reply(function (_uri, requestBody) {
        const parsed = typeof requestBody === 'string' ? JSON.parse(requestBody) : requestBody;
        seen = { contentType: this.req.headers['content-type'], body: parsed };
        return [201, { data: license('new') }, JSON_API];
      });
    const result = await run({
      method: 'POST',
      path: ['licenses'],
      body,
      action: 'create a license',
      target: 'license',
    });
    expect(result.status).toBe(201);
    expect(seen.contentType).toBe('application/vnd.api+json');
    expect(seen.body).toEqual({
      data: {
        type: 'licenses',
        attributes: { name: 'Pro' },
        relationships: { policy: { data: { type: 'policies', id: 'p1' } } },
      },
    });
  });

  it('sends no Content-Type on a DELETE without a body and accepts an empty 204', async () => {
    without(['content-type']).delete(at('/webhook-endpoints/we-1')).reply(204);
    const result = await run({
      method: 'DELETE',
      path: ['webhook-endpoints', 'we-1'],
      action: 'delete webhook endpoint "we-1"',
      target: 'webhook endpoint "we-1"',
    });
    expect(result).toEqual({ status: 204, data: undefined });
  });

  it('sends Keygen-Environment only when the connection has an environment', async () => {
    keygenApi()
      .matchHeader('keygen-environment', 'sandbox')
      .get(at('/licenses/ABC-123'))
      .reply(200, { data: license('ABC-123') }, JSON_API);
    await run(READ, { ...authData, environment: ' sandbox ' });

    without(['keygen-environment'])
      .get(at('/licenses/ABC-123'))
      .reply(200, { data: license('ABC-123') }, JSON_API);
    await run(READ, { ...authData, environment: '' });
  });

  it('sends a token pasted with surrounding whitespace trimmed', async () => {
    keygenApi()
      .get(at('/licenses/ABC-123'))
      .reply(200, { data: license('ABC-123') }, JSON_API);
    await run(READ, { ...authData, token: `  ${TOKEN}\n` });
  });

  it('encodes array queries as Keygen expects (events[]=a&events[]=b) and drops empty values', async () => {
    let uri = '';
    keygenApi()
      .get(at('/webhook-events'))
      .query(true)
      .reply((path) => {
        uri = path;
        return [200, { data: [] }, JSON_API];
      });
    await run({
      path: ['webhook-events'],
      query: {
        events: ['license.created', 'license.expiring-soon'],
        limit: 5,
        order: undefined,
        product: null,
        user: '',
      },
      action: 'list webhook events',
      target: 'webhook events',
    });
    const url = new URL(uri, 'https://api.keygen.sh');
    expect(url.pathname).toBe(at('/webhook-events'));
    expect([...url.searchParams]).toEqual([
      ['events[]', 'license.created'],
      ['events[]', 'license.expiring-soon'],
      ['limit', '5'],
    ]);
  });
});

describe('path segments', () => {
  it('encodes an id with /, ?, #, %, space and unicode as one segment', async () => {
    const id = 'a/b?c#d e%f ü✓/..';
    let uri = '';
    keygenApi()
      .get(() => true)
      .reply((path) => {
        uri = path;
        return [200, { data: license('x') }, JSON_API];
      });
    await run({ path: ['licenses', id], action: 'read license', target: 'license' });
    expect(uri).toBe(`${at('/licenses/')}a%2Fb%3Fc%23d%20e%25f%20%C3%BC%E2%9C%93%2F..`);
    const parts = uri.split('/');
    expect(parts).toHaveLength(6);
    expect(decodeURIComponent(parts[5]!)).toBe(id);
  });

  it.each(['%2e', '%2E%2e', '...', '.a', '.%2e'])(
    'sends %j, which only looks like a dot segment, encoded so that it reaches Keygen',
    async (id) => {
      let uri = '';
      keygenApi()
        .get(() => true)
        .reply((path) => {
          uri = path;
          return [200, { data: license('x') }, JSON_API];
        });
      await run({ path: ['licenses', id], action: 'read license', target: 'license' });
      expect(uri).toBe(at(`/licenses/${encodeURIComponent(id)}`));
      expect(decodeURIComponent(uri.split('/')[5]!)).toBe(id);
    },
  );

  it('encodes the account id too', async () => {
    keygenApi()
      .get('/v1/accounts/my%20acct%2F1/me')
      .reply(200, { data: { id: 'u', type: 'users' } }, JSON_API);
    await run(
      { path: ['me'], action: 'read me', target: 'me' },
      { ...authData, accountId: 'my acct/1' },
    );
  });

  it.each(['.', '..', '', 'ab\uD800cd'])(
    'refuses %j as an id with a clear error and sends no request',
    async (id) => {
      const error = appError(
        await failure(run({ path: ['licenses', id], action: 'read', target: 'license' })),
      );
      expect(error.code).toBe('INVALID_ID');
      expect(error.message).toContain('is not a valid Keygen id');
      expect(unmatched).toEqual([]);
    },
  );

  it('refuses an empty account id without sending a request', async () => {
    const error = appError(await failure(run(READ, { ...authData, accountId: '' })));
    expect(error.code).toBe('INVALID_ID');
    expect(unmatched).toEqual([]);
  });

  const id = fc
    .oneof(
      fc.string({ unit: 'binary', minLength: 1 }),
      fc.string({
        unit: fc.constantFrom(
          '/',
          '?',
          '#',
          '%',
          '2',
          'e',
          '.',
          ' ',
          '&',
          '+',
          ';',
          '\\',
          'é',
          '🔑',
        ),
        minLength: 1,
      }),
    )
    .filter((s) => s !== '.' && s !== '..');

  it('property: any id builds a URL whose path has it as exactly one segment', () => {
    const z = { errors: coreErrors } as unknown as ZObject;
    const bundle = { authData } as unknown as Bundle;
    fc.assert(
      fc.property(id, (value) => {
        const url = new URL(accountUrl(z, bundle, ['licenses', value, 'actions', 'validate']));
        const parts = url.pathname.split('/');
        expect(parts).toHaveLength(8);
        expect(parts.slice(0, 5)).toEqual(['', 'v1', 'accounts', ACCOUNT, 'licenses']);
        expect(decodeURIComponent(parts[5]!)).toBe(value);
        expect(parts.slice(6)).toEqual(['actions', 'validate']);
        expect(url.search).toBe('');
        expect(url.hash).toBe('');
      }),
      { numRuns: 1000, seed: 8 },
    );
  });

  // Through the whole request path, so sized small: each run is a full app invocation.
  it('property: any id is exactly one path segment of the request Keygen receives', async () => {
    await fc.assert(
      fc.asyncProperty(id, async (value) => {
        let uri = '';
        const scope = keygenApi()
          .get(() => true)
          .reply((path) => {
            uri = path;
            return [200, { data: license('x') }, JSON_API];
          });
        await run({ path: ['licenses', value, 'actions', 'validate'], action: 'a', target: 't' });
        expect(scope.isDone()).toBe(true);
        const parts = uri.split('/');
        // '', 'v1', 'accounts', 'acme', 'licenses', <id>, 'actions', 'validate'
        expect(parts).toHaveLength(8);
        expect(parts.slice(0, 5)).toEqual(['', 'v1', 'accounts', ACCOUNT, 'licenses']);
        expect(decodeURIComponent(parts[5]!)).toBe(value);
        expect(parts.slice(6)).toEqual(['actions', 'validate']);
      }),
      { numRuns: 20, seed: 8 },
    );
  }, 60_000);
});

describe('credentials', () => {
  const bad = [
    ['a zero-width space', `${TOKEN.slice(0, 20)}\u200b${TOKEN.slice(20)}`],
    ['a line break', `${TOKEN.slice(0, 20)}\n${TOKEN.slice(20)}`],
    ['smart quotes', `\u201c${TOKEN}\u201d`],
    ['an inner space', `${TOKEN.slice(0, 20)} ${TOKEN.slice(20)}`],
  ];

  it.each(bad)(
    'refuses an API Token holding %s, naming the field and never the token',
    async (_what, token) => {
      const error = await failure(run(READ, { ...authData, token }));
      expect(error.name).toBe('ExpiredAuthError');
      expect(error.message).toContain(
        'The API Token of the Keygen connection contains a character',
      );
      expect(`${error.message} ${error.stack}`).not.toContain(TOKEN.slice(6, 20));
      expect(`${error.message} ${error.stack}`).not.toContain(TOKEN.slice(24, 40));
      expect(unmatched).toEqual([]);
    },
  );

  it.each(bad.map(([what, token]) => [what, token.replace(TOKEN.slice(0, 20), 'prod-env')]))(
    'refuses an Environment holding %s, naming the field and never the value',
    async (_what, environment) => {
      const error = await failure(run(READ, { ...authData, environment }));
      expect(error.name).toBe('ExpiredAuthError');
      expect(error.message).toContain(
        'The Environment of the Keygen connection contains a character',
      );
      expect(error.message).not.toContain('prod-env');
      expect(unmatched).toEqual([]);
    },
  );

  it('the auth test refuses such a token the same way, without echoing it', async () => {
    const error = await failure(
      appTester(App.authentication.test as (z: ZObject, bundle: Bundle) => Promise<unknown>, {
        authData: { ...authData, token: `${TOKEN}\u200b` },
      }),
    );
    expect(error.name).toBe('ExpiredAuthError');
    expect(error.message).toContain('API Token');
    expect(error.message).not.toContain(TOKEN.slice(6, 20));
  });

  it('redacts the token from any error z.request throws', async () => {
    const error = await failure(
      appTester(
        async (z: ZObject, bundle: Bundle) => {
          const leaky = Object.create(z) as ZObject;
          leaky.request = (async () => {
            throw new TypeError(`Invalid header value: Bearer ${TOKEN}`);
          }) as unknown as ZObject['request'];
          return keygen(leaky, bundle, READ);
        },
        { authData },
      ),
    );
    expect(error.name).toBe('TypeError');
    expect(error.message).toContain('Invalid header value: Bearer [redacted]');
    expect(error.message).not.toContain(TOKEN);
    expect(error.stack).not.toContain(TOKEN);
  });
});

describe('base URL', () => {
  const cases: [string | undefined, string][] = [
    [undefined, DEFAULT_BASE_URL],
    ['', DEFAULT_BASE_URL],
    ['https://api.keygen.sh/', DEFAULT_BASE_URL],
    ['https://keygen.example.com', 'https://keygen.example.com'],
    ['https://keygen.example.com/', 'https://keygen.example.com'],
    ['https://keygen.example.com/v1', 'https://keygen.example.com'],
    ['https://keygen.example.com/v1/', 'https://keygen.example.com'],
    [' https://Keygen.Example.com:8443/ ', 'https://keygen.example.com:8443'],
    ['http://10.0.0.5:3000', 'http://10.0.0.5:3000'],
    ['https://example.com/keygen', 'https://example.com/keygen'],
    ['https://example.com/keygen/v1/', 'https://example.com/keygen'],
  ];

  it.each(cases)('%j is the API root %s', async (baseUrl, root) => {
    const auth = baseUrl === undefined ? authData : { ...authData, baseUrl };
    expect(await appTester((z: ZObject) => apiRoot(z, auth), {})).toBe(root);
  });

  it('keeps a path prefix when requesting', async () => {
    keygenApi('https://example.com')
      .get('/keygen/v1/accounts/acme/licenses/ABC-123')
      .reply(200, { data: license('ABC-123') }, JSON_API);
    await run(READ, { ...authData, baseUrl: 'https://example.com/keygen/' });
  });

  it('does not echo credentials or a query from a refused Base URL', async () => {
    const error = appError(
      await failure(
        run(READ, { ...authData, baseUrl: 'https://user:s3cr3t@keygen.example.com/?k=v9' }),
      ),
    );
    expect(error.message).not.toMatch(/s3cr3t|v9/);
  });

  it.each([
    'ftp://admin:hunter2@keygen.example.com',
    'https://admin:hunter2@bad host',
    'https://admin:hunter2@bad host/?q=1',
    'admin:hunter2@keygen.example.com',
  ])('never echoes the userinfo of a refused Base URL (%s)', async (baseUrl) => {
    const error = appError(await failure(run(READ, { ...authData, baseUrl })));
    expect(error.code).toBe('INVALID_BASE_URL');
    expect(error.message).not.toMatch(/admin|hunter2/);
    expect(unmatched).toEqual([]);
  });

  it.each([
    ['ftp://x', 'must start with https:// (or http://)'],
    ['not a url', "is not a URL. Enter your self-hosted Keygen server's address, such as https://"],
    [
      'keygen.example.com',
      "is not a URL. Enter your self-hosted Keygen server's address, such as https://",
    ],
    ['https://user:secret@keygen.example.com', 'or credentials (user:password@)'],
    ['https://keygen.example.com/?x=1', 'must not contain a query'],
  ])('refuses %j with a clear error and sends no request', async (baseUrl, text) => {
    const error = appError(await failure(run(READ, { ...authData, baseUrl })));
    expect(error.code).toBe('INVALID_BASE_URL');
    expect(error.message).toContain(text);
    expect(unmatched).toEqual([]);
  });
});

describe('resourceDocument', () => {
  it('drops undefined attributes and relationships and keeps null relationships', () => {
    expect(
      resourceDocument(
        'licenses',
        { name: 'Pro', expiry: undefined, metadata: { plan: 'pro' }, protected: false, note: null },
        {
          policy: { type: 'policies', id: 'p1' },
          owner: undefined,
          group: null,
        },
        'lic-1',
      ),
    ).toEqual({
      data: {
        type: 'licenses',
        id: 'lic-1',
        attributes: { name: 'Pro', metadata: { plan: 'pro' }, protected: false, note: null },
        relationships: {
          policy: { data: { type: 'policies', id: 'p1' } },
          group: { data: null },
        },
      },
    });
  });

  it('leaves out empty attributes and relationships objects', () => {
    expect(resourceDocument('licenses')).toEqual({ data: { type: 'licenses' } });
    expect(resourceDocument('licenses', { name: undefined }, { owner: undefined })).toEqual({
      data: { type: 'licenses' },
    });
    const doc = resourceDocument('users', { email: 'a@b.c' });
    expect(Object.keys(doc.data)).toEqual(['type', 'attributes']);
  });
});

interface ErrorCase {
  name: string;
  status: number;
  body: string | Record<string, unknown>;
  headers?: Record<string, string>;
  check: (error: Error) => void;
}

const keygenError = (errors: Record<string, unknown>[]) => ({ meta: { id: 'req-1' }, errors });

const ERROR_CASES: ErrorCase[] = [
  {
    name: '401 TOKEN_INVALID → ExpiredAuthError with why',
    status: 401,
    body: keygenError([
      { title: 'Unauthorized', detail: 'Token is invalid', code: 'TOKEN_INVALID' },
    ]),
    headers: { 'WWW-Authenticate': 'Bearer realm="keygen"' },
    check: (error) => {
      expect(error.name).toBe('ExpiredAuthError');
      expect(error.message).toContain('Keygen rejected the API token');
      expect(error.message).toContain('Token is invalid');
      expect(error.message).toContain('TOKEN_INVALID');
    },
  },
  {
    name: '403 → names the action',
    status: 403,
    body: keygenError([
      {
        title: 'Access denied',
        detail: 'You do not have permission to complete the request',
        code: 'TOKEN_NOT_ALLOWED',
      },
    ]),
    check: (error) => {
      const e = appError(error);
      expect(e.message).toContain('not allowed to suspend license "ABC-123"');
      expect(e.message).toContain('You do not have permission to complete the request');
      expect(e.code).toBe('TOKEN_NOT_ALLOWED');
      expect(e.status).toBe(403);
    },
  },
  {
    name: '404 → names the target',
    status: 404,
    body: keygenError([
      {
        title: 'Not found',
        detail: "The requested license 'ABC-123' was not found",
        code: 'NOT_FOUND',
      },
    ]),
    check: (error) => {
      const e = appError(error);
      expect(e.message).toContain('Keygen found no license "ABC-123"');
      expect(e.message).toContain("The requested license 'ABC-123' was not found");
      expect(e.code).toBe('NOT_FOUND');
      expect(e.status).toBe(404);
    },
  },
  {
    name: '422 with two errors → each title, detail, code and pointer',
    status: 422,
    body: keygenError([
      {
        title: 'Unprocessable resource',
        detail: 'must be a valid URL using one of the following protocols: https',
        code: 'URL_PROTOCOL_INVALID',
        source: { pointer: '/data/attributes/url' },
      },
      {
        title: 'Unprocessable resource',
        detail: 'is too short (minimum is 1 character)',
        code: 'SUBSCRIPTIONS_TOO_SHORT',
        source: { pointer: '/data/attributes/subscriptions' },
      },
    ]),
    check: (error) => {
      const e = appError(error);
      expect(e.message).toContain('Keygen could not suspend license "ABC-123"');
      expect(e.message).toContain(
        'Unprocessable resource: must be a valid URL using one of the following protocols: https (code URL_PROTOCOL_INVALID, at /data/attributes/url)',
      );
      expect(e.message).toContain(
        'Unprocessable resource: is too short (minimum is 1 character) (code SUBSCRIPTIONS_TOO_SHORT, at /data/attributes/subscriptions)',
      );
      expect(e.code).toBe('URL_PROTOCOL_INVALID');
      expect(e.status).toBe(422);
    },
  },
  {
    name: '422 without a code (already suspended)',
    status: 422,
    body: keygenError([
      {
        title: 'Unprocessable resource',
        detail: 'is already suspended',
        source: { pointer: '/data' },
      },
    ]),
    check: (error) => {
      const e = appError(error);
      expect(e.message).toContain('Unprocessable resource: is already suspended (at /data)');
      expect(e.code).toBe('HTTP_422');
      expect(e.status).toBe(422);
    },
  },
  {
    name: '400 with a source parameter',
    status: 400,
    body: keygenError([
      {
        title: 'Bad request',
        detail: 'page number must be a number between 1 and 100 (got 101)',
        source: { parameter: 'page[number]' },
      },
    ]),
    check: (error) => {
      const e = appError(error);
      expect(e.message).toContain(
        'Bad request: page number must be a number between 1 and 100 (got 101) (at page[number])',
      );
      expect(e.code).toBe('HTTP_400');
      expect(e.status).toBe(400);
    },
  },
  {
    name: '409 conflict',
    status: 409,
    body: keygenError([
      {
        title: 'Conflict',
        detail: 'failed to suspend license due to a conflict',
        code: 'CONFLICT',
      },
    ]),
    check: (error) => {
      const e = appError(error);
      expect(e.message).toContain(
        'Conflict: failed to suspend license due to a conflict (code CONFLICT)',
      );
      expect(e.code).toBe('CONFLICT');
      expect(e.status).toBe(409);
    },
  },
  {
    name: '429 with Retry-After: 17 → ThrottledError, delay 17',
    status: 429,
    body: {
      errors: [
        {
          title: 'Too many requests',
          detail: 'Throttle limit has been reached for your IP address.',
          code: 'TOO_MANY_REQUESTS',
        },
      ],
    },
    headers: { 'Retry-After': '17', 'X-RateLimit-Remaining': '0' },
    check: (error) => {
      const e = throttled(error);
      expect(e.delay).toBe(17);
      expect(e.message).toContain('rate limit');
      expect(e.message).toContain('TOO_MANY_REQUESTS');
      expect(e.message).toContain('17 seconds');
    },
  },
  {
    name: '429 without Retry-After → a default delay',
    status: 429,
    body: { errors: [{ title: 'Too many requests', code: 'TOO_MANY_REQUESTS' }] },
    check: (error) => {
      const e = throttled(error);
      expect(e.delay).toBe(60);
    },
  },
  {
    name: '429 from a proxy with an HTML page → still ThrottledError',
    status: 429,
    body: '<html><head><title>429 Too Many Requests</title></head><body>nginx</body></html>',
    headers: { 'Content-Type': 'text/html', 'Retry-After': '5' },
    check: (error) => {
      expect(throttled(error).delay).toBe(5);
    },
  },
  {
    name: '500 JSON → Keygen failed, try again later, with status',
    status: 500,
    body: keygenError([
      { title: 'Internal server error', detail: 'Looks like something went wrong!' },
    ]),
    check: (error) => {
      const e = appError(error);
      expect(e.message).toContain('Keygen (or a proxy in front of it) failed');
      expect(e.message).toContain('suspend license "ABC-123"');
      expect(e.message).toContain('HTTP 500');
      expect(e.message).toContain('Internal server error: Looks like something went wrong!');
      expect(e.message).toContain('try again in a few minutes');
      expect(e.code).toBe('KEYGEN_UNAVAILABLE');
      expect(e.status).toBe(500);
    },
  },
  {
    name: '502 HTML page from a proxy → Keygen failed, names the page and status',
    status: 502,
    body: '<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body><center><h1>502 Bad Gateway</h1></center><hr><center>nginx</center></body></html>',
    headers: { 'Content-Type': 'text/html' },
    check: (error) => {
      const e = appError(error);
      expect(e.message).toContain('proxy');
      expect(e.message).toContain('HTTP 502 with an HTML page titled "502 Bad Gateway"');
      expect(e.status).toBe(502);
    },
  },
  {
    name: '200 with invalid JSON → not a Keygen answer, check the Base URL',
    status: 200,
    body: '{"data": {"id": "ABC-1',
    headers: JSON_API,
    check: (error) => {
      const e = appError(error);
      expect(e.message).toContain(
        'HTTP 200 with a body that is not JSON (Content-Type application/vnd.api+json; charset=utf-8)',
      );
      expect(e.message).toContain('Check the Base URL of the connection');
      expect(e.message).not.toMatch(/try again/i);
      expect(e.code).toBe('NOT_KEYGEN_API');
    },
  },
  {
    name: '200 HTML page (not an API host) → not a Keygen answer',
    status: 200,
    body: '<!DOCTYPE html><html><head><title>Acme Licensing</title></head><body></body></html>',
    headers: { 'Content-Type': 'text/html; charset=utf-8' },
    check: (error) => {
      const e = appError(error);
      expect(e.message).toContain('HTTP 200 with an HTML page titled "Acme Licensing"');
    },
  },
  {
    name: '401 with an empty body (a proxy) → still a rejected token',
    status: 401,
    body: '',
    check: (error) => {
      expect(error.name).toBe('ExpiredAuthError');
      expect(error.message).toContain('Keygen rejected the API token (Unauthorized)');
    },
  },
];

describe('Keygen errors become Zapier errors', () => {
  it.each(ERROR_CASES.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    keygenApi()
      .post(at('/licenses/ABC-123/actions/suspend'))
      .reply(c.status, c.body, { ...JSON_API, ...c.headers });
    c.check(await failure(run(SUSPEND)));
  });

  it('a network failure says Keygen could not be reached, and where', async () => {
    keygenApi().get(at('/licenses/ABC-123')).replyWithError('connect ECONNREFUSED 10.0.0.5:443');
    const e = appError(await failure(run(READ)));
    expect(e.code).toBe('KEYGEN_UNREACHABLE');
    expect(e.message).toContain(
      'Could not reach Keygen at https://api.keygen.sh to read license "ABC-123"',
    );
    expect(e.message).toContain('ECONNREFUSED');
  });

  it('never puts the token in any message', async () => {
    // The token must not leak whatever the answer, including a Keygen detail or an HTML title.
    for (const c of ERROR_CASES) {
      keygenApi()
        .post(at('/licenses/ABC-123/actions/suspend'))
        .reply(c.status, c.body, { ...JSON_API, ...c.headers });
      const error = await failure(run(SUSPEND));
      expect(`${c.name}: ${error.message} ${error.stack}`).not.toContain(TOKEN);
      expect(error.message).not.toContain(TOKEN.slice(6, 30));
    }
    keygenApi().get(at('/licenses/ABC-123')).replyWithError('socket hang up');
    const error = await failure(run(READ));
    expect(error.message).not.toContain(TOKEN);
  }, 30_000);

  it('returns 404 and 410 as a status when the call allows not found', async () => {
    keygenApi()
      .get(at('/licenses/ABC-123'))
      .reply(404, keygenError([{ title: 'Not found', code: 'NOT_FOUND' }]), JSON_API);
    expect(await run({ ...READ, allowNotFound: true })).toEqual({ status: 404, data: undefined });
    keygenApi().delete(at('/webhook-endpoints/we-1')).reply(410, '');
    expect(
      await run({
        method: 'DELETE',
        path: ['webhook-endpoints', 'we-1'],
        action: 'delete',
        target: 'webhook endpoint',
        allowNotFound: true,
      }),
    ).toEqual({ status: 410, data: undefined });
  });

  it('allowNotFound does not swallow other errors', async () => {
    keygenApi()
      .get(at('/licenses/ABC-123'))
      .reply(403, keygenError([{ title: 'Access denied', detail: 'nope' }]), JSON_API);
    expect(appError(await failure(run({ ...READ, allowNotFound: true }))).code).toBe('FORBIDDEN');
  });
});

describe('keygenList', () => {
  const page = (n: number, next: string | null, size = 2) => ({
    data: Array.from({ length: size }, (_, i) => license(`p${n}-${i}`)),
    links: { self: `/v1/accounts/acme/licenses?page%5Bnumber%5D=${n}&page%5Bsize%5D=2`, next },
  });
  const nextOf = (n: number, prefix = '') =>
    `${prefix}/v1/accounts/acme/licenses?page%5Bnumber%5D=${n}&page%5Bsize%5D=2&status=ACTIVE`;

  it('follows relative links.next over three pages and concatenates the records', async () => {
    keygenApi()
      .get(at('/licenses'))
      .query({ status: 'ACTIVE', 'page[size]': '2', 'page[number]': '1' })
      .reply(200, page(1, nextOf(2)), JSON_API)
      .get(at('/licenses'))
      .query({ 'page[number]': '2', 'page[size]': '2', status: 'ACTIVE' })
      .reply(200, page(2, nextOf(3)), JSON_API)
      .get(at('/licenses'))
      .query({ 'page[number]': '3', 'page[size]': '2', status: 'ACTIVE' })
      .reply(200, page(3, null, 1), JSON_API);
    const records = await runList<{ id: string }>(
      { ...LIST, query: { status: 'ACTIVE' } },
      { pageSize: 2 },
    );
    expect(records.map((r) => r.id)).toEqual(['p1-0', 'p1-1', 'p2-0', 'p2-1', 'p3-0']);
  });

  it('asks for 100 per page by default and stops when there is no next link', async () => {
    keygenApi()
      .get(at('/licenses'))
      .query({ 'page[size]': '100', 'page[number]': '1' })
      .reply(200, { data: [license('only')], links: { next: null } }, JSON_API);
    const records = await runList<{ id: string }>(LIST);
    expect(records.map((r) => r.id)).toEqual(['only']);
  });

  it('stops at maxPages even if links.next keeps coming', async () => {
    let requests = 0;
    keygenApi()
      .get(at('/licenses'))
      .query(true)
      .times(3)
      .reply(() => {
        requests += 1;
        return [200, page(requests, nextOf(requests + 1)), JSON_API];
      });
    const records = await runList(LIST, { pageSize: 2, maxPages: 3 });
    expect(requests).toBe(3);
    expect(records).toHaveLength(6);
    expect(unmatched).toEqual([]);
  });

  it(`stops at MAX_PAGES (${MAX_PAGES}) by default`, async () => {
    let requests = 0;
    keygenApi()
      .get(at('/licenses'))
      .query(true)
      .times(MAX_PAGES)
      .reply(() => {
        requests += 1;
        return [200, page(requests, nextOf(requests + 1)), JSON_API];
      });
    const records = await runList(LIST, { pageSize: 2 });
    expect(requests).toBe(MAX_PAGES);
    expect(records).toHaveLength(MAX_PAGES * 2);
    expect(unmatched).toEqual([]);
  });

  it('treats a page without data as empty (uncounted lists end with an empty page)', async () => {
    keygenApi()
      .get(at('/licenses'))
      .query(true)
      .reply(200, page(1, nextOf(2)), JSON_API)
      .get(at('/licenses'))
      .query(true)
      .reply(200, { data: [], links: { next: null } }, JSON_API);
    expect(await runList(LIST, { pageSize: 2 })).toHaveLength(2);
  });

  it("fetches Keygen's /v1 next link under the base URL's path prefix", async () => {
    const paths: string[] = [];
    keygenApi('https://example.com')
      .get('/keygen/v1/accounts/acme/licenses')
      .query(true)
      .times(2)
      .reply((uri) => {
        paths.push(uri);
        return [200, page(paths.length, paths.length === 1 ? nextOf(2) : null), JSON_API];
      });
    const records = await runList(
      LIST,
      { pageSize: 2 },
      { ...authData, baseUrl: 'https://example.com/keygen' },
    );
    expect(records).toHaveLength(4);
    expect(paths[1]).toBe(`/keygen${nextOf(2)}`);
  });

  it.each([
    'https://evil.example/v1/accounts/acme/licenses?page%5Bnumber%5D=2&page%5Bsize%5D=2',
    '//evil.example/v1/accounts/acme/licenses?page%5Bnumber%5D=2&page%5Bsize%5D=2',
    'x:@evil.example/v1/accounts/acme/licenses?page%5Bnumber%5D=2&page%5Bsize%5D=2',
    'x:.evil.example/v1/x',
    'x://evil.example/v1/accounts/acme/licenses',
    'http://api.keygen.sh/v1/accounts/acme/licenses?page%5Bnumber%5D=2',
    'https://user:pw@api.keygen.sh/v1/accounts/acme/licenses?page%5Bnumber%5D=2',
    '/v1/accounts/other/licenses?page%5Bnumber%5D=2',
    '/v1/accounts/acme/../other/licenses?page%5Bnumber%5D=2',
    '/v2/me',
  ])('ends the listing with a warning at a links.next outside the account (%s)', async (next) => {
    const before = mark();
    keygenApi().get(at('/licenses')).query(true).reply(200, page(1, next), JSON_API);
    const records = await runList(LIST, { pageSize: 2 });
    expect(records).toHaveLength(2);
    expect(unmatched).toEqual([]);
    expect(recordedSince(before)).toContain(
      "Stopped listing: Keygen's link to the next page does not point under this account",
    );
  });

  it("follows an absolute links.next on the connection's own origin under the account", async () => {
    keygenApi()
      .get(at('/licenses'))
      .query(true)
      .reply(200, page(1, `https://api.keygen.sh${nextOf(2)}`), JSON_API)
      .get(at('/licenses'))
      .query({ 'page[number]': '2', 'page[size]': '2', status: 'ACTIVE' })
      .reply(200, page(2, null), JSON_API);
    expect(await runList(LIST, { pageSize: 2 })).toHaveLength(4);
  });

  it('maps an error on a later page like any other', async () => {
    keygenApi()
      .get(at('/licenses'))
      .query(true)
      .reply(200, page(1, nextOf(2)), JSON_API)
      .get(at('/licenses'))
      .query(true)
      .reply(
        429,
        { errors: [{ title: 'Too many requests' }] },
        { ...JSON_API, 'Retry-After': '3' },
      );
    expect(throttled(await failure(runList(LIST, { pageSize: 2 }))).delay).toBe(3);
  });
});
