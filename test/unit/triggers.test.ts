import type { Bundle, ZObject } from 'zapier-platform-core';
import { readDelivery } from '../../keygen/delivery';
import { EVENTS, findEvent } from '../../keygen/events';
import { flattenEvent, resourceOutputFields } from '../../keygen/normalize';
import { sampleEvent } from '../../keygen/samples';
import type { Subscription } from '../../triggers/subscription';
import { App, appTester, at, authData, keygenApi, JSON_API } from '../helpers/app';
import { deliveryFixtures, fixture } from '../helpers/fixtures';
import { makeAccountKeys, signDelivery } from '../helpers/keygen-signer';

type Perform = (z: ZObject, bundle: Bundle) => Promise<unknown>;
type HookOperation = {
  perform: Perform;
  performList: Perform;
  performSubscribe: Perform;
  performUnsubscribe: Perform;
  sample: Record<string, unknown>;
};
const triggers = App.triggers as unknown as Record<string, { operation: HookOperation }>;
const op = (key: string) => triggers[key].operation;

const keys = makeAccountKeys();
const stranger = makeAccountKeys();
const TARGET = 'https://hooks.zapier.com/hooks/standard/1234567/0f1e2d3c4b5a69788796a5b4c3d2e1f0/';
const ACCOUNT_UUID = '1fddcec8-8dd3-4d8d-9b16-215cac0f9b52';

function subscription(events: string[], url = TARGET): Subscription {
  return { id: 'endpoint-1', url, events, keys: keys.meta };
}

/** A delivery as Zapier hands it to perform: signed now, for the URL Keygen was given. */
function delivery(
  body: string,
  opts: { url?: string; signer?: typeof keys; date?: Date; headers?: Record<string, string> } = {},
) {
  const headers = {
    ...signDelivery({
      body,
      url: opts.url ?? TARGET,
      keys: opts.signer ?? keys,
      date: opts.date,
      accountId: ACCOUNT_UUID,
    }),
    ...opts.headers,
  };
  return { method: 'POST' as const, querystring: '', headers, content: body };
}

function bodyFor(event: string, from = 'license-created'): string {
  const json = JSON.parse(fixture(from).body);
  json.data.attributes.event = event;
  return JSON.stringify(json);
}

async function receive(key: string, subscribeData: Subscription, rawRequest: object) {
  return appTester(
    op(key).perform,
    {
      authData,
      subscribeData,
      rawRequest,
      cleanedRequest: {},
      // Each test starts with no processed deliveries remembered.
    } as never,
    true,
  );
}

function sampleFor(type: string) {
  const event = findEvent(type)!;
  return sampleEvent(type, event);
}

async function halted(promise: Promise<unknown>): Promise<string> {
  const error = await promise.then(
    () => undefined,
    (e: Error) => e,
  );
  expect(error?.name).toBe('HaltedError');
  return error!.message;
}

describe('the trigger table', () => {
  it('gives every own-trigger event of the catalog a hook trigger under the contract key', () => {
    const own = EVENTS.filter((e) => e.ownTrigger);
    expect(own.length).toBeGreaterThanOrEqual(33);
    for (const event of own) {
      const trigger = App.triggers[event.key as keyof typeof App.triggers] as {
        key: string;
        display: { label: string; description: string };
        operation: { type: string };
      };
      expect(trigger.key).toBe(event.type.replace(/[.-]/g, '_'));
      expect(trigger.display).toEqual({ label: event.label, description: event.description });
      expect(trigger.operation.type).toBe('hook');
    }
    for (const key of ['license_created', 'license_expiring_soon', 'license_suspended']) {
      expect(triggers[key]).toBeDefined();
    }
  });

  it('reaches every event type through new_event', () => {
    const field = (
      App.triggers.new_event.operation.inputFields as {
        key: string;
        choices: { value: string; label: string }[];
      }[]
    )[0];
    expect(field.key).toBe('events');
    expect(field.choices.map((c) => c.value).sort()).toEqual(EVENTS.map((e) => e.type).sort());
    expect(field.choices.find((c) => c.value === 'license.expiring-soon')?.label).toBe(
      'License Expiring Soon',
    );
  });
});

describe('performSubscribe', () => {
  const account = { data: { id: ACCOUNT_UUID, type: 'accounts', meta: { keys: keys.meta } } };

  it('reads the verify keys, then creates an ed25519 endpoint pinned to API 1.8 for the event', async () => {
    const api = keygenApi()
      .get(at(''))
      .reply(200, account, JSON_API)
      .post(at('/webhook-endpoints'), {
        data: {
          type: 'webhook-endpoints',
          attributes: {
            url: TARGET,
            subscriptions: ['license.expiring-soon'],
            signatureAlgorithm: 'ed25519',
            apiVersion: '1.8',
          },
        },
      })
      .matchHeader('content-type', 'application/vnd.api+json')
      .reply(201, { data: { id: 'endpoint-9', type: 'webhook-endpoints' } }, JSON_API);
    const result = await appTester(op('license_expiring_soon').performSubscribe, {
      authData,
      targetUrl: TARGET,
    });
    expect(result).toEqual({
      id: 'endpoint-9',
      url: TARGET,
      events: ['license.expiring-soon'],
      keys: keys.meta,
    });
    expect(api.isDone()).toBe(true);
  });

  it.each([
    [undefined, ['*']],
    [[], ['*']],
    [
      ['license.created', 'machine.deleted', 'license.created'],
      ['license.created', 'machine.deleted'],
    ],
  ])('new_event with events %j subscribes to %j', async (events, subscriptions) => {
    keygenApi()
      .get(at(''))
      .reply(200, account, JSON_API)
      .post(at('/webhook-endpoints'), (body) => {
        expect(body.data.attributes.subscriptions).toEqual(subscriptions);
        return true;
      })
      .reply(201, { data: { id: 'endpoint-1', type: 'webhook-endpoints' } }, JSON_API);
    const result = (await appTester(op('new_event').performSubscribe, {
      authData,
      targetUrl: TARGET,
      inputData: events === undefined ? {} : { events },
    })) as Subscription;
    expect(result.events).toEqual(subscriptions);
  });

  it.each([
    ['no keys at all', { data: { id: ACCOUNT_UUID, type: 'accounts', meta: {} } }],
    ['no ed25519 key', { data: { meta: { keys: { ...keys.meta, ed25519: null } } } }],
  ])('refuses to subscribe when the account answer has %s', async (_what, body) => {
    keygenApi().get(at('')).reply(200, body, JSON_API);
    const error = await appTester(op('license_created').performSubscribe, {
      authData,
      targetUrl: TARGET,
    }).catch((e: Error) => e);
    expect(error).toBeInstanceOf(Error);
    expect(JSON.parse((error as Error).message)).toMatchObject({ code: 'NO_VERIFY_KEYS' });
  });

  it('subscribes with an account answer that carries only data.meta.keys', async () => {
    keygenApi()
      .get(at(''))
      .reply(200, { data: { meta: { keys: keys.meta } } }, JSON_API)
      .post(at('/webhook-endpoints'))
      .reply(201, { data: { id: 'endpoint-2', type: 'webhook-endpoints' } }, JSON_API);
    const result = (await appTester(op('license_created').performSubscribe, {
      authData,
      targetUrl: TARGET,
    })) as Subscription;
    expect(result.keys).toEqual(keys.meta);
  });

  it('what subscribe returns is all perform needs: a signed delivery then verifies', async () => {
    keygenApi()
      .get(at(''))
      .reply(200, account, JSON_API)
      .post(at('/webhook-endpoints'))
      .reply(201, { data: { id: 'endpoint-3', type: 'webhook-endpoints' } }, JSON_API);
    const subscribeData = (await appTester(op('license_created').performSubscribe, {
      authData,
      targetUrl: TARGET,
    })) as Subscription;
    const f = fixture('license-created');
    const [result] = (await receive(
      'license_created',
      JSON.parse(JSON.stringify(subscribeData)),
      delivery(f.body),
    )) as Record<string, unknown>[];
    expect(result.license_key).toBe('4A5E1C-9F02B7-D3E6A1-0C7B5F-8E21D4-V3');
    const other = delivery(f.body, { url: 'https://hooks.zapier.com/hooks/standard/1/other/' });
    expect(await halted(receive('license_created', subscribeData, other))).toMatch(
      /signature does not match/,
    );
  });

  it('creates no endpoint when the token may not read the account keys', async () => {
    keygenApi()
      .get(at(''))
      .reply(
        403,
        {
          errors: [
            {
              title: 'Access denied',
              detail: 'You do not have permission',
              code: 'TOKEN_NOT_ALLOWED',
            },
          ],
        },
        JSON_API,
      );
    await expect(
      appTester(op('license_created').performSubscribe, { authData, targetUrl: TARGET }),
    ).rejects.toThrow(/not allowed to read the account.*TOKEN_NOT_ALLOWED/);
  });

  it("passes Keygen's validation error through when the URL is refused", async () => {
    keygenApi()
      .get(at(''))
      .reply(200, account, JSON_API)
      .post(at('/webhook-endpoints'))
      .reply(
        422,
        {
          errors: [
            {
              title: 'Unprocessable resource',
              detail: 'must be a valid URL using one of the following protocols: https',
              code: 'URL_PROTOCOL_INVALID',
              source: { pointer: '/data/attributes/url' },
            },
          ],
        },
        JSON_API,
      );
    await expect(
      appTester(op('license_created').performSubscribe, { authData, targetUrl: TARGET }),
    ).rejects.toThrow(/URL_PROTOCOL_INVALID.*\/data\/attributes\/url/);
  });
});

describe('performUnsubscribe', () => {
  it.each([204, 404, 410])(
    'deletes the endpoint; Keygen answering %i is success',
    async (status) => {
      const api = keygenApi()
        .delete(at('/webhook-endpoints/endpoint-1'))
        .reply(
          status,
          status === 204 ? '' : { errors: [{ title: 'Not found', code: 'NOT_FOUND' }] },
        );
      await expect(
        appTester(op('license_created').performUnsubscribe, {
          authData,
          subscribeData: subscription(['license.created']),
        }),
      ).resolves.toEqual({ id: 'endpoint-1' });
      expect(api.isDone()).toBe(true);
    },
  );

  it('reports a server error', async () => {
    keygenApi().delete(at('/webhook-endpoints/endpoint-1')).reply(500, 'oops');
    await expect(
      appTester(op('license_created').performUnsubscribe, {
        authData,
        subscribeData: subscription(['license.created']),
      }),
    ).rejects.toThrow(/failed while trying to delete webhook endpoint endpoint-1: HTTP 500/);
  });
});

describe('perform (a live delivery)', () => {
  it.each(deliveryFixtures.map((f) => [f.json.data.attributes.event, f] as const))(
    '%s: a delivery signed as Keygen signs it becomes one flat object with the payload values',
    async (type, f) => {
      const event = findEvent(type)!;
      const key = event.ownTrigger ? event.key : 'new_event';
      const result = (await receive(
        key,
        subscription([type], f.endpointUrl),
        delivery(f.body, { url: f.endpointUrl }),
      )) as Record<string, unknown>[];
      expect(result).toHaveLength(1);
      const { event: parsed, payload } = readDelivery(f.body);
      const expected = flattenEvent(parsed, payload, event);
      // days_until_expiry depends on the clock; everything else is exact.
      delete (expected as Record<string, unknown>).license_days_until_expiry;
      expect(result[0]).toMatchObject(expected);
      expect(result[0].id).toBe(f.json.data.id);
      expect(result[0].event).toBe(type);
      expect(result[0].idempotency_token).toBe(f.json.data.meta.idempotencyToken);
      // Live results and the trigger's sample have the same keys (metadata keys vary by license).
      const fixedKeys = Object.keys(result[0]).filter((k) => !/_metadata__/.test(k));
      expect(fixedKeys.sort()).toEqual(Object.keys(sampleFor(type)).sort());
    },
  );

  it('gives a license delivery the same keys as the trigger sample and outputFields', async () => {
    const f = fixture('license-created');
    const [result] = (await receive(
      'license_created',
      subscription(['license.created']),
      delivery(f.body),
    )) as Record<string, unknown>[];
    const withoutMetadata = Object.keys(result).filter((k) => !k.startsWith('license_metadata__'));
    expect(withoutMetadata.sort()).toEqual(Object.keys(op('license_created').sample).sort());
    expect(result.license_key).toBe('4A5E1C-9F02B7-D3E6A1-0C7B5F-8E21D4-V3');
    expect(result.license_metadata__stripeCustomerId).toBe('cus_Q1w2E3r4T5y6U7');
    for (const field of resourceOutputFields('licenses')) expect(result).toHaveProperty(field.key);
  });

  it.each(['rsa-pss-sha256', 'rsa-sha256', 'ecdsa-p256'] as const)(
    'verifies an endpoint switched to %s in the dashboard',
    async (algorithm) => {
      const f = fixture('license-created');
      const headers = signDelivery({ body: f.body, url: TARGET, keys, algorithm });
      const result = await receive('license_created', subscription(['license.created']), {
        method: 'POST',
        headers,
        content: f.body,
      });
      expect(result).toHaveLength(1);
    },
  );

  describe('halts every delivery that is not verifiably from Keygen, saying which check failed', () => {
    const f = fixture('license-created');
    const sub = subscription(['license.created']);

    it('no signature', async () => {
      const raw = delivery(f.body);
      delete (raw.headers as Record<string, string>)['Http-Keygen-Signature'];
      expect(await halted(receive('license_created', sub, raw))).toMatch(
        /no Keygen-Signature header/,
      );
    });

    it('a body altered after signing (digest)', async () => {
      const raw = delivery(f.body);
      raw.content = f.body.replace('Pro License', 'Free License');
      expect(await halted(receive('license_created', sub, raw))).toMatch(
        /Digest header does not match/,
      );
    });

    it('a digest and body both replaced (bad signature)', async () => {
      const forged = f.body.replace('Pro License', 'Free License');
      const raw = delivery(f.body);
      const honest = delivery(forged);
      raw.content = forged;
      raw.headers['Http-Digest'] = honest.headers['Http-Digest'];
      raw.headers['Http-Keygen-Digest'] = honest.headers['Http-Keygen-Digest'];
      expect(await halted(receive('license_created', sub, raw))).toMatch(
        /signature does not match/,
      );
    });

    it("another account's key", async () => {
      const raw = delivery(f.body, { signer: stranger });
      expect(await halted(receive('license_created', sub, raw))).toMatch(
        /signature does not match/,
      );
    });

    it('signed for another endpoint URL (replayed from another Zap)', async () => {
      const raw = delivery(f.body, { url: 'https://hooks.zapier.com/hooks/standard/1/other/' });
      expect(await halted(receive('license_created', sub, raw))).toMatch(
        /signature does not match .* endpoint URL/,
      );
    });

    it('a Date 16 minutes old (stale)', async () => {
      const raw = delivery(f.body, { date: new Date(Date.now() - 16 * 60_000) });
      expect(await halted(receive('license_created', sub, raw))).toMatch(
        /is 16m( \d+s)? old; deliveries are accepted for 15m/,
      );
    });

    it('a Date 6 minutes ahead', async () => {
      const raw = delivery(f.body, { date: new Date(Date.now() + 6 * 60_000) });
      expect(await halted(receive('license_created', sub, raw))).toMatch(/in the future/);
    });

    it('a Zap without subscription data', async () => {
      const message = await halted(
        appTester(op('license_created').perform, {
          authData,
          rawRequest: delivery(f.body),
          cleanedRequest: {},
        } as never),
      );
      expect(message).toMatch(/Turn the Zap off and on/);
      expect(message).not.toMatch(/outside a Zap/);
    });

    it('run outside a Zap (as `zapier invoke` runs it): says so, and how to see a delivery locally', async () => {
      // The bundle the CLI's local invoke builds: no subscription, no request received.
      const message = await halted(
        appTester(op('license_created').perform, {
          authData,
          inputData: {},
          inputDataRaw: {},
          meta: { isLoadingSample: false, isFillingDynamicDropdown: false },
        } as never),
      );
      expect(message).toMatch(/^Run outside a Zap \(as `npm run zapier -- invoke` runs it\)/);
      expect(message).toContain('no Keygen subscription and no delivery to verify');
      expect(message).toContain('`npm start -- --keep-running`');
      expect(message).toContain('`npm run inspect -- FILE`');
      expect(message).not.toMatch(/Turn the Zap off/);
    });

    it('a signed body that is not a webhook event', async () => {
      const body = JSON.stringify({ data: { id: 'x', type: 'webhook-events', attributes: {} } });
      expect(await halted(receive('license_created', sub, delivery(body)))).toMatch(
        /not a Keygen webhook event/,
      );
    });
  });

  it('still delivers when z.cache fails (duplicate suppression is best effort)', async () => {
    const f = fixture('license-created');
    const perform = op('license_created').perform;
    const brokenCache = (z: ZObject, bundle: Bundle) => {
      const failing = {
        ...z,
        cache: {
          get: () => Promise.reject(new Error('cache RPC down')),
          set: () => Promise.reject(new Error('cache RPC down')),
          delete: () => Promise.resolve(false),
        },
        console: { ...z.console, warn: () => undefined },
      } as unknown as ZObject;
      return perform(failing, bundle);
    };
    const result = await appTester(brokenCache, {
      authData,
      subscribeData: subscription(['license.created']),
      rawRequest: delivery(f.body),
      cleanedRequest: {},
    } as never);
    expect(result).toHaveLength(1);
  });

  it('returns [] for an event the trigger did not subscribe to, and for an endpoint ping', async () => {
    const sub = subscription(['license.created']);
    expect(await receive('license_created', sub, delivery(bodyFor('license.updated')))).toEqual([]);
    const any = subscription(['*']);
    expect(await receive('new_event', any, delivery(bodyFor('webhook-endpoint.ping')))).toEqual([]);
  });

  it("falls back to the trigger's own event types when the subscription does not list them", async () => {
    const { id, url, keys: stored } = subscription(['license.created']);
    const sub = { id, url, keys: stored } as Subscription;
    expect(
      await receive('license_created', sub, delivery(bodyFor('license.created'))),
    ).toHaveLength(1);
    expect(await receive('license_created', sub, delivery(bodyFor('license.deleted')))).toEqual([]);
  });

  it('flattens an event type the catalog does not know yet when subscribed to every event', async () => {
    const [result] = (await receive(
      'new_event',
      subscription(['*']),
      delivery(bodyFor('license.teleported')),
    )) as Record<string, unknown>[];
    expect(result.event).toBe('license.teleported');
    expect(result.license_key).toBe('4A5E1C-9F02B7-D3E6A1-0C7B5F-8E21D4-V3');
  });
});

describe('performList', () => {
  const listed = (f: string) => JSON.parse(fixture(f).body).data;

  it('returns recent real events of the trigger type, normalized like live deliveries', async () => {
    const item = listed('license-suspended');
    keygenApi()
      .get(at('/webhook-events'))
      .query({ 'events[]': 'license.suspended' })
      .reply(200, { data: [item], links: { next: null } }, JSON_API);
    const result = (await appTester(op('license_suspended').performList, { authData })) as Record<
      string,
      unknown
    >[];
    const { event, payload } = readDelivery(fixture('license-suspended').body);
    const expected = flattenEvent(event, payload, findEvent('license.suspended'));
    delete (expected as Record<string, unknown>).license_days_until_expiry;
    expect(result).toHaveLength(1);
    expect(result[0]).toMatchObject(expected);
  });

  it('lists every event for new_event without a filter', async () => {
    keygenApi()
      .get(at('/webhook-events'))
      .reply(
        200,
        { data: [listed('machine-heartbeat-dead'), listed('user-password-reset')] },
        JSON_API,
      );
    const result = (await appTester(op('new_event').performList, {
      authData,
      inputData: {},
    })) as Record<string, unknown>[];
    expect(result.map((r) => r.event)).toEqual(['machine.heartbeat.dead', 'user.password-reset']);
    expect(result[1].password_reset_token).toEqual(expect.any(String));
  });

  it('returns the static sample only when there are no events', async () => {
    keygenApi()
      .get(at('/webhook-events'))
      .query(true)
      .reply(200, { data: [], links: { next: null } }, JSON_API);
    const result = await appTester(op('user_password_reset').performList, { authData });
    expect(result).toEqual([op('user_password_reset').sample]);
  });

  it("new_event with no events falls back to the first chosen event's sample", async () => {
    keygenApi().get(at('/webhook-events')).query(true).reply(200, { data: [] }, JSON_API);
    const [result] = (await appTester(op('new_event').performList, {
      authData,
      inputData: { events: ['machine.heartbeat.dead'] },
    })) as Record<string, unknown>[];
    expect(result.event).toBe('machine.heartbeat.dead');
    expect(result.machine_fingerprint).toEqual(expect.any(String));
    expect(result).not.toHaveProperty('license_key');
  });

  it('skips an unreadable event and an answer whose data is not a list', async () => {
    const good = listed('license-suspended');
    const broken = { ...good, id: 'broken', attributes: { ...good.attributes, payload: '{oops' } };
    keygenApi()
      .get(at('/webhook-events'))
      .query(true)
      .reply(200, { data: [broken, good] }, JSON_API);
    const result = (await appTester(op('license_suspended').performList, {
      authData,
    })) as Record<string, unknown>[];
    expect(result.map((r) => r.id)).toEqual([good.id]);

    keygenApi()
      .get(at('/webhook-events'))
      .query(true)
      .reply(200, { data: { not: 'a list' } }, JSON_API);
    await expect(appTester(op('license_suspended').performList, { authData })).resolves.toEqual([
      op('license_suspended').sample,
    ]);
  });
});

describe('license_expiring_within (polling)', () => {
  const license = (id: string, expiry: string | null) => ({
    id,
    type: 'licenses',
    attributes: { name: `License ${id}`, key: `KEY-${id}`, expiry, status: 'ACTIVE' },
    relationships: {},
  });
  const perform = (App.triggers.license_expiring_within.operation as { perform: Perform }).perform;

  it('asks Keygen for licenses expiring within the window and keys each by license and expiry', async () => {
    keygenApi()
      .get(at('/licenses'))
      .query({
        'expires[within]': 'P45D',
        policy: 'pol-1',
        'page[size]': '100',
        'page[number]': '1',
      })
      .reply(
        200,
        {
          data: [
            license('a', '2027-01-01T00:00:00.000Z'),
            license('b', '2027-01-05T00:00:00.000Z'),
          ],
          links: { next: null },
        },
        JSON_API,
      );
    const result = (await appTester(perform, {
      authData,
      inputData: { days: 45, policy: 'pol-1' },
    })) as Record<string, unknown>[];
    expect(result.map((r) => r.id)).toEqual([
      'a:2027-01-01T00:00:00.000Z',
      'b:2027-01-05T00:00:00.000Z',
    ]);
    expect(result[0].license_key).toBe('KEY-a');
    expect(result[0].license_expiry).toBe('2027-01-01T00:00:00.000Z');
  });

  it('defaults to 30 days', async () => {
    keygenApi()
      .get(at('/licenses'))
      .query((q) => q['expires[within]'] === 'P30D')
      .reply(200, { data: [] }, JSON_API);
    await expect(appTester(perform, { authData, inputData: {} })).resolves.toEqual([]);
  });

  it.each([0, 366, 2.5, 'soon'])(
    'rejects %j days with a message naming the range',
    async (days) => {
      await expect(appTester(perform, { authData, inputData: { days } })).rejects.toThrow(
        /1 to 365/,
      );
    },
  );
});
