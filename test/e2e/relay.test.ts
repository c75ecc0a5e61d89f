// The hook relay over real HTTP: Keygen's sandbox delivers to per-Zap URLs, the relay runs the built
// app's perform through zapier-platform-core, saves what it received, and answers as Zapier does.
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseDeliveryFile } from '../../tools/sandbox/delivery-file';
import { inspectDelivery } from '../../tools/sandbox/inspect-delivery';
import { startRelay, zapierHeaderName, type Relay, type Zap } from '../../tools/sandbox/relay';
import { startSandbox, type Sandbox } from '../../tools/sandbox/server';

let sandbox: Sandbox;
let relay: Relay;
let created: Zap;
let suspended: Zap;
let saveDir: string;

beforeAll(async () => {
  sandbox = await startSandbox({ retryDelaysMs: [100, 200] });
  relay = await startRelay({
    authData: { baseUrl: sandbox.baseUrl, accountId: sandbox.accountSlug, token: sandbox.token },
  });
  saveDir = mkdtempSync(join(tmpdir(), 'relay-test-'));
  await relay.saveTo(saveDir);
  created = await relay.subscribe('license_created');
  suspended = await relay.subscribe('new_event', { events: ['license.suspended'] });
}, 60_000);

afterAll(async () => {
  await relay?.close();
  await sandbox?.close();
  rmSync(saveDir, { recursive: true, force: true });
}, 30_000);

async function keygen(method: string, path: string, body?: unknown) {
  const response = await fetch(`${sandbox.baseUrl}/v1/accounts/${sandbox.accountId}${path}`, {
    method,
    headers: {
      Authorization: `Bearer ${sandbox.token}`,
      Accept: 'application/vnd.api+json',
      'Content-Type': 'application/vnd.api+json',
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return (await response.json()) as { data: { id: string; attributes: Record<string, unknown> } };
}

async function createLicense(name: string) {
  const { data } = await keygen('POST', '/licenses', {
    data: {
      type: 'licenses',
      attributes: { name },
      relationships: {
        policy: { data: { type: 'policies', id: sandbox.seed.policyIds.timed } },
      },
    },
  });
  await sandbox.idle();
  return data;
}

test('header names as Zapier spells them in rawRequest', () => {
  expect(zapierHeaderName('keygen-signature')).toBe('Http-Keygen-Signature');
  expect(zapierHeaderName('Date')).toBe('Http-Date');
  expect(zapierHeaderName('X-TIME-GMT')).toBe('Http-X-Time-Gmt');
  expect(zapierHeaderName('content-type')).toBe('Content-Type');
  expect(zapierHeaderName('Content-Length')).toBe('Content-Length');
});

test('a Keygen delivery runs the Zap once, and the saved file inspects to the same fields', async () => {
  const license = await createLicense('Relay Test');
  const runs = relay.runs.filter((r) => r.zapId === created.id);
  expect(runs).toHaveLength(1);
  const [run] = runs;
  expect(run).toMatchObject({ outcome: 'ran', answered: 200, event: 'license.created' });
  expect(run.results).toEqual([
    expect.objectContaining({
      event: 'license.created',
      resource_type: 'licenses',
      license_id: license.id,
      license_key: license.attributes.key,
      license_name: 'Relay Test',
      license_status: 'ACTIVE',
    }),
  ]);
  // The suspended-only New Event Zap's endpoint is not subscribed to license.created.
  expect(relay.runs.filter((r) => r.zapId === suspended.id)).toEqual([]);

  const files = readdirSync(saveDir);
  expect(files).toEqual(['0001-license_created.json']);
  const file = parseDeliveryFile(readFileSync(join(saveDir, files[0]), 'utf8'));
  expect(file.endpointUrl).toBe(created.targetUrl);
  // Header names as received: Keygen's capitals, or lower case when another test file's nock
  // interceptor (global to the worker) carried the request.
  const names = Object.keys(file.headers).map((name) => name.toLowerCase());
  expect(names).toContain('keygen-signature');
  const verdict = inspectDelivery(file);
  expect(verdict.verdict).toBe('valid');
  const fields = verdict.verdict === 'valid' ? verdict.fields : {};
  for (const key of ['id', 'event', 'idempotency_token', 'license_key', 'license_status']) {
    expect([key, fields[key]]).toEqual([key, run.results[0][key]]);
  }
}, 60_000);

test('a replayed delivery (same bytes, same signature) is verified but does not run the Zap again', async () => {
  const first = relay.runs.find((r) => r.zapId === created.id && r.outcome === 'ran');
  expect(first).toBeDefined();
  const { headers, body } = first!.delivery;
  const response = await fetch(created.targetUrl, {
    method: 'POST',
    headers: Object.fromEntries(
      Object.entries(headers).filter(([name]) => !/^(host|content-length|connection)$/i.test(name)),
    ),
    body,
  });
  expect(response.status).toBe(200);
  expect(await response.json()).toEqual({ status: 'success', zap: created.id, runs: 0 });
  expect(relay.runs.at(-1)).toMatchObject({ zapId: created.id, outcome: 'skipped' });
  expect(relay.runs.filter((r) => r.zapId === created.id && r.outcome === 'ran')).toHaveLength(1);
}, 60_000);

test('a Zap whose event list is chosen gets only those events', async () => {
  const license = await createLicense('Suspend Me');
  await keygen('POST', `/licenses/${license.id}/actions/suspend`);
  await sandbox.idle();
  const runs = relay.runs.filter((r) => r.zapId === suspended.id);
  expect(runs.map((r) => [r.event, r.outcome, r.results[0]?.license_key])).toEqual([
    ['license.suspended', 'ran', license.attributes.key],
  ]);
}, 60_000);

test('performList shows the recent real events, flattened like deliveries', async () => {
  const outcome = await relay.list(created);
  expect(outcome.status).toBe('success');
  const results =
    outcome.status === 'success' ? (outcome.results as Record<string, unknown>[]) : [];
  expect(results.map((r) => r.license_name)).toEqual(
    expect.arrayContaining(['Relay Test', 'Suspend Me']),
  );
  expect(results.every((r) => r.event === 'license.created')).toBe(true);
}, 60_000);

test('after unsubscribe the endpoint is gone and the Zap URL answers 410', async () => {
  const outcome = await relay.unsubscribe(created);
  expect(outcome.status).toBe('success');
  const endpoints = await keygen('GET', '/webhook-endpoints');
  expect((endpoints.data as unknown as { id: string }[]).map((e) => e.id)).not.toContain(
    (created.subscribeData as { id: string }).id,
  );
  const ranBefore = relay.runs.length;
  await createLicense('After Unsubscribe');
  expect(relay.runs.slice(ranBefore).filter((r) => r.zapId === created.id)).toEqual([]);
  const { headers, body } = relay.runs[0].delivery;
  const response = await fetch(created.targetUrl, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Date: headers.Date },
    body,
  });
  expect(response.status).toBe(410);
  const unknown = await fetch(`${relay.url}/hooks/catch/999/`, { method: 'POST', body: '{}' });
  expect(unknown.status).toBe(404);
}, 60_000);
