// Sync License With Subscription against the sandbox over real HTTP on 127.0.0.1: the built app
// through zapier-platform-core (the relay's runtime), and the sandbox's metadata filter, which
// snake_cases the key as Keygen does.
import { startRelay, type Relay } from '../../tools/sandbox/relay';
import { startSandbox, type Sandbox } from '../../tools/sandbox/server';
import { api } from '../helpers/sandbox-http';

let sandbox: Sandbox;
let relay: Relay;

beforeAll(async () => {
  sandbox = await startSandbox({ retryDelaysMs: [100] });
  relay = await startRelay({
    authData: { baseUrl: sandbox.baseUrl, accountId: sandbox.accountId, token: sandbox.token },
  });
}, 60_000);

afterAll(async () => {
  await relay?.close();
  await sandbox?.close();
}, 30_000);

async function createLicense(name: string, metadata: Record<string, unknown>): Promise<string> {
  const answer = await api(sandbox, 'POST', '/licenses', {
    body: {
      data: {
        type: 'licenses',
        attributes: { name, metadata },
        relationships: {
          policy: { data: { type: 'policies', id: sandbox.seed.policyIds.timed } },
        },
      },
    },
  });
  expect(answer.status).toBe(201);
  return answer.body.data.id as string;
}

const ids = async (query: string) =>
  ((await api(sandbox, 'GET', `/licenses?${query}`)).body.data as { id: string }[])
    .map((l) => l.id)
    .sort();

const sync = (inputData: Record<string, unknown>) =>
  relay.invoke('creates.sync_license_subscription.operation.perform', inputData);

const license = async (id: string) =>
  (await api(sandbox, 'GET', `/licenses/${id}`)).body.data.attributes as Record<string, unknown>;

test('the metadata filter snake_cases the key as Keygen stores it, and casts numbers', async () => {
  const camel = await createLicense('Camel', { stripeSubscriptionId: 'sub_filter', seats: 5 });
  const spaced = await createLicense('Spaced', { 'Stripe Subscription ID': 'sub_filter' });
  const both = [camel, spaced].sort();
  for (const key of ['stripeSubscriptionId', 'stripe_subscription_id', 'stripe-subscription-id']) {
    expect(await ids(`metadata%5B${key}%5D=sub_filter`)).toEqual(both);
  }
  expect(await ids('metadata%5BstripeSubscriptionId%5D=sub_other')).toEqual([]);
  expect(await ids('metadata%5Bseats%5D=5')).toEqual([camel]);
  expect(await ids('metadata%5Bseats%5D=-5')).toEqual([]);
}, 30_000);

test('past due, active with a new period end, cancelled: every license of the subscription follows, a repeat writes nothing', async () => {
  const first = await createLicense('Seat 1', { stripeSubscriptionId: 'sub_e2e' });
  const second = await createLicense('Seat 2', { stripe_subscription_id: 'sub_e2e' });
  const subscription = { subscription_id: 'sub_e2e' };

  const pastDue = await sync({ ...subscription, status: 'past_due' });
  expect(pastDue).toMatchObject({
    status: 'success',
    results: { changed: true, license_status: 'SUSPENDED', subscription_state: 'delinquent' },
  });
  expect(await license(first)).toMatchObject({ suspended: true });
  expect(await license(second)).toMatchObject({ suspended: true });

  const updated = [(await license(first)).updated, (await license(second)).updated];
  const again = await sync({ ...subscription, status: 'Past Due' });
  expect(again).toMatchObject({ status: 'success', results: { changed: false } });
  expect([(await license(first)).updated, (await license(second)).updated]).toEqual(updated);

  const periodEnd = Math.floor(Date.now() / 1000) + 30 * 86_400;
  const expiry = new Date(periodEnd * 1000).toISOString();
  const active = await sync({ ...subscription, status: 'active', period_end: String(periodEnd) });
  expect(active).toMatchObject({
    status: 'success',
    results: { changed: true, license_status: 'ACTIVE', license_expiry: expiry },
  });
  expect(
    (active as { results: { license_ids: string } }).results.license_ids.split(',').sort(),
  ).toEqual([first, second].sort());
  expect(await license(second)).toMatchObject({ suspended: false, expiry });

  const cancelled = await sync({
    ...subscription,
    status: 'cancelled',
    on_cancel: 'expire',
    period_end: '2027-01-31T00:00:00Z',
  });
  expect(cancelled).toMatchObject({
    status: 'success',
    results: {
      changed: true,
      license_expiry: '2027-01-31T00:00:00.000Z',
      subscription_state: 'ended',
    },
  });
  expect(await license(second)).toMatchObject({ expiry: '2027-01-31T00:00:00.000Z' });

  const revoked = await sync({ ...subscription, status: 'canceled', on_cancel: 'revoke' });
  expect(revoked).toMatchObject({ status: 'success', results: { changed: true } });
  expect((await api(sandbox, 'GET', `/licenses/${first}`)).status).toBe(404);
  expect((await api(sandbox, 'GET', `/licenses/${second}`)).status).toBe(404);
}, 60_000);

test('halts when no license holds the subscription, and refuses an unknown status', async () => {
  expect(await sync({ subscription_id: 'sub_nobody', status: 'canceled' })).toEqual({
    status: 'halted',
    message: expect.stringContaining('No license has metadata stripeSubscriptionId = "sub_nobody"'),
  });
  expect(await sync({ subscription_id: 'sub_nobody', status: 'future' })).toMatchObject({
    status: 'error',
    message: expect.stringContaining(
      'Subscription Status "future" is not a status this step knows',
    ),
  });
}, 30_000);
