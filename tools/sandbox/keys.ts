/**
 * The account's signing keys, fresh for every run, and Keygen's signature scheme over them
 * (https://keygen.sh/docs/api/signatures/): one keypair per family, four algorithms.
 */
import {
  constants,
  generateKeyPair,
  sign,
  type KeyObject,
  type KeyPairKeyObjectResult,
} from 'node:crypto';
import { promisify } from 'node:util';

export const SIGNATURE_ALGORITHMS = [
  'ed25519',
  'rsa-pss-sha256',
  'rsa-sha256',
  'ecdsa-p256',
] as const;
export type SignatureAlgorithm = (typeof SIGNATURE_ALGORITHMS)[number];

export interface AccountKeys {
  ed25519: KeyPairKeyObjectResult;
  rsa2048: KeyPairKeyObjectResult;
  ecdsa: KeyPairKeyObjectResult;
}

const generate = promisify(generateKeyPair);

export async function generateAccountKeys(): Promise<AccountKeys> {
  const [ed25519, rsa2048, ecdsa] = await Promise.all([
    generate('ed25519'),
    generate('rsa', { modulusLength: 2048 }),
    generate('ec', { namedCurve: 'prime256v1' }),
  ]);
  return { ed25519, rsa2048, ecdsa };
}

const base64 = (text: string) => Buffer.from(text, 'utf8').toString('base64');
const pem = (key: KeyObject) => key.export({ type: 'spki', format: 'pem' }).toString();

/**
 * `data.meta.keys` of the account: the Ed25519 key as base64 of its hex, the others as base64 of
 * their PEM.
 */
export function publicKeys(keys: AccountKeys): { ed25519: string; rsa2048: string; ecdsa: string } {
  const raw = Buffer.from(String(keys.ed25519.publicKey.export({ format: 'jwk' }).x), 'base64url');
  return {
    ed25519: base64(raw.toString('hex')),
    rsa2048: base64(pem(keys.rsa2048.publicKey)),
    ecdsa: base64(pem(keys.ecdsa.publicKey)),
  };
}

/** Base64 signature of `data` with the account key the algorithm uses (ECDSA as DER). */
export function signWith(keys: AccountKeys, algorithm: SignatureAlgorithm, data: Buffer): string {
  switch (algorithm) {
    case 'ed25519':
      return sign(null, data, keys.ed25519.privateKey).toString('base64');
    case 'rsa-pss-sha256':
      // Keygen (Ruby OpenSSL) signs with MGF1-SHA256 and the maximum salt length.
      return sign('sha256', data, {
        key: keys.rsa2048.privateKey,
        padding: constants.RSA_PKCS1_PSS_PADDING,
        saltLength: constants.RSA_PSS_SALTLEN_MAX_SIGN,
      }).toString('base64');
    case 'rsa-sha256':
      return sign('sha256', data, keys.rsa2048.privateKey).toString('base64');
    case 'ecdsa-p256':
      return sign('sha256', data, { key: keys.ecdsa.privateKey, dsaEncoding: 'der' }).toString(
        'base64',
      );
  }
}
