/**
 * What a license or machine file certifies, read from the certificate itself. Keygen's format: an
 * armour (`-----BEGIN LICENSE FILE-----`) around base64 of `{enc, sig, alg}`, where `enc` is
 * base64 of the JSON:API document (`data`, `included`, `meta`) the signature covers. An
 * encrypted file (`alg` `aes-256-gcm+…`) opens only with the license key, so it yields nothing.
 */
import { isResource, type JsonApiResource } from './normalize';

const ARMOUR = /-----(BEGIN|END) [A-Z ]+-----/g;

function decodeJson(base64: string): unknown {
  try {
    return JSON.parse(Buffer.from(base64, 'base64').toString('utf8'));
  } catch {
    return undefined;
  }
}

/** The certified record (`data`) of an unencrypted certificate; `undefined` for anything else. */
export function certifiedResource(certificate: string): JsonApiResource | undefined {
  const envelope = decodeJson(certificate.replace(ARMOUR, '').replace(/\s+/g, '')) as
    { enc?: unknown; alg?: unknown } | undefined;
  if (typeof envelope?.enc !== 'string' || typeof envelope.alg !== 'string') return undefined;
  if (!envelope.alg.startsWith('base64+')) return undefined;
  const data = (decodeJson(envelope.enc) as { data?: unknown } | undefined)?.data;
  return isResource(data) ? data : undefined;
}
