// Black-box contract tests (built app, nock for Keygen): authentication.
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
  USER_ID,
} from '../helpers/built-app';
import { notFound, subscribe, useNock } from '../helpers/contract-kit';
import { failure } from '../helpers/errors';
import { makeAccountKeys } from '../helpers/keygen-signer';

useNock();

describe('authentication (contract)', () => {
  const whoami = {
    data: {
      id: USER_ID,
      type: 'users',
      attributes: { fullName: 'Ada Admin', email: 'ada@acme.example', role: 'admin' },
      links: { self: `/v1/accounts/${ACCOUNT_UUID}/users/${USER_ID}` },
    },
    included: [
      {
        id: '0e1f2a3b-4c5d-4e6f-8a7b-9c0d1e2f3a4b',
        type: 'tokens',
        attributes: { kind: 'admin-token', expiry: null, name: null },
      },
    ],
  };

  it('has the fields baseUrl, accountId, token (password) and environment', () => {
    const fields = App.authentication.fields;
    const byKey = Object.fromEntries(fields.map((f) => [f.key, f]));
    expect(Object.keys(byKey)).toEqual(
      expect.arrayContaining(['baseUrl', 'accountId', 'token', 'environment']),
    );
    expect(byKey.token.type).toBe('password');
    expect(byKey.baseUrl.required).toBe(false);
    expect(byKey.environment.required).toBe(false);
    expect(byKey.accountId.required).not.toBe(false);
  });

  it('tests with GET {default baseUrl}/v1/accounts/{accountId}/me, Bearer, JSON:API, Keygen-Version 1.8, no Keygen-Environment', async () => {
    const scope = nock(CLOUD, {
      reqheaders: {
        authorization: `Bearer ${TOKEN}`,
        accept: /application\/vnd\.api\+json/,
        'keygen-version': '1.8',
      },
      badheaders: ['keygen-environment'],
    })
      .get(ap('/me'))
      .reply(200, whoami, JSON_API);
    const result = await newTester()(App.authentication.test, { authData: { ...AUTH } });
    expect(scope.isDone()).toBe(true);
    expect(result).toBeTruthy();
  });

  it('treats an empty baseUrl as the default', async () => {
    const scope = nock(CLOUD).get(ap('/me')).reply(200, whoami, JSON_API);
    await newTester()(App.authentication.test, { authData: { ...AUTH, baseUrl: '' } });
    expect(scope.isDone()).toBe(true);
  });

  it('sends Keygen-Environment when an environment is set', async () => {
    const scope = nock(CLOUD, {
      reqheaders: {
        authorization: `Bearer ${TOKEN}`,
        'keygen-version': '1.8',
        'keygen-environment': 'sandbox',
      },
    })
      .get(ap('/me'))
      .reply(200, whoami, JSON_API);
    await newTester()(App.authentication.test, {
      authData: { ...AUTH, environment: 'sandbox' },
    });
    expect(scope.isDone()).toBe(true);
  });

  it('keeps a path prefix of a self-hosted baseUrl', async () => {
    const scope = nock('https://example.com', {
      reqheaders: { authorization: `Bearer ${TOKEN}`, 'keygen-version': '1.8' },
    })
      .get(`/keygen${ap('/me')}`)
      .reply(200, whoami, JSON_API);
    await newTester()(App.authentication.test, {
      authData: { ...AUTH, baseUrl: 'https://example.com/keygen' },
    });
    expect(scope.isDone()).toBe(true);
  });

  it('explains a 404 on a non-default baseUrl: custom domain, keep the default URL', async () => {
    nock('https://licensing.example.com')
      .get(ap('/me'))
      .reply(404, notFound('account', ACCOUNT), JSON_API);
    const error = await failure(
      newTester()(App.authentication.test, {
        authData: { ...AUTH, baseUrl: 'https://licensing.example.com' },
      }),
    );
    expect(error.message).toMatch(/custom domain/i);
    expect(error.message).toMatch(/default|api\.keygen\.sh/i);
  });

  it('uses the baseUrl prefix for every request (subscribe on a self-hosted server)', async () => {
    const keys = makeAccountKeys();
    await subscribe(
      newTester(),
      'license_created',
      'https://hooks.zapier.com/hooks/standard/1/abc/',
      keys,
      {},
      { ...AUTH, baseUrl: 'https://example.com/keygen' },
      'https://example.com',
      '/keygen',
    );
  });
});
