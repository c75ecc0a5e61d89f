// `npm start`'s scenario end to end over real HTTP on 127.0.0.1: the Keygen sandbox, the hook
// relay and the built app run through zapier-platform-core. No nock anywhere.
import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { runScenario, type ScenarioResult, type Step } from '../../tools/sandbox/scenario';

const ROOT = resolve(__dirname, '..', '..');
const START = resolve(ROOT, 'dist/e2e/scenario/start.js');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { build } = require('../../tools/scripts/build') as {
  build: (target: string, overrides?: object) => string;
};
let result: ScenarioResult;
const reported: string[] = [];

beforeAll(async () => {
  // The program `npm start` runs after the app's build (which `npm test` has done already).
  // A copy of its own under dist/ (node_modules resolve from there): start.test.ts builds one too.
  build('start', { outfile: START });
  result = await runScenario({
    retryDelaysMs: [100, 200, 400, 800],
    onStep: (step) => reported.push(step.name),
  });
}, 120_000);

function step(name: string): Step {
  const found = result.steps.find((s) => s.name === name);
  if (!found) throw new Error(`no step ${name}`);
  return found;
}

const ran = (s: Step, zap: string) => s.runs.filter((r) => r.zap === zap && r.outcome === 'ran');

test('every step does what it should, reported in order', () => {
  expect(result.steps.filter((s) => !s.ok).map((s) => [s.name, s.problems])).toEqual([]);
  expect(result.ok).toBe(true);
  expect(reported).toEqual([
    'connect',
    'subscribe',
    'create_license',
    'suspend_license',
    'suspend_license_again',
    'reinstate_license',
    'renew_license',
    'validate_license_key',
    'sync_subscription',
    'retry',
    'forged',
    'unsubscribe',
  ]);
});

test('connect: the auth test labels the connection with the account and the bearer', () => {
  const output = step('connect').output ?? {};
  expect(output.bearer).toMatch(/^admin [^@\s]+@[^@\s]+$/);
  expect(output).toEqual({
    connection_label: `${result.sandbox.accountId} (${String(output.bearer)})`,
    bearer: output.bearer,
    account: result.sandbox.accountId,
  });
});

test('subscribe: one Keygen webhook endpoint per Zap, at the Zap’s own URL', () => {
  const rows = step('subscribe').rows ?? [];
  expect(rows.map((r) => [r.zap, r.subscriptions])).toEqual([
    ['license_created', ['license.created']],
    ['license_suspended', ['license.suspended']],
    ['license_renewed', ['license.renewed']],
    ['license_validation_failed', ['license.validation.failed']],
    ['new_event', ['*']],
  ]);
  expect(new Set(rows.map((r) => r.url)).size).toBe(5);
  for (const row of rows)
    expect(row.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/hooks\/catch\/\d+\/$/);
});

test('create_license: the action’s key reaches License Created and New Event as flat fields', () => {
  const created = step('create_license');
  expect(created.output).toMatchObject({
    license_name: 'Scenario License',
    license_status: 'ACTIVE',
    license_policy_id: result.sandbox.seed.policyIds.timed,
    license_owner_id: result.sandbox.seed.userId,
  });
  const key = created.output?.license_key;
  expect(key).toMatch(/^[0-9A-F]{6}(-[0-9A-F]{6}){4}-V3$/);
  expect(ran(created, 'license_created')).toEqual([
    expect.objectContaining({ event: 'license.created', license_key: key, answered: 200 }),
  ]);
  expect(ran(created, 'new_event')).toEqual([
    expect.objectContaining({ event: 'license.created', license_key: key }),
  ]);
});

test('suspend twice: the second is a no-op that starts no Zap; reinstate and renew fire theirs', () => {
  const key = step('create_license').output?.license_key;
  expect(step('suspend_license').output).toMatchObject({
    changed: true,
    license_status: 'SUSPENDED',
  });
  expect(ran(step('suspend_license'), 'license_suspended')).toEqual([
    expect.objectContaining({ license_key: key, license_status: 'SUSPENDED' }),
  ]);
  expect(step('suspend_license_again').output).toMatchObject({
    changed: false,
    license_status: 'SUSPENDED',
  });
  expect(step('suspend_license_again').runs).toEqual([]);
  expect(step('reinstate_license').output).toMatchObject({
    changed: true,
    license_status: 'ACTIVE',
  });
  expect(ran(step('reinstate_license'), 'new_event')).toEqual([
    expect.objectContaining({ event: 'license.reinstated', license_status: 'ACTIVE' }),
  ]);
  const renewed = step('renew_license');
  expect(ran(renewed, 'license_renewed')).toEqual([
    expect.objectContaining({ license_key: key, license_expiry: renewed.output?.license_expiry }),
  ]);
});

test('validate_license_key on a suspended key: SUSPENDED in the search and in the trigger', () => {
  const validated = step('validate_license_key');
  const { key } = result.sandbox.seed.licenses.suspended;
  expect(validated.output).toMatchObject({
    license_key: key,
    validation_valid: false,
    validation_code: 'SUSPENDED',
  });
  expect(ran(validated, 'license_validation_failed')).toEqual([
    expect.objectContaining({
      event: 'license.validation.failed',
      license_key: key,
      validation_valid: false,
      validation_code: 'SUSPENDED',
    }),
  ]);
});

test('sync_subscription: one Stripe subscription past due, active again, cancelled, replayed', () => {
  const synced = step('sync_subscription');
  const { key } = result.sandbox.seed.licenses.active;
  const rows = synced.rows ?? [];
  expect(rows.map((r) => [r.status, r.changed, r.license_status, r.zap_runs])).toEqual([
    [
      'past_due',
      true,
      'SUSPENDED',
      'license_suspended: license.suspended, new_event: license.suspended',
    ],
    ['active', true, 'ACTIVE', 'new_event: license.reinstated, new_event: license.updated'],
    [
      'canceled',
      true,
      'SUSPENDED',
      'license_suspended: license.suspended, new_event: license.suspended',
    ],
    ['canceled', false, 'SUSPENDED', 'none'],
  ]);
  // Active again: the expiry is Stripe's period end, given in UNIX seconds.
  const periodEnd = Number(rows[1].period_end);
  expect(periodEnd * 1000).toBeGreaterThan(Date.now());
  expect(rows[1].license_expiry).toBe(new Date(periodEnd * 1000).toISOString());
  expect(rows[2].license_expiry).toBe(rows[1].license_expiry);
  expect(ran(synced, 'license_suspended')).toEqual([
    expect.objectContaining({ license_key: key, license_status: 'SUSPENDED' }),
    expect.objectContaining({ license_key: key, license_status: 'SUSPENDED' }),
  ]);
  // Deliveries of one sync may finish in any order.
  expect(
    ran(synced, 'new_event')
      .map((r) => r.event)
      .sort(),
  ).toEqual(['license.reinstated', 'license.suspended', 'license.suspended', 'license.updated']);
  expect(synced.output).toMatchObject({
    license_key: key,
    changed: false,
    subscription_state: 'ended',
  });
  expect(synced.notes).toEqual([
    expect.stringMatching(/^past_due: License \S+: suspended\.$/),
    expect.stringMatching(/^active: License \S+: reinstated, expiry set to \S+Z\.$/),
    expect.stringMatching(/^canceled: License \S+: suspended\.$/),
    expect.stringMatching(/^canceled: License \S+: already suspended, nothing written\.$/),
  ]);
});

test('retry: two failed answers, three attempts with one idempotency token, one Zap run', () => {
  const retry = step('retry');
  const attempts = retry.rows ?? [];
  expect(attempts.map((a) => [a.attempt, a.keygen_got, a.zap])).toEqual([
    [1, 503, 'ran'],
    [2, 503, 'duplicate: not run'],
    [3, 200, 'duplicate: not run'],
  ]);
  expect(new Set(attempts.map((a) => a.idempotency_token)).size).toBe(1);
  expect(ran(retry, 'license_renewed')).toEqual([
    expect.objectContaining({
      license_key: result.sandbox.seed.licenses.expiringSoon.key,
      idempotency_token: attempts[0].idempotency_token,
    }),
  ]);
  // The same event reached New Event once, on its own endpoint, with its own token.
  expect(ran(retry, 'new_event')).toHaveLength(1);
});

test('forged deliveries are halted with the check that failed, and start no Zap', () => {
  const forged = step('forged');
  expect(forged.rows).toEqual([
    { forgery: 'body changed after signing', answered: 200, zap: 'halted' },
    { forgery: 'signed with another key', answered: 200, zap: 'halted' },
  ]);
  expect(forged.notes).toEqual([
    expect.stringMatching(
      /^body changed after signing: .*Digest check failed: the Digest header does not match/,
    ),
    expect.stringMatching(
      /^signed with another key: .*Signature check failed: the ed25519 signature does not match/,
    ),
  ]);
});

test('unsubscribe: every endpoint is deleted in Keygen', () => {
  expect(step('unsubscribe').rows?.map((r) => [r.zap, r.unsubscribe, r.in_keygen])).toEqual([
    ['license_created', 'success', 'deleted'],
    ['license_suspended', 'success', 'deleted'],
    ['license_renewed', 'success', 'deleted'],
    ['license_validation_failed', 'success', 'deleted'],
    ['new_event', 'success', 'deleted'],
  ]);
});

test('no output line carries the API token', () => {
  expect(JSON.stringify(result.steps)).not.toContain(result.sandbox.token);
});

// On port 10080, which the global fetch refuses (a "bad port"): the scenario must not depend on it.
test('the npm start program prints JSON Lines and exits 0, also on a port fetch refuses', async () => {
  const { code, stdout, stderr } = await new Promise<{
    code: number;
    stdout: string;
    stderr: string;
  }>((done) =>
    execFile(
      process.execPath,
      [START, '--json', '--port', '10080'],
      { cwd: ROOT, timeout: 100_000 },
      (error, out, err) => done({ code: error ? Number(error.code) : 0, stdout: out, stderr: err }),
    ),
  );
  expect(stderr).toBe('');
  const lines = stdout
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line));
  expect(lines.map((l) => l.type)).toEqual([...Array(12).fill('step'), 'summary']);
  expect(lines.at(-1)).toEqual({ type: 'summary', ok: true, steps: 12, failed: [] });
  expect(lines[2]).toMatchObject({ type: 'step', index: 3, name: 'create_license', ok: true });
  expect(code).toBe(0);
}, 120_000);

test('a bad flag is refused with the usage and exit 2', async () => {
  const { code, stderr } = await new Promise<{ code: number; stderr: string }>((done) =>
    execFile(
      process.execPath,
      [START, '--port', 'abc'],
      { cwd: ROOT, timeout: 60_000 },
      (error, _out, err) => done({ code: error ? Number(error.code) : 0, stderr: err }),
    ),
  );
  expect(code).toBe(2);
  expect(stderr).toMatch(
    /^--port needs a port number from 0 to 65535, not "abc"\.\n\nUsage: npm start/,
  );
}, 60_000);
