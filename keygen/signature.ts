// Verifies one Keygen webhook delivery (draft-cavage HTTP signature over request-target, host,
// date and digest). Pure: no I/O, no globals besides a cache of imported public keys.
import { constants, createHash, createPublicKey, verify, type KeyObject } from 'node:crypto';

// Keygen re-signs every retry with a fresh Date, but Zapier may queue or replay a delivery for
// minutes before perform runs.
export const MAX_AGE_MS = 15 * 60 * 1000;
// Keygen's clock and Zapier's are not the same clock.
export const MAX_SKEW_AHEAD_MS = 5 * 60 * 1000;

export type SignatureFailureReason =
  | 'missing-signature'
  | 'malformed-signature'
  | 'unsupported-algorithm'
  | 'unsigned-headers'
  | 'missing-digest'
  | 'digest-mismatch'
  | 'missing-date'
  | 'invalid-date'
  | 'stale-date'
  | 'future-date'
  | 'missing-key'
  | 'invalid-key'
  | 'bad-signature'
  | 'invalid-endpoint-url';

export class SignatureError extends Error {
  readonly reason: SignatureFailureReason;

  constructor(reason: SignatureFailureReason, message: string) {
    super(message);
    this.name = 'SignatureError';
    this.reason = reason;
  }
}

/** The strings of `data.meta.keys` from `GET /v1/accounts/{id}`, as Keygen returns them. */
export interface VerifyKeys {
  ed25519?: string | null;
  rsa2048?: string | null;
  ecdsa?: string | null;
}

export interface DeliveryToVerify {
  /** Raw body as received (`bundle.rawRequest.content`). */
  body: string;
  /** `bundle.rawRequest.headers`, or any header map: names are matched case-insensitively. */
  headers: Record<string, string | undefined>;
  /** The URL registered with Keygen at subscribe time; never a value taken from the delivery. */
  endpointUrl: string;
  keys: VerifyKeys;
  now?: number | Date;
}

export interface VerifiedDelivery {
  algorithm: string;
  /** The account UUID as claimed by the header. It is not covered by the signature. */
  keyId: string;
  date: Date;
}

const SIGNED_HEADERS = '(request-target) host date digest';

interface Algorithm {
  key: keyof VerifyKeys;
  check(data: Buffer, key: KeyObject, signature: Buffer): boolean;
}

// A Map rather than an object literal so names like "constructor" are simply unknown.
const ALGORITHMS = new Map<string, Algorithm>([
  ['ed25519', { key: 'ed25519', check: (data, key, sig) => verify(null, data, key, sig) }],
  [
    'rsa-pss-sha256',
    {
      key: 'rsa2048',
      // Keygen (Ruby OpenSSL) signs with the maximum salt length; AUTO accepts any.
      check: (data, key, sig) =>
        verify(
          'sha256',
          data,
          {
            key,
            padding: constants.RSA_PKCS1_PSS_PADDING,
            saltLength: constants.RSA_PSS_SALTLEN_AUTO,
          },
          sig,
        ),
    },
  ],
  ['rsa-sha256', { key: 'rsa2048', check: (data, key, sig) => verify('sha256', data, key, sig) }],
  [
    'ecdsa-p256',
    {
      key: 'ecdsa',
      check: (data, key, sig) => verify('sha256', data, { key, dsaEncoding: 'der' }, sig),
    },
  ],
]);

export function verifyDelivery(input: DeliveryToVerify): VerifiedDelivery {
  const { headers } = input;
  const params = parseSignatureHeader(headerValue(headers, 'Keygen-Signature'));
  const { algorithm } = params;

  const digest = checkDigest(
    input.body,
    headerValue(headers, 'Digest') ?? headerValue(headers, 'Keygen-Digest'),
  );
  const dateHeader = headerValue(headers, 'Date') ?? headerValue(headers, 'Keygen-Date');
  const date = checkDate(dateHeader, input.now);
  const key = importKey(params.name, algorithm.key, input.keys[algorithm.key]);
  const { host, target } = splitEndpointUrl(input.endpointUrl);

  const data = Buffer.from(
    `(request-target): post ${target}\nhost: ${host}\ndate: ${dateHeader}\ndigest: ${digest}`,
    'utf8',
  );
  let valid: boolean;
  try {
    valid = algorithm.check(data, key, Buffer.from(params.signature, 'base64'));
  } catch {
    // OpenSSL throws rather than returning false for some malformed signatures (bad DER, ...).
    valid = false;
  }
  if (!valid) {
    throw new SignatureError(
      'bad-signature',
      `Signature check failed: the ${params.name} signature does not match this account's key for this endpoint URL: it was signed for another URL, another account, or the content was altered.`,
    );
  }
  return { algorithm: params.name, keyId: params.keyid, date };
}

/**
 * Whether deliveries to this endpoint could ever verify: the signed host and path can be rebuilt
 * from its URL, and every key given imports. Subscribe checks it before storing a subscription.
 */
export function checkVerifiable(endpointUrl: string, keys: VerifyKeys): void {
  splitEndpointUrl(endpointUrl);
  for (const kind of ['ed25519', 'rsa2048', 'ecdsa'] as const) {
    if (keys[kind]) importKey(kind, kind, keys[kind]);
  }
}

/** Case-insensitive lookup that also finds Zapier's `Http-`-prefixed form of a header. */
export function headerValue(
  headers: Record<string, string | undefined>,
  name: string,
): string | undefined {
  const plain = name.toLowerCase();
  const prefixed = `http-${plain}`;
  let fallback: string | undefined;
  for (const [key, value] of Object.entries(headers ?? {})) {
    // Header maps come from outside: ignore anything that is not a string.
    if (typeof value !== 'string') continue;
    const lower = key.toLowerCase();
    if (lower === plain) return value;
    if (lower === prefixed) fallback ??= value;
  }
  return fallback;
}

interface SignatureParams {
  keyid: string;
  name: string;
  algorithm: Algorithm;
  signature: string;
}

const REQUIRED_PARAMS = ['keyid', 'algorithm', 'signature', 'headers'] as const;
// Linear: a repeated group over a long signature overflows the regex engine's stack.
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;
// An RSA-4096 signature is 684 base64 characters; Keygen's whole header stays far below this.
const MAX_SIGNATURE_HEADER = 4096;

function parseSignatureHeader(header: string | undefined): SignatureParams {
  if (header === undefined || header.trim() === '') {
    throw new SignatureError(
      'missing-signature',
      'Signature check failed: the delivery has no Keygen-Signature header, so it cannot be shown to come from Keygen.',
    );
  }
  const malformed = (why: string) =>
    new SignatureError(
      'malformed-signature',
      `Signature check failed: the Keygen-Signature header ${why}.`,
    );

  if (header.length > MAX_SIGNATURE_HEADER) {
    throw malformed(`is ${header.length} characters long, more than any real signature`);
  }
  const params = new Map<string, string>();
  const param = /\s*([A-Za-z][\w-]*)\s*=\s*"([^"]*)"\s*(,?)/y;
  while (param.lastIndex < header.length) {
    const start = param.lastIndex;
    const match = param.exec(header);
    if (!match)
      throw malformed(
        `is not a list of name="value" pairs (unparsable from character ${start + 1})`,
      );
    const [, name, value, comma] = match;
    if (!(REQUIRED_PARAMS as readonly string[]).includes(name)) {
      // Keygen sends exactly these four; anything else (a "Signature" beside "signature") is
      // someone else's doing, and would only be ignored.
      throw malformed(`has an unknown parameter "${name}"`);
    }
    if (params.has(name)) throw malformed(`has the parameter "${name}" twice`);
    params.set(name, value);
    // Exactly one comma between pairs, none after the last.
    const atEnd = param.lastIndex === header.length;
    if (comma === '' ? !atEnd : atEnd) {
      throw malformed(comma === '' ? 'is missing a comma between parameters' : 'ends with a comma');
    }
  }
  const missing = REQUIRED_PARAMS.filter((name) => !params.has(name));
  if (missing.length > 0) throw malformed(`lacks ${missing.map((n) => `"${n}"`).join(', ')}`);

  const name = params.get('algorithm')!;
  const algorithm = ALGORITHMS.get(name);
  if (!algorithm) {
    throw new SignatureError(
      'unsupported-algorithm',
      `Signature check failed: unsupported algorithm "${name}" (expected one of ${[...ALGORITHMS.keys()].join(', ')}).`,
    );
  }
  const signed = params.get('headers')!.trim().split(/\s+/).join(' ');
  if (signed !== SIGNED_HEADERS) {
    throw new SignatureError(
      'unsigned-headers',
      `Signature check failed: the signature covers "${signed}", not "${SIGNED_HEADERS}", so parts of the delivery would be unprotected.`,
    );
  }
  const signature = params.get('signature')!;
  // Keygen sends signature="" when it failed to sign; nothing can verify, so it is malformed.
  if (signature === '')
    throw malformed('has an empty signature (Keygen could not sign this delivery)');
  // Canonical only: unused bits of the last character would let one signature be written
  // several ways.
  if (
    signature.length % 4 !== 0 ||
    !BASE64.test(signature) ||
    Buffer.from(signature, 'base64').toString('base64') !== signature
  ) {
    throw malformed('has a signature that is not valid base64');
  }
  return { keyid: params.get('keyid')!, name, algorithm, signature };
}

function checkDigest(body: string, header: string | undefined): string {
  const digest = `sha-256=${createHash('sha256').update(Buffer.from(body, 'utf8')).digest('base64')}`;
  if (header === undefined || header.trim() === '') {
    throw new SignatureError(
      'missing-digest',
      'Digest check failed: the delivery has no Digest header.',
    );
  }
  if (header.trim() !== digest) {
    throw new SignatureError(
      'digest-mismatch',
      'Digest check failed: the Digest header does not match the SHA-256 of the body, so the body was altered after Keygen signed it.',
    );
  }
  return digest;
}

// RFC 7231 IMF-fixdate, the only format Keygen sends (Ruby Time#httpdate).
const IMF_FIXDATE =
  /^(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} (?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d{2}:\d{2}:\d{2} GMT$/;

function checkDate(header: string | undefined, now: number | Date | undefined): Date {
  if (header === undefined || header.trim() === '') {
    throw new SignatureError('missing-date', 'Date check failed: the delivery has no Date header.');
  }
  const time = IMF_FIXDATE.test(header) ? Date.parse(header) : NaN;
  if (Number.isNaN(time)) {
    throw new SignatureError(
      'invalid-date',
      `Date check failed: the Date header "${header}" is not an RFC 7231 date like "Tue, 30 Jun 2026 19:51:48 GMT".`,
    );
  }
  const ageMs = (now instanceof Date ? now.getTime() : (now ?? Date.now())) - time;
  if (ageMs < -MAX_SKEW_AHEAD_MS) {
    throw new SignatureError(
      'future-date',
      `Date check failed: the Date header "${header}" is ${duration(-ageMs)} in the future; at most ${duration(MAX_SKEW_AHEAD_MS)} of clock difference is tolerated.`,
    );
  }
  // Written so that an invalid `now` (NaN) fails closed.
  if (!(ageMs <= MAX_AGE_MS)) {
    throw new SignatureError(
      'stale-date',
      `Date check failed: the Date header "${header}" is ${duration(ageMs)} old; deliveries are accepted for ${duration(MAX_AGE_MS)} after Keygen signs them (it re-signs every retry).`,
    );
  }
  return new Date(time);
}

function duration(ms: number): string {
  const s = Math.round(ms / 1000);
  const parts: [number, string][] = [
    [Math.floor(s / 86400), 'd'],
    [Math.floor(s / 3600) % 24, 'h'],
    [Math.floor(s / 60) % 60, 'm'],
    [s % 60, 's'],
  ];
  return (
    parts
      .filter(([n]) => n !== 0)
      .map(([n, unit]) => `${n}${unit}`)
      .join(' ') || `${ms}ms`
  );
}

// Importing costs 10-120 µs per key; every delivery of an account uses the same few keys. The
// cap only guards against unbounded growth in a long-lived process serving many accounts.
const keyCache = new Map<string, KeyObject>();
const KEY_CACHE_LIMIT = 500;

function importKey(algorithm: string, kind: keyof VerifyKeys, encoded: string | null | undefined) {
  if (!encoded) {
    throw new SignatureError(
      'missing-key',
      `Key check failed: the delivery is signed with ${algorithm}, but the account's "${kind}" verify key is not known.`,
    );
  }
  const cacheKey = `${kind}:${encoded}`;
  let key = keyCache.get(cacheKey);
  if (!key) {
    key = decodeKey(kind, encoded);
    if (keyCache.size >= KEY_CACHE_LIMIT) keyCache.clear();
    keyCache.set(cacheKey, key);
  }
  return key;
}

function decodeKey(kind: keyof VerifyKeys, encoded: string): KeyObject {
  const invalid = (why: string) =>
    new SignatureError('invalid-key', `Key check failed: the account's "${kind}" key ${why}.`);
  const bytes = Buffer.from(encoded, 'base64');
  // Keygen strict-encodes its keys; anything else is not the key it published.
  if (bytes.toString('base64') !== encoded) throw invalid('is not canonical base64');
  const text = bytes.toString('utf8');
  // Keygen publishes the Ed25519 key as base64 of its lower-case hex form: one spelling only.
  if (kind === 'ed25519' && !/^[0-9a-f]{64}$/.test(text)) {
    throw invalid('is not base64 of a 64-digit hex string in lower case');
  }
  let key: KeyObject;
  try {
    key =
      kind === 'ed25519'
        ? // JWK, not DER SPKI: about 10x faster to import on Node 20.
          createPublicKey({
            key: { kty: 'OKP', crv: 'Ed25519', x: Buffer.from(text, 'hex').toString('base64url') },
            format: 'jwk',
          })
        : createPublicKey(text);
  } catch {
    throw invalid('cannot be imported as a public key');
  }
  const type = key.asymmetricKeyType;
  const expected = kind === 'ed25519' ? 'ed25519' : kind === 'rsa2048' ? 'rsa' : 'ec';
  if (
    type !== expected ||
    (kind === 'ecdsa' && key.asymmetricKeyDetails?.namedCurve !== 'prime256v1')
  ) {
    throw invalid(`is a ${type ?? 'unknown'} key, not the expected ${kind} key`);
  }
  return key;
}

// Keygen signs host and path as Ruby's URI parses the registered URL: both as written (no case
// folding or escaping as WHATWG URL would do), host without port or userinfo, fragment dropped.
const URI = /^([A-Za-z][A-Za-z0-9+.-]*):\/\/([^/?#]*)([^?#]*)(?:\?([^#]*))?/;

function splitEndpointUrl(url: string): { host: string; target: string } {
  const match = typeof url === 'string' && !/[\s\p{Cc}]/u.test(url) ? URI.exec(url) : null;
  const scheme = match?.[1].toLowerCase();
  const authority = match?.[2].slice(match[2].lastIndexOf('@') + 1);
  const host = authority?.match(/^(\[[^\]]*\]|[^:[\]]+)(?::\d*)?$/)?.[1];
  if (!match || !host || (scheme !== 'https' && scheme !== 'http')) {
    throw new SignatureError(
      'invalid-endpoint-url',
      `Endpoint check failed: the endpoint URL saved at subscribe time ("${String(url)}") is not an absolute http(s) URL, so the signed host and path cannot be rebuilt. Turn the Zap off and on again.`,
    );
  }
  const [, , , path, query] = match;
  return { host, target: (path || '/') + (query ? `?${query}` : '') };
}
