// The saved-delivery file `npm run inspect` reads and the relay writes: one webhook delivery as it
// arrived, with what is needed to verify it (the endpoint URL it was signed for, the account's
// public key).
import { createPublicKey } from 'node:crypto';
import { z } from 'zod';
import type { VerifyKeys } from '../../keygen/signature';

export const deliveryFile = z.object({
  endpointUrl: z.string().min(1),
  publicKey: z.string().min(1),
  headers: z.record(z.string(), z.string()),
  body: z.string(),
  receivedAt: z.iso.datetime({ offset: true }).optional(),
});

export type DeliveryFile = z.infer<typeof deliveryFile>;

/** The format as `--help` shows it. */
export const DELIVERY_FILE_HELP = `A delivery file is JSON:
  {
    "endpointUrl": "https://hooks.zapier.com/hooks/standard/123/abc/",
    "publicKey":   "<the account's public key>",
    "headers":     { "Date": "...", "Digest": "sha-256=...", "Keygen-Signature": "keyid=..." },
    "body":        "{\\"data\\":{\\"id\\":\\"...\\",\\"type\\":\\"webhook-events\\",...}}",
    "receivedAt":  "2026-06-30T19:51:50Z"
  }
  endpointUrl  the webhook endpoint's URL exactly as registered in Keygen (Keygen signs its host,
               path and query)
  publicKey    Keygen dashboard > Settings > Public keys, or data.meta.keys of
               GET /v1/accounts/{account}: the Ed25519 key as 64 hex digits or as the API's
               base64, or an RSA/ECDSA key as PEM or the API's base64 of the PEM
  headers      the request's headers, names in any case; Zapier's Http-Keygen-Signature form
               (bundle.rawRequest.headers) works too
  body         the raw request body as one string, byte for byte (not re-formatted JSON)
  receivedAt   optional: when it arrived; the Date header is checked against it (15 minutes
               old to 5 minutes ahead) instead of against now`;

export class UnusableInput extends Error {
  override name = 'UnusableInput';
}

const base64 = (text: string) => Buffer.from(text, 'utf8').toString('base64');
const HEX_KEY = /^[0-9a-fA-F]{64}$/;

/** The key as `data.meta.keys` would hold it, under the name of its family. */
export function verifyKeysOf(publicKey: string): VerifyKeys {
  const text = publicKey.trim();
  if (HEX_KEY.test(text)) return { ed25519: base64(text) };
  if (text.includes('-----BEGIN')) return pemKeys(text);
  const decoded = /^[A-Za-z0-9+/=\s]+$/.test(text)
    ? Buffer.from(text, 'base64').toString('utf8').trim()
    : '';
  if (HEX_KEY.test(decoded)) return { ed25519: text };
  if (decoded.includes('-----BEGIN')) return pemKeys(decoded);
  throw new UnusableInput(
    'publicKey is not an Ed25519 key (64 hex digits, or base64 of them as the API shows it) nor a PEM public key (or base64 of one). Copy it from the Keygen dashboard (Settings) or from data.meta.keys of GET /v1/accounts/{account}.',
  );
}

function pemKeys(pem: string): VerifyKeys {
  let type: string | undefined;
  let key;
  try {
    key = createPublicKey(pem);
    type = key.asymmetricKeyType;
  } catch {
    throw new UnusableInput('publicKey looks like PEM but is not a readable public key.');
  }
  if (type === 'rsa') return { rsa2048: base64(pem) };
  if (type === 'ec') return { ecdsa: base64(pem) };
  if (type === 'ed25519') {
    const x = String(key.export({ format: 'jwk' }).x);
    return { ed25519: base64(Buffer.from(x, 'base64url').toString('hex')) };
  }
  throw new UnusableInput(
    `publicKey is a ${type ?? 'unknown'} key; Keygen signs with Ed25519, RSA or ECDSA P-256.`,
  );
}

/** Reads a file's JSON text; every problem is an UnusableInput that says what to fix. */
export function parseDeliveryFile(text: string): DeliveryFile {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new UnusableInput(`The file is not JSON: ${(error as Error).message}.`);
  }
  const parsed = deliveryFile.safeParse(json);
  if (!parsed.success) {
    const problems = parsed.error.issues
      .slice(0, 5)
      .map((issue) => `${issue.path.map(String).join('.') || '(file)'}: ${issue.message}`);
    throw new UnusableInput(
      `The file is not a delivery file (${problems.join('; ')}). See --help for the format.`,
    );
  }
  return parsed.data;
}

export function savedDelivery(delivery: {
  endpointUrl: string;
  publicKey: string;
  headers: Record<string, string>;
  body: string;
  receivedAt: Date;
}): DeliveryFile {
  return { ...delivery, receivedAt: delivery.receivedAt.toISOString() };
}
