// Black-box contract tests (built app, nock for Keygen): subscribe.
import nock from 'nock';
import {
  App,
  newTester,
  CLOUD,
  TOKEN,
  AUTH,
  JSON_API,
  ap,
  ENDPOINT_ID,
  type Field,
  type Operation,
} from '../helpers/built-app';
import { notFound, subscribe, isPlainObject, useNock } from '../helpers/contract-kit';
import { makeAccountKeys } from '../helpers/keygen-signer';

useNock();

describe('triggers: keys and subscribe/unsubscribe (contract)', () => {
  it('has a trigger per event with . and - replaced by _, plus new_event', () => {
    for (const key of [
      'license_created',
      'license_expiring_soon',
      'license_suspended',
      'license_validation_succeeded',
      'license_entitlements_attached',
      'machine_heartbeat_dead',
      'user_password_reset',
      'new_event',
    ]) {
      expect(App.triggers[key]).toBeDefined();
      expect(App.triggers[key].key).toBe(key);
      const op = App.triggers[key].operation as Operation & { type?: string };
      expect(op.type).toBe('hook');
      expect(typeof op.perform).toBe('function');
      expect(typeof op.performList).toBe('function');
      expect(typeof op.performSubscribe).toBe('function');
      expect(typeof op.performUnsubscribe).toBe('function');
    }
    const events = (App.triggers.new_event.operation.inputFields as Field[]).find(
      (f) => f.key === 'events',
    );
    expect(events).toBeDefined();
    expect(events!.list).toBe(true);
  });

  it('subscribes with url, [type], ed25519 and apiVersion 1.8, reading the account keys', async () => {
    const url = 'https://hooks.zapier.com/hooks/standard/1234567/abc/';
    const { subscribeData, requestBody } = await subscribe(
      newTester(),
      'license_expiring_soon',
      url,
      makeAccountKeys(),
    );
    expect(requestBody.data.type).toMatch(/^webhook[-_]?endpoints?$/i);
    expect(requestBody.data.attributes).toMatchObject({
      url,
      subscriptions: ['license.expiring-soon'],
      signatureAlgorithm: 'ed25519',
      apiVersion: '1.8',
    });
    expect(isPlainObject(subscribeData)).toBe(true);
    expect(JSON.stringify(subscribeData)).toContain(ENDPOINT_ID);
  });

  it.each([
    ['omitted', {}],
    ['empty', { events: [] }],
  ])('new_event with events %s subscribes to ["*"]', async (_label, inputData) => {
    const { requestBody } = await subscribe(
      newTester(),
      'new_event',
      'https://hooks.zapier.com/hooks/standard/1/all/',
      makeAccountKeys(),
      inputData,
    );
    expect(requestBody.data.attributes.subscriptions).toEqual(['*']);
  });

  it('new_event with events subscribes to exactly those', async () => {
    const { requestBody } = await subscribe(
      newTester(),
      'new_event',
      'https://hooks.zapier.com/hooks/standard/1/some/',
      makeAccountKeys(),
      { events: ['license.created', 'machine.heartbeat.dead'] },
    );
    expect(requestBody.data.attributes).toMatchObject({
      subscriptions: ['license.created', 'machine.heartbeat.dead'],
      signatureAlgorithm: 'ed25519',
      apiVersion: '1.8',
    });
  });

  it.each([
    [204, ''],
    [404, JSON.stringify(notFound('webhook endpoint', ENDPOINT_ID))],
  ])('unsubscribe DELETEs the endpoint; %s is success', async (status, body) => {
    const tester = newTester();
    const targetUrl = 'https://hooks.zapier.com/hooks/standard/1/gone/';
    const { subscribeData } = await subscribe(
      tester,
      'license_created',
      targetUrl,
      makeAccountKeys(),
    );
    const scope = nock(CLOUD, { reqheaders: { authorization: `Bearer ${TOKEN}` } })
      .delete(ap(`/webhook-endpoints/${ENDPOINT_ID}`))
      .reply(status, body, status === 204 ? {} : JSON_API);
    // Resolves (no error) for both 204 and an already-deleted endpoint's 404.
    await tester(App.triggers.license_created.operation.performUnsubscribe, {
      authData: AUTH,
      inputData: {},
      targetUrl,
      subscribeData,
      meta: {},
    });
    expect(scope.isDone()).toBe(true);
  });
});
