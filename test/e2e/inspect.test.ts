// `npm run inspect`: the verdicts on saved deliveries signed by the independent test signer
// (test/helpers/keygen-signer.ts, @noble/ed25519), and the command's exit codes.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { inspectMain } from '../../tools/sandbox/inspect';
import { fixture } from '../helpers/fixtures';
import { makeAccountKeys, signDelivery, type Algorithm } from '../helpers/keygen-signer';

const keys = makeAccountKeys();
const otherKeys = makeAccountKeys();
const delivery = fixture('license-suspended');
const hexKey = Buffer.from(keys.meta.ed25519, 'base64').toString('utf8');

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'inspect-test-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(content: unknown, name = `d-${Math.random().toString(36).slice(2)}.json`): string {
  const path = join(dir, name);
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
  return path;
}

function saved(
  options: {
    algorithm?: Algorithm;
    publicKey?: string;
    date?: Date;
    body?: string;
    signWith?: typeof keys;
    receivedAt?: string;
  } = {},
) {
  const headers = signDelivery({
    body: delivery.body,
    url: delivery.endpointUrl,
    keys: options.signWith ?? keys,
    algorithm: options.algorithm,
    date: options.date,
    zapierHeaders: false,
  });
  return {
    endpointUrl: delivery.endpointUrl,
    publicKey: options.publicKey ?? hexKey,
    headers,
    body: options.body ?? delivery.body,
    ...(options.receivedAt ? { receivedAt: options.receivedAt } : {}),
  };
}

function run(...argv: string[]) {
  let stdout = '';
  let stderr = '';
  const code = inspectMain(
    argv,
    { write: (s: string) => (stdout += s) },
    { write: (s: string) => (stderr += s) },
  );
  return { code, stdout, stderr };
}

describe('inspect: valid deliveries', () => {
  test('an Ed25519 delivery with the key as hex prints the flat fields a Zap gets', () => {
    const { code, stdout, stderr } = run(file(saved()));
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout).toMatch(
      /^VALID: signed with ed25519 \(keyid 1fddcec8-8dd3-4d8d-9b16-215cac0f9b52\)/,
    );
    expect(stdout).toMatch(/license_key\s+4A5E1C-9F02B7-D3E6A1-0C7B5F-8E21D4-V3/);
    expect(stdout).toMatch(/license_status\s+SUSPENDED/);
    expect(stdout).toMatch(/event\s+license\.suspended/);
  });

  test.each([
    ['ed25519', 'the API’s base64', keys.meta.ed25519],
    ['rsa-pss-sha256', 'base64 of the PEM', keys.meta.rsa2048],
    ['rsa-sha256', 'PEM', Buffer.from(keys.meta.rsa2048, 'base64').toString('utf8')],
    ['ecdsa-p256', 'base64 of the PEM', keys.meta.ecdsa],
  ] as [Algorithm, string, string][])('%s with the key as %s', (algorithm, _form, publicKey) => {
    const { code, stdout } = run('--json', file(saved({ algorithm, publicKey })));
    expect(code).toBe(0);
    const verdict = JSON.parse(stdout);
    expect(verdict).toMatchObject({ verdict: 'valid', algorithm });
    expect(verdict.fields).toMatchObject({
      id: delivery.json.data.id,
      idempotency_token: delivery.json.data.meta.idempotencyToken,
      license_status: 'SUSPENDED',
      license_metadata__stripeCustomerId: 'cus_Q1w2E3r4T5y6U7',
    });
  });

  test('receivedAt, not now, is what the Date is checked against', () => {
    const signed = new Date(Date.now() - 3 * 60 * 60 * 1000);
    const receivedAt = new Date(signed.getTime() + 60 * 1000).toISOString();
    const { code, stdout } = run('--json', file(saved({ date: signed, receivedAt })));
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject({ verdict: 'valid', checkedAt: receivedAt });
  });
});

describe('inspect: rejected deliveries say why (exit 1)', () => {
  test('a body changed after signing', () => {
    const body = delivery.body.replace('SUSPENDED', 'ACTIVE');
    const { code, stdout } = run(file(saved({ body })));
    expect(code).toBe(1);
    expect(stdout).toContain('REJECTED (digest-mismatch)');
    expect(stdout).toContain('the body was altered after Keygen signed it');
  });

  test('signed with another account’s key', () => {
    const { code, stdout } = run(file(saved({ signWith: otherKeys })));
    expect(code).toBe(1);
    expect(stdout).toContain('REJECTED (bad-signature)');
    expect(stdout).toContain("does not match this account's key for this endpoint URL");
  });

  test('a stale Date', () => {
    const { code, stdout } = run(file(saved({ date: new Date(Date.now() - 20 * 60 * 1000) })));
    expect(code).toBe(1);
    expect(stdout).toContain('REJECTED (stale-date)');
    expect(stdout).toMatch(/is 20m( \d+s)? old; deliveries are accepted for 15m/);
  });

  test('signed for another endpoint URL', () => {
    const other = { ...saved(), endpointUrl: 'https://hooks.example.org/another' };
    const { code, stdout } = run('--json', file(other));
    expect(code).toBe(1);
    expect(JSON.parse(stdout)).toMatchObject({ verdict: 'rejected', reason: 'bad-signature' });
  });

  test('a verified body that is not a webhook event', () => {
    const body = JSON.stringify({ data: { id: 'x' } });
    const headers = signDelivery({ body, url: delivery.endpointUrl, keys, zapierHeaders: false });
    const { code, stdout } = run('--json', file({ ...saved(), headers, body }));
    expect(code).toBe(1);
    expect(JSON.parse(stdout)).toMatchObject({ verdict: 'rejected', reason: 'unreadable-body' });
  });
});

describe('inspect: unusable input (exit 2), with a message and no stack trace', () => {
  test.each([
    ['a file that is not JSON', () => file('{"body": '), /The file is not JSON/],
    [
      'a file without the body',
      () => file({ ...saved(), body: undefined }),
      /not a delivery file \(body: .*--help/,
    ],
    [
      'a key that is neither Ed25519 nor PEM',
      () => file({ ...saved(), publicKey: 'not-a-key' }),
      /publicKey is not an Ed25519 key/,
    ],
    [
      'an RSA delivery with only the Ed25519 key',
      () => file(saved({ algorithm: 'rsa-sha256' })),
      /signed with rsa-sha256, but the account's "rsa2048" verify key is not known.*ed25519 key/,
    ],
    ['a missing file', () => join(dir, 'nope.json'), /Cannot read .*nope\.json: ENOENT/],
  ] as [string, () => string, RegExp][])('%s', (_name, path, message) => {
    const { code, stdout, stderr } = run(path());
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toMatch(message);
    expect(stderr).not.toMatch(/\n\s+at /);
  });

  test('--help documents the file format', () => {
    const { code, stdout } = run('--help');
    expect(code).toBe(0);
    for (const field of ['endpointUrl', 'publicKey', 'headers', 'body', 'receivedAt']) {
      expect(stdout).toContain(field);
    }
  });
});

// What a terminal would act on: C0 but the line break, DEL, C1, bidirectional overrides.
// eslint-disable-next-line no-control-regex
const RAW_CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;
const HOSTILE = 'Evil\u001b]0;owned\u0007\u009b2J\u007f\u202eName\r\n';
const HOSTILE_ESCAPED = 'Evil\\x1b]0;owned\\x07\\x9b2J\\x7f\\u202eName\\r\\n';

/** A genuinely signed delivery whose license has `attributes` changed (and `metadata`, if given). */
function signedWith(attributes: Record<string, unknown>, metadata?: Record<string, unknown>) {
  const json = structuredClone(delivery.json);
  const payload = JSON.parse(json.data.attributes.payload);
  Object.assign(payload.data.attributes, attributes);
  if (metadata) payload.data.attributes.metadata = metadata;
  json.data.attributes.payload = JSON.stringify(payload);
  const body = JSON.stringify(json);
  const headers = signDelivery({ body, url: delivery.endpointUrl, keys, zapierHeaders: false });
  return { ...saved(), headers, body };
}

describe('inspect: a hostile file cannot drive the terminal', () => {
  test('control characters in values and metadata keys are printed escaped in the table', () => {
    const { code, stdout } = run(file(signedWith({ name: HOSTILE }, { 'k\u001b[8m': HOSTILE })));
    expect(code).toBe(0);
    expect(stdout).not.toMatch(RAW_CONTROL);
    expect(stdout).toMatch(new RegExp(`license_name\\s+${escapeRegExp(HOSTILE_ESCAPED)}`));
    expect(stdout).toMatch(
      new RegExp(`license_metadata__k\\\\x1b\\[8m\\s+${escapeRegExp(HOSTILE_ESCAPED)}`),
    );
  });

  test('--json keeps every value exact, with the same characters escaped', () => {
    const { code, stdout } = run('--json', file(signedWith({ name: HOSTILE })));
    expect(code).toBe(0);
    expect(stdout).not.toMatch(RAW_CONTROL);
    expect(JSON.parse(stdout).fields.license_name).toBe(HOSTILE);
  });

  test('in a rejection: a Date header and an endpoint URL with control characters', () => {
    const headers = { ...saved().headers, Date: `Tue, 30 Jun 2026 ${HOSTILE}` };
    const date = run(file({ ...saved(), headers }));
    expect(date.code).toBe(1);
    expect(`${date.stdout}${date.stderr}`).not.toMatch(RAW_CONTROL);
    expect(date.stdout).toContain('REJECTED');
    const url = run(file({ ...saved(), endpointUrl: `https://hooks.example.org/${HOSTILE}` }));
    expect(url.code).toBe(1);
    expect(`${url.stdout}${url.stderr}`).not.toMatch(RAW_CONTROL);
  });

  test.each([
    ['a file that is not JSON', () => file(`{"body": "${HOSTILE}`)],
    ['a delivery file with a hostile key', () => file({ ...saved(), [HOSTILE]: 1, body: 2 })],
    ['a missing file with a hostile name', () => join(dir, `${HOSTILE}.json`)],
    ['a hostile option', () => `--${HOSTILE}`],
  ])('in an error about %s', (_name, path) => {
    const { code, stdout, stderr } = run(path());
    expect(code).toBe(2);
    expect(stderr).not.toBe('');
    expect(`${stdout}${stderr}`).not.toMatch(RAW_CONTROL);
  });
});

test('a validly signed delivery with 300,000 metadata keys prints its table', () => {
  const metadata = Object.fromEntries(Array.from({ length: 300_000 }, (_, i) => [`k${i}`, i]));
  const { code, stdout, stderr } = run(file(signedWith({}, metadata)));
  expect(stderr).toBe('');
  expect(code).toBe(0);
  expect(stdout).toMatch(/^VALID/);
  expect(stdout).toMatch(/\nlicense_metadata__k299999 +299999\n/);
}, 120_000);

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

test('npm run inspect builds the tool and exits with the verdict', async () => {
  const path = file(saved({ signWith: otherKeys }));
  const result = await new Promise<{ code: number | null; stdout: string; stderr: string }>(
    (done) => {
      execFile(
        'npm',
        ['run', '--silent', 'inspect', '--', path],
        { cwd: resolve(__dirname, '..', '..'), timeout: 60_000 },
        (error, stdout, stderr) =>
          done({ code: error ? (error.code as number) : 0, stdout, stderr }),
      );
    },
  );
  expect(result.stdout).toContain('REJECTED (bad-signature)');
  expect(result.code).toBe(1);
}, 90_000);
