// An independent Keygen delivery signer for tests. It deliberately shares no code with
// keygen/signature.ts (own URL split, own digest, @noble/ed25519 instead of OpenSSL for Ed25519),
// so a bug in the verifier cannot be mirrored here and cancel out.
import { constants, createHash, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import * as ed from '@noble/ed25519';
import { sha512 } from '@noble/hashes/sha2.js';

ed.hashes.sha512 = sha512;

export type Algorithm = 'ed25519' | 'rsa-pss-sha256' | 'rsa-sha256' | 'ecdsa-p256';

export interface AccountKeys {
  /** What Keygen returns in `data.meta.keys`. */
  meta: { ed25519: string; rsa2048: string; ecdsa: string };
  private: { ed25519: Uint8Array; rsa2048: KeyObject; ecdsa: KeyObject };
}

const b64 = (text: string) => Buffer.from(text, 'utf8').toString('base64');

export function makeAccountKeys(): AccountKeys {
  const edSecret = ed.utils.randomSecretKey();
  const edPublicHex = Buffer.from(ed.getPublicKey(edSecret)).toString('hex');
  const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const ec = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const pem = (key: KeyObject) => key.export({ type: 'spki', format: 'pem' }).toString();
  return {
    meta: {
      ed25519: b64(edPublicHex),
      rsa2048: b64(pem(rsa.publicKey)),
      ecdsa: b64(pem(ec.publicKey)),
    },
    private: { ed25519: edSecret, rsa2048: rsa.privateKey, ecdsa: ec.privateKey },
  };
}

export interface SignOptions {
  body: string;
  url: string;
  keys: AccountKeys;
  algorithm?: Algorithm;
  date?: Date;
  accountId?: string;
  /** Default true: `Http-`-prefixed names as in Zapier's `bundle.rawRequest.headers`. */
  zapierHeaders?: boolean;
}

export function signDelivery(opts: SignOptions): Record<string, string> {
  const algorithm = opts.algorithm ?? 'ed25519';
  const date = (opts.date ?? new Date()).toUTCString();
  const digest = `sha-256=${createHash('sha256').update(opts.body, 'utf8').digest('base64')}`;

  const url = /^https?:\/\/(?:[^@/]*@)?([^:/?#]+)(?::\d+)?([^?#]*)(?:\?([^#]*))?/i.exec(opts.url);
  if (!url) throw new Error(`signDelivery: cannot split URL ${opts.url}`);
  const [, host, path, query] = url;
  const target = `${path || '/'}${query ? `?${query}` : ''}`;
  const message = Buffer.from(
    [
      `(request-target): post ${target}`,
      `host: ${host}`,
      `date: ${date}`,
      `digest: ${digest}`,
    ].join('\n'),
  );

  const signature = Buffer.from(signWith(algorithm, message, opts.keys.private)).toString('base64');
  const accountId = opts.accountId ?? '1fddcec8-8dd3-4d8d-9b16-215cac0f9b52';
  const headers: [string, string][] = [
    ['User-Agent', 'Keygen/1.8 (+https://keygen.sh/docs/api/webhooks/)'],
    ['Content-Type', 'application/json'],
    ['Date', date],
    ['Digest', digest],
    ['Keygen-Date', date],
    ['Keygen-Digest', digest],
    [
      'Keygen-Signature',
      `keyid="${accountId}", algorithm="${algorithm}", signature="${signature}", headers="(request-target) host date digest"`,
    ],
    ['Keygen-Version', '1.8'],
  ];
  const zapier = opts.zapierHeaders ?? true;
  return Object.fromEntries(
    headers.map(([name, value]) => [
      zapier && name !== 'Content-Type' ? `Http-${name}` : name,
      value,
    ]),
  );
}

function signWith(algorithm: Algorithm, message: Buffer, keys: AccountKeys['private']): Uint8Array {
  switch (algorithm) {
    case 'ed25519':
      return ed.sign(message, keys.ed25519);
    case 'rsa-pss-sha256':
      // Ruby's OpenSSL sign_pss(salt_length: :max), as Keygen does.
      return sign('sha256', message, {
        key: keys.rsa2048,
        padding: constants.RSA_PKCS1_PSS_PADDING,
        saltLength: constants.RSA_PSS_SALTLEN_MAX_SIGN,
      });
    case 'rsa-sha256':
      return sign('sha256', message, keys.rsa2048);
    case 'ecdsa-p256':
      return sign('sha256', message, { key: keys.ecdsa, dsaEncoding: 'der' });
  }
}
