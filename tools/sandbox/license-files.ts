/**
 * License and machine files (keygen-api app/controllers/api/v1/licenses/actions/checkouts_controller.rb): the record rendered as a JSON:API
 * document with `meta{issued, expiry, ttl}`, base64-encoded (or AES-256-GCM encrypted with the
 * license key), signed as `license/<enc>` or `machine/<enc>`, and wrapped in a PEM-like
 * certificate whose base64 is broken into 60-character lines, as Ruby's encode64 does.
 */
import { createCipheriv, createHash, randomBytes, randomUUID } from 'node:crypto';
import { badRequest } from './errors';
import { ok, type Reply } from './http';
import { SIGNATURE_ALGORITHMS, signWith, type AccountKeys, type SignatureAlgorithm } from './keys';
import type { Context, Resource } from './serializers';

/** ActiveSupport's 1.month, Keygen's default TTL. */
export const DEFAULT_TTL_SECONDS = 2_629_746;
const MIN_TTL_SECONDS = 3600;

export interface CheckoutOptions {
  ttl?: number | null;
  include?: string[];
  encrypt?: boolean;
  algorithm?: string;
}

export interface CheckoutSubject {
  kind: 'license' | 'machine';
  record: Resource;
  /** Resources each allowed `include` adds to the file's `included`. */
  includes: Record<string, () => Resource[]>;
  /** The AES key's secret when encrypting: the license key (plus the fingerprint for machines). */
  secret: string;
  licenseId: string;
  machineId?: string;
}

/** The query or `meta` of a check-out request as options, with Keygen's 400s for bad ones. */
export function readCheckoutOptions(
  query: URLSearchParams,
  meta: Record<string, unknown>,
): CheckoutOptions {
  const pick = (name: string): unknown =>
    name in meta ? meta[name] : (query.get(name) ?? undefined);
  const includes = Array.isArray(meta.include)
    ? meta.include
    : query.getAll('include[]').length > 0
      ? query.getAll('include[]')
      : query.get('include')?.split(',');
  const rawTtl = pick('ttl');
  let ttl: number | null | undefined;
  if (rawTtl === null || rawTtl === '') ttl = null;
  else if (rawTtl !== undefined) {
    ttl = Number(rawTtl);
    if (!Number.isInteger(ttl))
      throw badRequest('type mismatch (expected integer)', { parameter: 'ttl' });
  }
  const encrypt = pick('encrypt');
  return {
    ttl,
    include: includes?.map(String),
    encrypt: encrypt === true || encrypt === 'true' || encrypt === '1',
    algorithm: typeof pick('algorithm') === 'string' ? String(pick('algorithm')) : undefined,
  };
}

function wrap60(text: string): string {
  return text.match(/.{1,60}/g)?.join('\n') ?? '';
}

function encrypt(plain: string, secret: string): string {
  const key = createHash('sha256').update(secret).digest();
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  const ciphertext = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
  return [ciphertext, iv, cipher.getAuthTag()].map((part) => part.toString('base64')).join('.');
}

export function checkOut(
  ctx: Context,
  keys: AccountKeys,
  subject: CheckoutSubject,
  options: CheckoutOptions,
): Resource {
  const ttl = options.ttl === undefined ? DEFAULT_TTL_SECONDS : options.ttl;
  if (ttl !== null && ttl < MIN_TTL_SECONDS) {
    throw badRequest(
      'must be greater than or equal to 3600 (1 hour)',
      { parameter: 'ttl' },
      'CHECKOUT_TTL_INVALID',
    );
  }
  const include = (options.include ?? []).map((name) => (name === 'user' ? 'owner' : name));
  if (include.some((name) => !Object.hasOwn(subject.includes, name))) {
    throw badRequest('invalid includes', { parameter: 'include' }, 'CHECKOUT_INCLUDE_INVALID');
  }
  const algorithm = options.algorithm ?? `${options.encrypt ? 'aes-256-gcm' : 'base64'}+ed25519`;
  const [encoding, signing] = algorithm.split('+', 2);
  if (!['aes-256-gcm', 'base64'].includes(encoding)) {
    throw badRequest(
      'invalid encoding algorithm',
      { parameter: 'algorithm' },
      'CHECKOUT_ALGORITHM_INVALID',
    );
  }
  if (!(SIGNATURE_ALGORITHMS as readonly string[]).includes(signing ?? '')) {
    throw badRequest(
      'invalid signing algorithm',
      { parameter: 'algorithm' },
      'CHECKOUT_ALGORITHM_INVALID',
    );
  }
  const issued = new Date();
  const expiry = ttl === null ? null : new Date(issued.getTime() + ttl * 1000).toISOString();
  const included = include.flatMap((name) => subject.includes[name]());
  const document = JSON.stringify({
    data: subject.record,
    ...(include.length > 0 ? { included } : {}),
    meta: { issued: issued.toISOString(), expiry, ttl },
  });
  const enc =
    encoding === 'aes-256-gcm'
      ? encrypt(document, subject.secret)
      : Buffer.from(document, 'utf8').toString('base64');
  const sig = signWith(
    keys,
    signing as SignatureAlgorithm,
    Buffer.from(`${subject.kind}/${enc}`, 'utf8'),
  );
  const certificate = [
    `-----BEGIN ${subject.kind.toUpperCase()} FILE-----`,
    wrap60(Buffer.from(JSON.stringify({ enc, sig, alg: algorithm }), 'utf8').toString('base64')),
    `-----END ${subject.kind.toUpperCase()} FILE-----`,
    '',
  ].join('\n');
  const account = `/v1/accounts/${ctx.account.id}`;
  return {
    id: randomUUID(),
    type: `${subject.kind}-files`,
    attributes: {
      certificate,
      algorithm,
      includes: include,
      ttl,
      expiry,
      issued: issued.toISOString(),
    },
    relationships: {
      account: { links: { related: account }, data: { type: 'accounts', id: ctx.account.id } },
      license: {
        links: { related: `${account}/licenses/${subject.licenseId}` },
        data: { type: 'licenses', id: subject.licenseId },
      },
      ...(subject.machineId
        ? {
            machine: {
              links: { related: `${account}/machines/${subject.machineId}` },
              data: { type: 'machines', id: subject.machineId },
            },
          }
        : {}),
    },
  };
}

/** Check-out's answer: the license-files document to a POST, the `.lic` file itself to a GET. */
export function checkoutReply(method: string, file: Resource, recordId: string): Reply {
  if (method !== 'GET') return ok({ data: file });
  return {
    status: 200,
    text: file.attributes.certificate as string,
    headers: {
      'Content-Type': 'application/octet-stream',
      'Content-Disposition': `attachment; filename="${recordId}.lic"`,
    },
  };
}
