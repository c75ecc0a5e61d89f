/**
 * What subscribe checks before it creates an endpoint: that the Zap's URL and the account's verify
 * keys could ever verify a delivery. Each refusal says what to fix.
 */
import type { Bundle, ZObject } from 'zapier-platform-core';
import { keygen } from '../keygen/client';
import { readAccountKeys } from '../keygen/delivery';
import { SignatureError, checkVerifiable, type VerifyKeys } from '../keygen/signature';

/** Why deliveries to `url` signed with `keys` could never be verified; `undefined` if they could. */
function whyUnverifiable(url: string, keys: VerifyKeys): string | undefined {
  try {
    checkVerifiable(url, keys);
    return undefined;
  } catch (error) {
    if (error instanceof SignatureError) return error.message;
    throw error;
  }
}

/** The URL Zapier gave to subscribe Keygen to, when a signature over it could be checked. */
export function targetUrlOf(z: ZObject, bundle: Bundle): string {
  const url = bundle.targetUrl;
  if (!url) throw new z.errors.Error('Zapier gave no URL to subscribe Keygen to.', 'NO_TARGET_URL');
  if (whyUnverifiable(url, {}) !== undefined) {
    throw new z.errors.Error(
      `Zapier's webhook URL "${url}" is not an absolute http(s) URL, so Keygen's signature over it could never be checked. Turn the Zap off and on again; if it persists, contact support.`,
      'UNVERIFIABLE_TARGET_URL',
    );
  }
  return url;
}

/** The account's verify keys, read once at subscribe time; they must verify deliveries to `url`. */
export async function readVerifyKeys(z: ZObject, bundle: Bundle, url: string): Promise<VerifyKeys> {
  const account = await keygen(z, bundle, {
    path: [],
    action: 'read the account (for its webhook verify keys)',
    target: `account "${bundle.authData.accountId}"`,
  });
  let keys: VerifyKeys;
  try {
    keys = readAccountKeys(account.data);
  } catch (error) {
    throw new z.errors.Error((error as Error).message, 'NO_VERIFY_KEYS');
  }
  // The endpoint is created for ed25519: without that key no delivery could ever be verified.
  if (!keys.ed25519) {
    throw new z.errors.Error(
      "Keygen's account answer has no ed25519 verify key, so deliveries could not be verified. Check that the token may read the account.",
      'NO_VERIFY_KEYS',
    );
  }
  const unusable = whyUnverifiable(url, keys);
  if (unusable !== undefined) {
    throw new z.errors.Error(
      `Keygen's account answer has a verify key that cannot be used, so deliveries could never be verified: ${unusable} Check the Base URL and Account ID of the connection.`,
      'NO_VERIFY_KEYS',
    );
  }
  return keys;
}
