// Subscribe and unsubscribe never leave an endpoint behind in Keygen, nor store a subscription
// whose deliveries could never verify.
import nock from 'nock';
import type { Bundle, ZObject } from 'zapier-platform-core';
import type { Subscription } from '../../triggers/subscription';
import { App, JSON_API, appTester, at, authData, keygenApi, unmatched } from '../helpers/app';
import { caught } from '../helpers/errors';
import { makeAccountKeys } from '../helpers/keygen-signer';
import { requestLimits } from '../../keygen/client';

const DEFAULT_TIMEOUT_MS = requestLimits.timeoutMs;

type Perform = (z: ZObject, bundle: Bundle) => Promise<unknown>;
const operation = (
  App.triggers as unknown as Record<string, { operation: Record<string, Perform> }>
).license_created.operation;

const keys = makeAccountKeys();
const TARGET = 'https://hooks.zapier.com/hooks/standard/1234567/0f1e2d3c4b5a69788796a5b4c3d2e1f0/';
const account = { data: { id: 'acct', type: 'accounts', meta: { keys: keys.meta } } };
const endpoint = (id: string, url: string) => ({
  id,
  type: 'webhook-endpoints',
  attributes: { url, subscriptions: ['license.created'] },
});

const subscribe = (targetUrl = TARGET, inputData: Record<string, string> = {}) =>
  appTester(operation.performSubscribe, { authData, targetUrl, inputData });
const unsubscribe = (subscribeData: unknown) =>
  appTester(operation.performUnsubscribe, { authData, subscribeData } as never);

describe('subscribe without a usable endpoint id', () => {
  it.each([
    ['no id', { data: { type: 'webhook-endpoints' } }],
    ['an object id', { data: { id: { uuid: 'x' }, type: 'webhook-endpoints' } }],
    ['a number id', { data: { id: 7, type: 'webhook-endpoints' } }],
    ['an empty id', { data: { id: '', type: 'webhook-endpoints' } }],
    ['the id ".."', { data: { id: '..', type: 'webhook-endpoints' } }],
    ['the id "."', { data: { id: '.', type: 'webhook-endpoints' } }],
  ])('with %s, deletes the endpoint it created (found by URL) and fails', async (_what, body) => {
    const api = keygenApi()
      .get(at(''))
      .reply(200, account, JSON_API)
      .post(at('/webhook-endpoints'))
      .reply(201, body, JSON_API)
      .get(at('/webhook-endpoints'))
      .query(true)
      .reply(
        200,
        { data: [endpoint('other-zap', `${TARGET}other`), endpoint('created-1', TARGET)] },
        JSON_API,
      )
      .delete(at('/webhook-endpoints/created-1'))
      .reply(204);
    const error = await caught(subscribe());
    expect(error.json.code).toBe('NO_ENDPOINT_ID');
    expect(error.json.message).toContain('answered without a usable id');
    expect(error.json.message).toContain('The webhook endpoint Keygen created was deleted again.');
    expect(api.isDone()).toBe(true);
    expect(unmatched).toEqual([]);
  });

  it('says to delete the endpoint in the dashboard when the cleanup fails too', async () => {
    keygenApi()
      .get(at(''))
      .reply(200, account, JSON_API)
      .post(at('/webhook-endpoints'))
      .reply(201, { data: { type: 'webhook-endpoints' } }, JSON_API)
      .get(at('/webhook-endpoints'))
      .query(true)
      .reply(503, '<html><title>Service Unavailable</title></html>', {
        'Content-Type': 'text/html',
      });
    const error = await caught(subscribe());
    expect(error.json.code).toBe('NO_ENDPOINT_ID');
    expect(error.json.message).toContain(
      `Keygen may have created a webhook endpoint for ${TARGET} that could not be deleted: delete it in the Keygen dashboard`,
    );
  });
});

describe('subscribe when creating the endpoint fails', () => {
  afterEach(() => {
    requestLimits.timeoutMs = DEFAULT_TIMEOUT_MS;
  });

  it.each([
    [
      'a 502 page',
      (post: nock.Interceptor) =>
        post.reply(502, '<title>Bad Gateway</title>', { 'Content-Type': 'text/html' }),
      'KEYGEN_UNAVAILABLE',
    ],
    [
      'a 201 whose body is not JSON',
      (post: nock.Interceptor) => post.reply(201, 'created', { 'Content-Type': 'text/plain' }),
      'NOT_KEYGEN_API',
    ],
    [
      'a timeout',
      (post: nock.Interceptor) => post.delayConnection(500).reply(201, {}),
      'KEYGEN_TIMEOUT',
    ],
  ] as const)(
    'after %s, deletes an endpoint Keygen may have made (also product-scoped), then reports the error and the cleanup',
    async (_what, answer, code) => {
      // The short time-out is armed for the create request alone: on a loaded machine it would
      // also cut the account read or the cleanup short, and the test would fail for that.
      const api = keygenApi()
        .get(at(''))
        .reply(200, () => ((requestLimits.timeoutMs = 100), account), JSON_API);
      answer(
        api.post(at('/webhook-endpoints'), (body: { data: { relationships?: unknown } }) => {
          requestLimits.timeoutMs = DEFAULT_TIMEOUT_MS;
          return (
            JSON.stringify(body.data.relationships) ===
            JSON.stringify({ product: { data: { type: 'products', id: 'prod-1' } } })
          );
        }),
      );
      api
        .get(at('/webhook-endpoints'))
        .query(true)
        .reply(200, { data: [endpoint('created-2', TARGET)] }, JSON_API)
        .delete(at('/webhook-endpoints/created-2'))
        .reply(204);
      const error = await caught(subscribe(TARGET, { product: 'prod-1' }));
      expect(error.json.code).toBe(code);
      expect(error.json.message).toMatch(
        /The webhook endpoint Keygen created was deleted again\.$/,
      );
      expect(api.isDone()).toBe(true);
    },
  );

  it('a 4xx from Keygen created nothing: no cleanup requests', async () => {
    keygenApi()
      .get(at(''))
      .reply(200, account, JSON_API)
      .post(at('/webhook-endpoints'))
      .reply(422, { errors: [{ title: 'Unprocessable', code: 'URL_INVALID' }] }, JSON_API);
    const error = await caught(subscribe());
    expect(error.json.code).toBe('URL_INVALID');
    expect(unmatched).toEqual([]);
  });

  it('a redirect the client refused never reached the create: no cleanup requests', async () => {
    keygenApi()
      .get(at(''))
      .reply(200, account, JSON_API)
      .post(at('/webhook-endpoints'))
      .reply(307, '', { Location: 'https://elsewhere.example/v1/accounts/acme/webhook-endpoints' });
    const error = await caught(subscribe());
    expect(error.json.code).toBe('REDIRECT_NOT_FOLLOWED');
    expect(error.json.message).not.toContain('may have created');
    expect(unmatched).toEqual([]);
  });
});

describe('subscribe refuses what could never verify', () => {
  it.each([
    [
      'an ed25519 key that is not a key',
      { ...keys.meta, ed25519: 'not-a-key!!' },
      /"ed25519" key is not (canonical )?base64/,
    ],
    [
      'an ed25519 key of the wrong length',
      { ...keys.meta, ed25519: Buffer.from('abcd').toString('base64') },
      /"ed25519" key/,
    ],
    [
      'an rsa2048 key that does not import',
      {
        ...keys.meta,
        rsa2048: Buffer.from('-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----').toString(
          'base64',
        ),
      },
      /"rsa2048" key cannot be imported/,
    ],
    [
      'an ecdsa key that is an RSA key',
      { ...keys.meta, ecdsa: keys.meta.rsa2048 },
      /"ecdsa" key is a rsa key/,
    ],
  ])('with %s, before creating any endpoint', async (_what, accountKeys, message) => {
    keygenApi()
      .get(at(''))
      .reply(
        200,
        { data: { id: 'acct', type: 'accounts', meta: { keys: accountKeys } } },
        JSON_API,
      );
    const error = await caught(subscribe());
    expect(error.json.code).toBe('NO_VERIFY_KEYS');
    expect(error.json.message).toMatch(message);
    expect(error.json.message).toContain('deliveries could never be verified');
    expect(unmatched).toEqual([]);
  });

  it.each([
    'ftp://hooks.zapier.com/hooks/1/',
    'hooks.zapier.com/hooks/1/',
    'https:///hooks/1/',
    'https://hooks.zapier.com/hooks/1/\n',
    'https://hooks zapier.com/hooks/1/',
  ])(
    'with a target URL whose signed host and path cannot be rebuilt (%j), before any request',
    async (targetUrl) => {
      const error = await caught(subscribe(targetUrl));
      expect(error.json.code).toBe('UNVERIFIABLE_TARGET_URL');
      expect(error.json.message).toContain("Keygen's signature over it could never be checked");
      expect(unmatched).toEqual([]);
    },
  );
});

describe('unsubscribe', () => {
  const stored = (id: unknown): Omit<Subscription, 'id'> & { id: unknown } => ({
    id,
    url: TARGET,
    events: ['license.created'],
    keys: keys.meta,
  });

  it.each([
    ['an object id', { uuid: 'x' }],
    ['no id', undefined],
    ['the id ".."', '..'],
  ])('with %s stored, finds the endpoint by URL and deletes it', async (_what, id) => {
    const api = keygenApi()
      .get(at('/webhook-endpoints'))
      .query(true)
      .reply(200, { data: [endpoint('other', `${TARGET}x`), endpoint('mine', TARGET)] }, JSON_API)
      .delete(at('/webhook-endpoints/mine'))
      .reply(204);
    expect(await unsubscribe(stored(id))).toEqual({ id: 'mine' });
    expect(api.isDone()).toBe(true);
    expect(unmatched).toEqual([]);
  });

  it('with nothing stored, makes no request', async () => {
    expect(await unsubscribe(undefined)).toEqual({ id: '' });
    expect(unmatched).toEqual([]);
  });
});
