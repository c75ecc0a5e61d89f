// The token never crosses a redirect off the connection's server or out of its account: the
// client follows redirects itself, only within that origin and account prefix.
import nock from 'nock';
import type { Bundle, ZObject } from 'zapier-platform-core';
import {
  MAX_REDIRECTS,
  keygen,
  keygenFailure,
  keygenList,
  type KeygenCall,
} from '../../keygen/client';
import { JSON_API, TOKEN, appTester, at, authData, keygenApi } from '../helpers/app';
import { appError, failure } from '../helpers/errors';

const READ: KeygenCall = {
  path: ['licenses', 'ABC-123'],
  action: 'read license "ABC-123"',
  target: 'license "ABC-123"',
};

const document = { data: { id: 'lic-1', type: 'licenses', attributes: {} } };

function run(call: KeygenCall = READ, auth: Record<string, string> = authData) {
  return appTester(
    async (z: ZObject, bundle: Bundle) => {
      try {
        return await keygen(z, bundle, call);
      } catch (error) {
        // The status reaches callers through the typed failure.
        expect(keygenFailure(error)?.status).toBeGreaterThanOrEqual(300);
        throw error;
      }
    },
    { authData: auth },
  );
}

/**
 * A server that records what reached it: never called is what a refused redirect must give; if
 * it is called, the headers show whether the token went along.
 */
function elsewhere(origin: string, path: string) {
  const seen: Record<string, unknown>[] = [];
  const scope = nock(origin)
    .get(path)
    .query(true)
    .optionally()
    .reply(function () {
      seen.push({ ...this.req.headers });
      return [200, document, JSON_API];
    });
  return { seen, scope };
}

describe('a redirect off the account', () => {
  it.each([
    ['another port', 'https://api.keygen.sh:8443', at('/licenses/ABC-123')],
    ['a subdomain', 'https://evil.api.keygen.sh', at('/licenses/ABC-123')],
    ['the parent domain', 'https://keygen.sh', at('/licenses/ABC-123')],
    ['plain http', 'http://api.keygen.sh', at('/licenses/ABC-123')],
    [
      'another account on the same server',
      'https://api.keygen.sh',
      at('/licenses/ABC-123', 'other'),
    ],
    ['a path outside the accounts', 'https://api.keygen.sh', '/v1/me'],
  ])('to %s is not followed, and the user is told why', async (_what, origin, path) => {
    keygenApi()
      .get(at('/licenses/ABC-123'))
      .reply(302, '', { Location: `${origin}${path}?token=x` });
    const { seen, scope } = elsewhere(origin, path);
    const error = appError(await failure(run()));
    expect(seen).toEqual([]);
    expect(scope.activeMocks()).toHaveLength(1);
    expect(error).toEqual({
      message: `Keygen at https://api.keygen.sh redirected the request to ${origin}${path} while trying to read license "ABC-123". It was not sent there: the API token only goes to the connection's server, under account "acme". Check the Base URL of the connection: if your Keygen API is served at that address, enter it as the Base URL.`,
      code: 'REDIRECT_NOT_FOLLOWED',
      status: 302,
    });
    nock.cleanAll();
  });

  it('on a self-hosted server with a path prefix, leaving the prefix, is not followed', async () => {
    const root = 'https://example.com/keygen';
    keygenApi('https://example.com')
      .get('/keygen/v1/accounts/acme/licenses/ABC-123')
      .reply(307, '', { Location: '/v1/accounts/acme/licenses/ABC-123' });
    const { seen } = elsewhere('https://example.com', '/v1/accounts/acme/licenses/ABC-123');
    const error = appError(await failure(run(READ, { ...authData, baseUrl: root })));
    expect(seen).toEqual([]);
    expect(error.code).toBe('REDIRECT_NOT_FOLLOWED');
    expect(error.message).toContain(
      `Keygen at ${root} redirected the request to https://example.com/v1/accounts/acme/licenses/ABC-123`,
    );
    nock.cleanAll();
  });

  it('never quotes the token, whatever the Location holds', async () => {
    keygenApi()
      .get(at('/licenses/ABC-123'))
      .reply(301, '', { Location: `https://other.example/${TOKEN.slice(3, 40)}/x` });
    const error = appError(await failure(run()));
    expect(error.message).toContain('redirected the request to https://other.example/[redacted]/x');
  });
});

describe('a redirect within the account', () => {
  it('is followed, with the token, to the same origin and account', async () => {
    keygenApi()
      .get(at('/licenses/ABC-123'))
      .reply(301, '', { Location: at('/licenses/lic-1') });
    keygenApi().get(at('/licenses/lic-1')).reply(200, document, JSON_API);
    expect(await run()).toEqual({ status: 200, data: document });
  });

  it('keeps the method and body on a 307 and 308, and turns a POST into a GET on a 302 or 303', async () => {
    const post: KeygenCall = {
      method: 'POST',
      path: ['licenses', 'L-1', 'actions', 'suspend'],
      body: { meta: {} },
      action: 'suspend license "L-1"',
      target: 'license "L-1"',
    };
    for (const status of [307, 308]) {
      keygenApi()
        .post(at('/licenses/L-1/actions/suspend'))
        .reply(status, '', { Location: at('/licenses/L-2/actions/suspend') });
      keygenApi()
        .matchHeader('content-type', 'application/vnd.api+json')
        .post(at('/licenses/L-2/actions/suspend'), { meta: {} })
        .reply(200, document, JSON_API);
      expect(await run(post)).toEqual({ status: 200, data: document });
    }
    for (const status of [302, 303]) {
      keygenApi()
        .post(at('/licenses/L-1/actions/suspend'))
        .reply(status, '', { Location: at('/licenses/L-1') });
      nock('https://api.keygen.sh', { badheaders: ['content-type'] })
        .matchHeader('authorization', `Bearer ${TOKEN}`)
        .get(at('/licenses/L-1'))
        .reply(200, document, JSON_API);
      expect(await run(post)).toEqual({ status: 200, data: document });
    }
  });

  it(`is followed at most ${MAX_REDIRECTS} times`, async () => {
    keygenApi()
      .get(at('/licenses/loop'))
      .times(MAX_REDIRECTS + 1)
      .reply(302, '', { Location: at('/licenses/loop') });
    const call = { ...READ, path: ['licenses', 'loop'] };
    const error = appError(await failure(run(call)));
    expect(error).toEqual({
      message: `Keygen at https://api.keygen.sh redirected the request more than ${MAX_REDIRECTS} times while trying to read license "ABC-123", so it was not followed further. Check the Base URL of the connection.`,
      code: 'TOO_MANY_REDIRECTS',
      status: 302,
    });
  });

  it('is followed for a page of a listing too', async () => {
    keygenApi()
      .get(at('/licenses'))
      .query(true)
      .reply(302, '', {
        Location: `${at('/licenses')}?page%5Bnumber%5D=1&page%5Bsize%5D=100&moved=1`,
      });
    keygenApi()
      .get(at('/licenses'))
      .query((q) => q.moved === '1')
      .reply(200, { data: [document.data], links: { next: null } }, JSON_API);
    const records = await appTester(
      (z: ZObject, bundle: Bundle) =>
        keygenList(z, bundle, { path: ['licenses'], action: 'list licenses', target: 'licenses' }),
      { authData },
    );
    expect(records).toEqual([document.data]);
  });
});
