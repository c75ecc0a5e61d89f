// The sandbox signs deliveries (and API responses) as Keygen does, for all four algorithms: each
// delivery must pass the app's verifier (keygen/signature.ts) and an independent verifier written
// here (its own URL split, digest and header parsing; @noble/ed25519 for Ed25519, node:crypto with
// Keygen's exact RSA-PSS salt length for RSA), so neither the sandbox nor the app can drift from
// Keygen's scheme without a failure.
import { constants, createHash, createPublicKey, verify } from 'node:crypto';
import * as ed from '@noble/ed25519';
import { sha512 } from '@noble/hashes/sha2.js';
import { verifyDelivery } from '../../keygen/signature';
import { startSandbox, type Sandbox } from '../../tools/sandbox/server';
import {
  api,
  startReceiver,
  subscribe,
  type Received,
  type Receiver,
} from '../helpers/sandbox-http';

ed.hashes.sha512 = sha512;

const LIMIT_MS = 30_000;
const ALGORITHMS = ['ed25519', 'rsa-pss-sha256', 'rsa-sha256', 'ecdsa-p256'] as const;
/** RSA-2048 with SHA-256 and the maximum salt: 256 − 32 − 2 bytes (Ruby's `salt_length: :max`). */
const KEYGEN_PSS_SALT = 222;

interface Keys {
  ed25519: string;
  rsa2048: string;
  ecdsa: string;
}

let sandbox: Sandbox;
let keys: Keys;
let hook: Receiver;

beforeAll(async () => {
  sandbox = await startSandbox({ retryDelaysMs: [1100] });
  keys = (await api(sandbox, 'GET', '')).body.data.meta.keys;
  hook = await startReceiver([200], '/Hooks/%7Efoo/?b=2&a=1');
}, LIMIT_MS);
afterAll(async () => {
  await sandbox.close();
  await hook.close();
});

/** The endpoint URL as registered: a path and query kept exactly as written. */
const registered = () => hook.url;

interface Message {
  method: string;
  host: string;
  target: string;
  body: string;
  headers: Record<string, string | string[] | undefined>;
}

/** A delivery as the request its registered URL names: host without port, target as written. */
function asMessage(delivery: Received, url: string): Message {
  const afterScheme = url.slice(url.indexOf('//') + 2);
  const authority = afterScheme.slice(0, afterScheme.search(/[/?]|$/));
  return {
    method: 'post',
    host: authority.replace(/:\d+$/, ''),
    target: afterScheme.slice(authority.length).split('#')[0] || '/',
    body: delivery.body,
    headers: delivery.headers,
  };
}

function independentlyVerify(message: Message): { algorithm: string; keyid: string } {
  const header = (name: string) => {
    const value = message.headers[name];
    if (typeof value !== 'string') throw new Error(`no ${name} header`);
    return value;
  };
  const params: Record<string, string> = {};
  for (const part of header('keygen-signature').split(', ')) {
    const eq = part.indexOf('=');
    params[part.slice(0, eq)] = JSON.parse(part.slice(eq + 1));
  }
  expect(params.headers).toBe('(request-target) host date digest');
  const digest =
    'sha-256=' + createHash('sha256').update(Buffer.from(message.body, 'utf8')).digest('base64');
  expect(header('digest')).toBe(digest);
  const data = Buffer.from(
    `(request-target): ${message.method} ${message.target}\nhost: ${message.host}\ndate: ${header('date')}\ndigest: ${digest}`,
  );
  const signature = Buffer.from(params.signature, 'base64');
  const pem = (b64: string) => createPublicKey(Buffer.from(b64, 'base64').toString('utf8'));
  let valid: boolean;
  switch (params.algorithm) {
    case 'ed25519':
      valid = ed.verify(
        signature,
        data,
        Buffer.from(Buffer.from(keys.ed25519, 'base64').toString('utf8'), 'hex'),
      );
      break;
    case 'rsa-pss-sha256':
      valid = verify(
        'sha256',
        data,
        {
          key: pem(keys.rsa2048),
          padding: constants.RSA_PKCS1_PSS_PADDING,
          saltLength: KEYGEN_PSS_SALT,
        },
        signature,
      );
      break;
    case 'rsa-sha256':
      valid = verify(
        'sha256',
        data,
        { key: pem(keys.rsa2048), padding: constants.RSA_PKCS1_PADDING },
        signature,
      );
      break;
    case 'ecdsa-p256':
      // DER: a SEQUENCE of two INTEGERs, not the raw r‖s WebCrypto uses.
      expect(signature[0]).toBe(0x30);
      valid = verify('sha256', data, { key: pem(keys.ecdsa), dsaEncoding: 'der' }, signature);
      break;
    default:
      throw new Error(`unexpected algorithm ${params.algorithm}`);
  }
  if (!valid) throw new Error(`${params.algorithm} signature does not verify`);
  return { algorithm: params.algorithm, keyid: params.keyid };
}

const appVerify = (delivery: Received, url: string) =>
  verifyDelivery({
    body: delivery.body,
    headers: delivery.headers as Record<string, string>,
    endpointUrl: url,
    keys,
  });

test.each(ALGORITHMS)(
  '%s deliveries pass the app’s verifier and the independent one; a changed body fails both',
  async (algorithm) => {
    const from = hook.received.length;
    await subscribe(sandbox, registered(), {
      signatureAlgorithm: algorithm,
      subscriptions: ['license.updated'],
    });
    await api(sandbox, 'PATCH', `/licenses/${sandbox.seed.licenses.active.id}`, {
      body: { data: { type: 'licenses', attributes: { name: `Signed with ${algorithm}` } } },
    });
    await sandbox.idle();
    const mine = hook.received
      .slice(from)
      .filter((d) => d.headers['keygen-signature']?.includes(`algorithm="${algorithm}"`));
    expect(mine).toHaveLength(1);
    const [delivery] = mine;
    expect(delivery.path).toBe('/Hooks/%7Efoo/?b=2&a=1');
    expect(independentlyVerify(asMessage(delivery, registered()))).toEqual({
      algorithm,
      keyid: sandbox.accountId,
    });
    expect(appVerify(delivery, registered())).toMatchObject({
      algorithm,
      keyId: sandbox.accountId,
    });

    const forged = { ...delivery, body: delivery.body.replace('Signed with', 'Forged with') };
    forged.headers = {
      ...delivery.headers,
      digest: 'sha-256=' + createHash('sha256').update(forged.body).digest('base64'),
    };
    expect(() => independentlyVerify(asMessage(forged, registered()))).toThrow('does not verify');
    expect(() => appVerify(forged, registered())).toThrow();
    // Registered elsewhere: the signed target differs, so a replay to another endpoint fails.
    expect(() => appVerify(delivery, registered().replace('%7Efoo', '~foo'))).toThrow();
  },
  LIMIT_MS,
);

test(
  'a retry is re-signed with a fresh Date over the same body and both attempts verify',
  async () => {
    const failing = await startReceiver([500, 200]);
    try {
      await subscribe(sandbox, failing.url, {
        signatureAlgorithm: 'ecdsa-p256',
        subscriptions: ['license.renewed'],
      });
      await api(
        sandbox,
        'POST',
        `/licenses/${sandbox.seed.licenses.expiringSoon.id}/actions/renew`,
      );
      await sandbox.idle();
      expect(failing.received).toHaveLength(2);
      const [first, second] = failing.received;
      expect(second.body).toBe(first.body);
      expect(second.headers.date).not.toBe(first.headers.date);
      for (const attempt of [first, second]) {
        expect(independentlyVerify(asMessage(attempt, failing.url)).algorithm).toBe('ecdsa-p256');
        expect(appVerify(attempt, failing.url).algorithm).toBe('ecdsa-p256');
      }
    } finally {
      await failing.close();
    }
  },
  LIMIT_MS,
);

test.each(ALGORITHMS)(
  'API responses are signed with %s when Keygen-Accept-Signature asks for it',
  async (algorithm) => {
    const target = `/v1/accounts/${sandbox.accountSlug}/licenses?limit=2`;
    const response = await fetch(`${sandbox.baseUrl}${target}`, {
      headers: {
        Authorization: `Bearer ${sandbox.token}`,
        'Keygen-Accept-Signature': `keyid="${sandbox.accountId}", algorithm="${algorithm}"`,
      },
    });
    const body = await response.text();
    const headers = Object.fromEntries(response.headers.entries());
    expect(
      independentlyVerify({ method: 'get', host: '127.0.0.1', target, body, headers }),
    ).toEqual({
      algorithm,
      keyid: sandbox.accountId,
    });
  },
  LIMIT_MS,
);

test('an unknown Keygen-Accept-Signature algorithm is a 400', async () => {
  const { status, body } = await api(sandbox, 'GET', '/me', {
    headers: { 'Keygen-Accept-Signature': 'algorithm="hmac-sha256"' },
  });
  expect(status).toBe(400);
  expect(body.errors[0].detail).toBe('invalid accept-signature header (unsupported algorithm)');
});
