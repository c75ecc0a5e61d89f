// Black-box contract tests (built app, nock for Keygen): perform.
import nock from 'nock';
import { App, newTester, ACCOUNT_UUID, USER_ID, type Dict } from '../helpers/built-app';
import {
  Resource,
  deliveries,
  delivery,
  subscribe,
  deliveryBundle,
  deliver,
  expectHalted,
  snake,
  isPlainObject,
  single,
  expectDeliveryFields,
  useNock,
} from '../helpers/contract-kit';
import { makeAccountKeys, signDelivery } from '../helpers/keygen-signer';

useNock();

describe('perform: verified deliveries flatten to one object (contract)', () => {
  it.each(deliveries.map((d) => [d.file, d] as const))(
    '%s on its own trigger',
    async (_file, d) => {
      const result = single(await deliver(d));
      expectDeliveryFields(result, d);
    },
  );

  it.each(deliveries.map((d) => [d.file, d] as const))(
    '%s on new_event (every event)',
    async (_file, d) => {
      const result = single(await deliver(d, { triggerKey: 'new_event', inputData: {} }));
      expectDeliveryFields(result, d);
    },
  );

  it.each(
    deliveries.filter((d) => !Array.isArray(d.payload.data)).map((d) => [d.file, d] as const),
  )('%s: every scalar attribute is <noun>_<snake_attr>, typed as sent', async (_file, d) => {
    const result = single(await deliver(d));
    const data = d.payload.data as Resource;
    const noun = snake(data.type.replace(/s$/, '')).replace(/-/g, '_');
    const mismatches: string[] = [];
    for (const [attr, value] of Object.entries(data.attributes)) {
      if (attr === 'metadata' || Array.isArray(value) || isPlainObject(value)) continue;
      const key = `${noun}_${snake(attr)}`;
      if (!(key in result)) mismatches.push(`${key} missing`);
      else if (result[key] !== value)
        mismatches.push(`${key}: ${JSON.stringify(result[key])} != ${JSON.stringify(value)}`);
    }
    for (const [k, v] of Object.entries((data.attributes.metadata as Dict) ?? {})) {
      if (result[`${noun}_metadata__${k}`] !== v) mismatches.push(`${noun}_metadata__${k}`);
    }
    expect(mismatches).toEqual([]);
    if (data.type === 'licenses') {
      expect(result).toHaveProperty('license_days_until_expiry');
      expect(typeof result.license_days_until_expiry).toBe('number');
    }
  });

  it('dates stay ISO strings, numbers numbers, booleans booleans, absent values null', async () => {
    const created = single(await deliver(delivery('license-created')));
    expect(created.license_expiry).toBe('2027-06-30T19:50:11.456Z');
    expect(created.event_created).toBe('2026-06-30T19:50:11.789Z');
    expect(created.license_max_machines).toBe(3);
    expect(created.license_metadata__seats).toBe(3);
    expect(created.license_floating).toBe(true);
    expect(created.license_suspended).toBe(false);
    expect(created.license_max_processes).toBeNull();
    expect(created.license_last_validated).toBeNull();
    expect(created.license_group_id).toBeNull();
    const machine = single(await deliver(delivery('machine-heartbeat-dead')));
    expect(machine.machine_memory).toBe(17179869184);
    expect(machine.machine_disk).toBeNull();
    expect(machine.machine_require_heartbeat).toBe(true);
  });

  it('reads the v1.4 `user` relationship as license_owner_id', async () => {
    const d = delivery('license-expiring-soon.v1.4');
    const result = single(await deliver(d));
    expect(result.license_owner_id).toBe(USER_ID);
    expect(result.api_version).toBe('1.4');
  });

  it('makes no Keygen request while handling a delivery (keys come from subscribeData)', async () => {
    const d = delivery('license-created');
    const tester = newTester();
    const keys = makeAccountKeys();
    const { subscribeData } = await subscribe(tester, d.triggerKey, d.endpoint, keys);
    nock.cleanAll(); // any request from now on fails (net connect disabled)
    const headers = signDelivery({ body: d.body, url: d.endpoint, keys });
    const result = await tester(App.triggers[d.triggerKey].operation.perform, {
      ...deliveryBundle(subscribeData, headers, d.body),
      // Zapier gives perform no targetUrl; one that is there must not be used for verification.
      targetUrl: 'https://hooks.zapier.com/hooks/standard/9999999/not-the-subscribed-url/',
    });
    expectDeliveryFields(single(result), d);
  });

  it('verifies with the account keys when accountId is a slug and keyid the account UUID', async () => {
    const d = delivery('user-password-reset');
    const result = await deliver(d, {
      sign: (keys) =>
        signDelivery({ body: d.body, url: d.endpoint, keys, accountId: ACCOUNT_UUID }),
    });
    expectDeliveryFields(single(result), d);
  });

  it('samples and live results have the same keys (apart from metadata keys)', async () => {
    const withoutMetadata = (o: Dict) =>
      Object.keys(o)
        .filter((k) => !k.includes('_metadata__'))
        .sort();
    for (const prefix of ['license-created', 'machine-heartbeat-dead', 'user-password-reset']) {
      const d = delivery(prefix);
      const live = single(await deliver(d));
      const sample = App.triggers[d.triggerKey].operation.sample;
      expect(isPlainObject(sample)).toBe(true);
      expect({ [d.triggerKey]: withoutMetadata(sample as Dict) }).toEqual({
        [d.triggerKey]: withoutMetadata(live),
      });
    }
  });

  it('a CE license (no permissions, no environment) has the same fields as a Cloud license', async () => {
    const cloud = single(await deliver(delivery('license-created')));
    const ce = single(await deliver(delivery('license-suspended.ce')));
    const licenseKeys = (o: Dict) =>
      Object.keys(o)
        .filter((k) => k.startsWith('license_'))
        .sort();
    expect(licenseKeys(ce)).toEqual(licenseKeys(cloud));
  });
});

// =============================================================================================
describe('perform: verification failures halt (contract)', () => {
  const d = delivery('license-created');
  const minutes = (n: number) => new Date(Date.now() + n * 60_000);

  it('no signature', async () => {
    await expectHalted(
      deliver(d, {
        sign: (keys) => {
          const headers = signDelivery({ body: d.body, url: d.endpoint, keys });
          delete headers['Http-Keygen-Signature'];
          return headers;
        },
      }),
      /signature[^]*\b(no|missing|absent|without)\b|\b(no|missing|absent|without)\b[^]*signature/i,
    );
  });

  it('body altered after signing (digest)', async () => {
    const altered = d.body.replace('Pro License', 'Pwned License');
    expect(altered).not.toBe(d.body);
    await expectHalted(deliver(d, { content: altered }), /digest/i);
  });

  it('body altered and Digest recomputed to match (signature covers the digest)', async () => {
    const altered = d.body.replace('Pro License', 'Pwned License');
    const { createHash } = await import('node:crypto');
    const digest = `sha-256=${createHash('sha256').update(altered, 'utf8').digest('base64')}`;
    await expectHalted(
      deliver(d, {
        content: altered,
        sign: (keys) => ({
          ...signDelivery({ body: d.body, url: d.endpoint, keys }),
          'Http-Digest': digest,
          'Http-Keygen-Digest': digest,
        }),
      }),
      /signature/i,
    );
  });

  it('signature from another key', async () => {
    const other = makeAccountKeys();
    await expectHalted(
      deliver(d, { sign: () => signDelivery({ body: d.body, url: d.endpoint, keys: other }) }),
      /signature/i,
    );
  });

  it('signed for a different URL', async () => {
    await expectHalted(
      deliver(d, {
        sign: (keys) =>
          signDelivery({
            body: d.body,
            url: 'https://hooks.zapier.com/hooks/standard/7654321/ffffffffffffffffffffffffffffffff/',
            keys,
          }),
      }),
      /signature/i,
    );
  });

  it('Date 20 minutes old', async () => {
    await expectHalted(
      deliver(d, {
        sign: (keys) => signDelivery({ body: d.body, url: d.endpoint, keys, date: minutes(-20) }),
      }),
      /date/i,
    );
  });

  it('Date 10 minutes ahead', async () => {
    await expectHalted(
      deliver(d, {
        sign: (keys) => signDelivery({ body: d.body, url: d.endpoint, keys, date: minutes(10) }),
      }),
      /date/i,
    );
  });

  it('accepts Dates within the tolerance (14 minutes old, 4 minutes ahead)', async () => {
    for (const n of [-14, 4]) {
      const result = await deliver(d, {
        sign: (keys) => signDelivery({ body: d.body, url: d.endpoint, keys, date: minutes(n) }),
      });
      expectDeliveryFields(single(result), d);
    }
  });

  it.each([
    ['lower-case, no Http- prefix', (k: string) => k.replace(/^Http-/, '').toLowerCase()],
    ['lower-case with http- prefix', (k: string) => k.toLowerCase()],
    [
      'upper-case with Http- prefix',
      (k: string) => (k === 'Content-Type' ? k : `HTTP-${k.replace(/^Http-/, '').toUpperCase()}`),
    ],
    ['Camel-Case without prefix', (k: string) => k.replace(/^Http-/, '')],
  ])('finds the headers %s', async (_label, rename) => {
    const result = await deliver(d, {
      sign: (keys) =>
        Object.fromEntries(
          Object.entries(signDelivery({ body: d.body, url: d.endpoint, keys })).map(([k, v]) => [
            rename(k),
            v,
          ]),
        ),
    });
    expectDeliveryFields(single(result), d);
  });
});

// =============================================================================================
describe('perform: duplicates and foreign events return [] (contract)', () => {
  it('a second delivery with the same idempotency token returns []', async () => {
    const d = delivery('license-created');
    const tester = newTester();
    const keys = makeAccountKeys();
    const { subscribeData } = await subscribe(tester, d.triggerKey, d.endpoint, keys);
    const perform = App.triggers[d.triggerKey].operation.perform;
    const first = await tester(
      perform,
      deliveryBundle(subscribeData, signDelivery({ body: d.body, url: d.endpoint, keys }), d.body),
    );
    expectDeliveryFields(single(first), d);
    const resigned = signDelivery({
      body: d.body,
      url: d.endpoint,
      keys,
      date: new Date(Date.now() + 2000),
    });
    const second = await tester(perform, deliveryBundle(subscribeData, resigned, d.body));
    expect(second).toEqual([]);
    // A different event (new id, new idempotency token) still runs the Zap.
    const other = JSON.parse(d.body);
    other.data.id = '0b5f4f58-0d53-4b0a-8d7a-9f3a1c0e6a99';
    other.data.meta.idempotencyToken = 'e'.repeat(62) + 'v3';
    const otherBody = JSON.stringify(other);
    const third = await tester(
      perform,
      deliveryBundle(
        subscribeData,
        signDelivery({ body: otherBody, url: d.endpoint, keys }),
        otherBody,
      ),
    );
    expect(single(third)).toMatchObject({
      id: other.data.id,
      idempotency_token: other.data.meta.idempotencyToken,
    });
  });

  it('an event type the trigger did not subscribe to returns []', async () => {
    const d = delivery('license-suspended');
    const result = await deliver(d, { triggerKey: 'license_created' });
    expect(result).toEqual([]);
  });

  it('new_event returns [] for an event outside its chosen events', async () => {
    const d = delivery('machine-heartbeat-dead');
    const result = await deliver(d, {
      triggerKey: 'new_event',
      inputData: { events: ['license.created'] },
    });
    expect(result).toEqual([]);
  });
});
