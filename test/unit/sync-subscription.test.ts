import fc from 'fast-check';
import type { Bundle, ZObject } from 'zapier-platform-core';
import {
  App,
  appTester,
  at,
  authData,
  keygenApi,
  LICENSE_ID,
  TOKEN,
  unmatched,
} from '../helpers/app';
import { caught } from '../helpers/errors';
import {
  STATUS_GROUPS,
  normalizeStatus,
  stateOf,
  type SubscriptionState,
} from '../../creates/subscription-status';

type Perform = (z: ZObject, bundle: Bundle) => Promise<Record<string, unknown>>;
const sync = (App.creates as unknown as Record<string, { operation: { perform: Perform } }>)
  .sync_license_subscription;
const run = (inputData: Record<string, unknown>) =>
  appTester(sync.operation.perform, { authData, inputData });

const ID = LICENSE_ID;
const OTHER_ID = '1b2c3d4e-0000-4000-8000-00000000beef';
// A year from now: a license whose expiry has passed is not expired again.
const EXPIRY = new Date(Date.now() + 365 * 86_400_000).toISOString();
/** 2027-02-01T00:00:00Z in UNIX seconds, as Stripe sends a period end. */
const NEXT_PERIOD_SECONDS = 1_801_440_000;
const NEXT_PERIOD = '2027-02-01T00:00:00.000Z';

function license(attributes: Record<string, unknown> = {}, id = ID) {
  return {
    id,
    type: 'licenses',
    attributes: {
      name: 'Pro License',
      key: `KEY-${id.slice(0, 4)}`,
      expiry: EXPIRY,
      status: attributes.suspended ? 'SUSPENDED' : 'ACTIVE',
      suspended: false,
      metadata: { stripeSubscriptionId: 'sub_123' },
      ...attributes,
    },
    relationships: { policy: { data: { type: 'policies', id: 'policy-1' } } },
  };
}
type License = ReturnType<typeof license>;

/** The lookup by metadata, answered with these licenses. */
function listed(licenses: License[], key = 'stripeSubscriptionId', value = 'sub_123') {
  return keygenApi()
    .get(at('/licenses'))
    .query((q) => q[`metadata[${key}]`] === value && q['page[number]'] === '1')
    .reply(200, { data: licenses, links: { next: null } });
}

const NO_BODY = (body: unknown) => body === '';
const expiryBody = (expiry: string) => ({
  data: { type: 'licenses', attributes: { expiry } },
});

describe('sync_license_subscription: active', () => {
  it('reinstates a suspended license and sets its expiry to a UNIX period end', async () => {
    listed([license({ suspended: true })]);
    keygenApi()
      .post(at(`/licenses/${ID}/actions/reinstate`), NO_BODY)
      .reply(200, { data: license() });
    keygenApi()
      .patch(at(`/licenses/${ID}`), expiryBody(NEXT_PERIOD))
      .reply(200, { data: license({ expiry: NEXT_PERIOD }) });
    const result = await run({
      subscription_id: 'sub_123',
      status: 'active',
      period_end: String(NEXT_PERIOD_SECONDS),
    });
    expect(result).toMatchObject({
      id: ID,
      license_id: ID,
      license_status: 'ACTIVE',
      license_expiry: NEXT_PERIOD,
      license_metadata__stripeSubscriptionId: 'sub_123',
      changed: true,
      changes: `License ${ID}: reinstated, expiry set to ${NEXT_PERIOD}.`,
      license_ids: ID,
      subscription_state: 'active',
    });
  });

  it.each([
    ['ISO 8601 with Z', '2027-02-01T00:00:00Z'],
    ['ISO 8601 with an offset', '2027-02-01T01:00:00+01:00'],
    ['ISO 8601 without an offset (UTC)', '2027-02-01T00:00:00'],
    ['a date', '2027-02-01'],
    ['UNIX seconds', ` ${NEXT_PERIOD_SECONDS} `],
  ])('reads the period end as %s', async (_what, periodEnd) => {
    listed([license()]);
    keygenApi()
      .patch(at(`/licenses/${ID}`), expiryBody(NEXT_PERIOD))
      .reply(200, { data: license({ expiry: NEXT_PERIOD }) });
    const result = await run({
      subscription_id: 'sub_123',
      status: 'trialing',
      period_end: periodEnd,
    });
    expect(result).toMatchObject({ license_expiry: NEXT_PERIOD, changed: true });
    expect(result.changes).toBe(`License ${ID}: expiry set to ${NEXT_PERIOD}.`);
  });

  it('writes nothing for an active license whose expiry is already the period end', async () => {
    listed([license({ expiry: NEXT_PERIOD })]);
    const result = await run({
      subscription_id: 'sub_123',
      status: 'Active',
      period_end: '2027-02-01T00:00:00Z',
    });
    expect(unmatched).toEqual([]);
    expect(result).toMatchObject({
      license_id: ID,
      license_expiry: NEXT_PERIOD,
      changed: false,
      changes: `License ${ID}: not suspended, expiry already ${NEXT_PERIOD}, nothing written.`,
      subscription_state: 'active',
    });
  });

  it('without a period end leaves the expiry alone', async () => {
    listed([license()]);
    const result = await run({ subscription_id: 'sub_123', status: 'paid' });
    expect(result).toMatchObject({ license_expiry: EXPIRY, changed: false });
  });
});

describe('sync_license_subscription: past due', () => {
  it.each(STATUS_GROUPS.delinquent)(
    'suspends the license for %s (On Past Due by default)',
    async (status) => {
      listed([license()]);
      keygenApi()
        .post(at(`/licenses/${ID}/actions/suspend`), NO_BODY)
        .reply(200, { data: license({ suspended: true }) });
      const result = await run({ subscription_id: 'sub_123', status });
      expect(result).toMatchObject({
        license_status: 'SUSPENDED',
        license_suspended: true,
        changed: true,
        changes: `License ${ID}: suspended.`,
        subscription_state: 'delinquent',
      });
    },
  );

  it('leaves the license as it is with On Past Due "nothing"', async () => {
    listed([license()]);
    const result = await run({
      subscription_id: 'sub_123',
      status: 'past_due',
      on_past_due: 'nothing',
    });
    expect(unmatched).toEqual([]);
    expect(result).toMatchObject({
      license_status: 'ACTIVE',
      changed: false,
      changes: `License ${ID}: left as it is (On Past Due is "nothing"), nothing written.`,
    });
  });

  it('a repeat writes nothing: the license is already suspended', async () => {
    listed([license({ suspended: true })]);
    const result = await run({ subscription_id: 'sub_123', status: 'PAST-DUE' });
    expect(unmatched).toEqual([]);
    expect(result).toMatchObject({ license_status: 'SUSPENDED', changed: false });
  });

  it("Keygen's 'already suspended' (a race) is no change either", async () => {
    listed([license()]);
    keygenApi()
      .post(at(`/licenses/${ID}/actions/suspend`))
      .reply(422, {
        errors: [
          {
            title: 'Unprocessable entity',
            detail: 'is already suspended',
            source: { pointer: '/data/attributes/suspended' },
          },
        ],
      });
    keygenApi()
      .get(at(`/licenses/${ID}`))
      .reply(200, { data: license({ suspended: true }) });
    const result = await run({ subscription_id: 'sub_123', status: 'unpaid' });
    expect(result).toMatchObject({
      license_status: 'SUSPENDED',
      changed: false,
      changes: `License ${ID}: already suspended.`,
    });
  });
});

describe('sync_license_subscription: ended', () => {
  it.each(STATUS_GROUPS.ended)(
    'suspends the license for %s (On Cancel by default)',
    async (status) => {
      listed([license()]);
      keygenApi()
        .post(at(`/licenses/${ID}/actions/suspend`), NO_BODY)
        .reply(200, { data: license({ suspended: true }) });
      const result = await run({ subscription_id: 'sub_123', status });
      expect(result).toMatchObject({
        license_status: 'SUSPENDED',
        changed: true,
        subscription_state: 'ended',
      });
    },
  );

  it("takes Lemon Squeezy's and Chargebee's 'cancelled' as canceled", async () => {
    listed([license({ suspended: true })]);
    const result = await run({ subscription_id: 'sub_123', status: 'Cancelled' });
    expect(result).toMatchObject({ subscription_state: 'ended', changed: false });
  });

  it('revokes with On Cancel "revoke", returning the license as it was', async () => {
    listed([license()]);
    keygenApi()
      .get(at(`/licenses/${ID}`))
      .reply(200, { data: license() });
    keygenApi()
      .delete(at(`/licenses/${ID}/actions/revoke`))
      .reply(204);
    const result = await run({
      subscription_id: 'sub_123',
      status: 'canceled',
      on_cancel: 'revoke',
    });
    expect(result).toMatchObject({
      license_id: ID,
      changed: true,
      changes: `License ${ID}: revoked.`,
    });
  });

  it('expires at the period end with On Cancel "expire", and a repeat writes nothing', async () => {
    const input = {
      subscription_id: 'sub_123',
      status: 'cancelled',
      on_cancel: 'Expire',
      period_end: '2027-02-01T00:00:00Z',
    };
    listed([license()]);
    keygenApi()
      .patch(at(`/licenses/${ID}`), expiryBody(NEXT_PERIOD))
      .reply(200, { data: license({ expiry: NEXT_PERIOD }) });
    expect(await run(input)).toMatchObject({ license_expiry: NEXT_PERIOD, changed: true });

    listed([license({ expiry: NEXT_PERIOD })]);
    expect(await run(input)).toMatchObject({ license_expiry: NEXT_PERIOD, changed: false });
    expect(unmatched).toEqual([]);
  });

  it('expires now without a period end; a license already expired is left alone', async () => {
    let sent: string | undefined;
    listed([license()]);
    keygenApi()
      .patch(at(`/licenses/${ID}`), (body: { data: { attributes: { expiry: string } } }) => {
        sent = body.data.attributes.expiry;
        return true;
      })
      .reply(200, () => ({ data: license({ expiry: sent, status: 'EXPIRED' }) }));
    const before = Date.now();
    const result = await run({
      subscription_id: 'sub_123',
      status: 'expired',
      on_cancel: 'expire',
    });
    expect(Date.parse(String(sent))).toBeGreaterThanOrEqual(before);
    expect(Date.parse(String(sent))).toBeLessThanOrEqual(Date.now());
    expect(result).toMatchObject({
      license_expiry: sent,
      license_status: 'EXPIRED',
      changed: true,
    });

    listed([license({ expiry: '2020-01-01T00:00:00.000Z', status: 'EXPIRED' })]);
    const again = await run({ subscription_id: 'sub_123', status: 'expired', on_cancel: 'expire' });
    expect(again).toMatchObject({
      changed: false,
      changes: `License ${ID}: already expired, nothing written.`,
    });
    expect(unmatched).toEqual([]);
  });
});

describe('sync_license_subscription: lookup', () => {
  it('syncs every license holding the subscription; the output is the first one', async () => {
    listed([license(), license({ suspended: true }, OTHER_ID)]);
    keygenApi()
      .post(at(`/licenses/${ID}/actions/suspend`), NO_BODY)
      .reply(200, { data: license({ suspended: true }) });
    const result = await run({ subscription_id: 'sub_123', status: 'past_due' });
    expect(result).toMatchObject({
      license_id: ID,
      license_status: 'SUSPENDED',
      changed: true,
      changes: `License ${ID}: suspended. License ${OTHER_ID}: already suspended, nothing written.`,
      license_ids: `${ID},${OTHER_ID}`,
    });
  });

  it('looks up by a custom metadata key', async () => {
    listed(
      [license({ metadata: { paddleSubscriptionId: 'sub_01h' } })],
      'paddleSubscriptionId',
      'sub_01h',
    );
    const result = await run({
      subscription_id: 'sub_01h',
      status: 'active',
      metadata_key: 'paddleSubscriptionId',
    });
    expect(result).toMatchObject({
      license_metadata__paddleSubscriptionId: 'sub_01h',
      changed: false,
    });
  });

  it('halts, naming the key and the value, when no license holds the subscription', async () => {
    listed([], 'stripeSubscriptionId', 'sub_none');
    const error = await caught(run({ subscription_id: 'sub_none', status: 'canceled' }));
    expect(error.name).toBe('HaltedError');
    expect(error.text).toContain('No license has metadata stripeSubscriptionId = "sub_none"');
    expect(error.text).toContain('nothing was changed');
    expect(unmatched).toEqual([]);
  });

  it("passes Keygen's refusal of a write on, with its title, detail and code", async () => {
    listed([license()]);
    keygenApi()
      .post(at(`/licenses/${ID}/actions/suspend`))
      .reply(403, {
        errors: [
          { title: 'Access denied', detail: 'must have a product role', code: 'ACCESS_DENIED' },
        ],
      });
    const error = await caught(run({ subscription_id: 'sub_123', status: 'past_due' }));
    expect(error.json).toMatchObject({ code: 'ACCESS_DENIED', status: 403 });
    expect(error.json.message).toContain(
      'Keygen said: Access denied: must have a product role (code ACCESS_DENIED)',
    );
    expect(error.text).not.toContain(TOKEN);
  });

  it('a refusal after an earlier license changed says what was already done', async () => {
    listed([license(), license({}, OTHER_ID)]);
    keygenApi()
      .post(at(`/licenses/${ID}/actions/suspend`), NO_BODY)
      .reply(200, { data: license({ suspended: true }) })
      .post(at(`/licenses/${OTHER_ID}/actions/suspend`))
      .reply(403, {
        errors: [
          { title: 'Access denied', detail: 'must have a product role', code: 'ACCESS_DENIED' },
        ],
      });
    const error = await caught(run({ subscription_id: 'sub_123', status: 'past_due' }));
    expect(error.json).toMatchObject({ code: 'ACCESS_DENIED', status: 403 });
    expect(error.json.message).toContain('(code ACCESS_DENIED)');
    expect(error.json.message).toContain(`Already done before it: License ${ID}: suspended.`);
  });
});

describe('sync_license_subscription: bad input is refused before Keygen is asked', () => {
  it('an unknown status, quoting it and listing the known ones', async () => {
    const error = await caught(run({ subscription_id: 'sub_123', status: 'future' }));
    expect(error.json.code).toBe('INPUT_INVALID');
    const message = String(error.json.message);
    expect(message).toContain('Subscription Status "future" is not a status this step knows');
    expect(message).toContain('nothing was changed');
    for (const words of Object.values(STATUS_GROUPS)) {
      for (const word of words) expect(message).toContain(word);
    }
    expect(unmatched).toEqual([]);
  });

  it.each([
    ['subscription_id', { status: 'active' }, 'Subscription ID is required'],
    ['status', { subscription_id: 'sub_123' }, 'Subscription Status is required'],
    [
      'period_end as words',
      { subscription_id: 'sub_123', status: 'active', period_end: 'next month' },
      'Period End must be a date such as 2026-12-31T23:59:59Z (ISO 8601) or UNIX seconds such as 1798761599, not "next month".',
    ],
    [
      'period_end in milliseconds',
      { subscription_id: 'sub_123', status: 'active', period_end: '1801440000000' },
      'past the year 9999 (milliseconds?)',
    ],
    [
      'period_end on 30 February',
      { subscription_id: 'sub_123', status: 'active', period_end: '2027-02-30' },
      'not "2027-02-30"',
    ],
    [
      'on_cancel',
      { subscription_id: 'sub_123', status: 'canceled', on_cancel: 'delete' },
      'On Cancel must be one of suspend, revoke, expire, not "delete".',
    ],
    [
      'on_past_due',
      { subscription_id: 'sub_123', status: 'past_due', on_past_due: 'ban' },
      'On Past Due must be one of suspend, nothing, not "ban".',
    ],
    [
      'metadata_key',
      { subscription_id: 'sub_123', status: 'active', metadata_key: 'a[b]' },
      'Metadata Key must be a top-level key without [ or ]',
    ],
  ])('%s', async (_field, input, message) => {
    const error = await caught(run(input));
    expect(error.name).toBe('AppError');
    expect(String(error.json.message)).toContain(message);
    expect(unmatched).toEqual([]);
  });
});

describe('status normalisation', () => {
  const known = Object.entries(STATUS_GROUPS).flatMap(([state, words]) =>
    words.map((word) => [word, state as SubscriptionState] as const),
  );

  /** The word as a provider or a person might write it: any case, `-` or spaces for `_`. */
  const spelled = (word: string) =>
    fc
      .tuple(
        fc.array(fc.boolean(), { minLength: word.length, maxLength: word.length }),
        fc.constantFrom('_', '-', ' ', ' - ', '__'),
        fc.constantFrom('', ' ', '\t'),
      )
      .map(([upper, separator, pad]) => {
        const cased = [...word].map((c, i) => (upper[i] ? c.toUpperCase() : c)).join('');
        return `${pad}${cased.replace(/_/g, separator)}${pad}`;
      });

  it('maps every known word, however it is cased and separated, to its group', () => {
    fc.assert(
      fc.property(
        fc
          .constantFrom(...known)
          .chain(([word, state]) => spelled(word).map((text) => [text, state] as const)),
        ([text, state]) => stateOf(text) === state,
      ),
      { numRuns: 200 },
    );
  });

  it('knows no other word', () => {
    const words = new Set(known.map(([word]) => word));
    fc.assert(
      fc.property(fc.string({ maxLength: 20 }), (text) => {
        const normal = normalizeStatus(text);
        return words.has(normal) ? stateOf(text) !== undefined : stateOf(text) === undefined;
      }),
      { numRuns: 200 },
    );
  });

  it.each([
    ['PAST-DUE', 'past_due'],
    ['cancelled', 'canceled'],
    [' Non Renewing ', 'non_renewing'],
    ['incomplete-expired', 'incomplete_expired'],
  ])('%j is %j', (text, normal) => expect(normalizeStatus(text)).toBe(normal));
});
