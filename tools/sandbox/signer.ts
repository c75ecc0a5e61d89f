/**
 * The headers of one webhook delivery attempt, signed as Keygen signs them (keygen-api app/workers/webhook_worker.rb; https://keygen.sh/docs/api/signatures/):
 * draft-cavage over `(request-target) host date digest`, where host and target come from the
 * endpoint URL exactly as it was registered.
 */
import { createHash } from 'node:crypto';
import { signWith, type AccountKeys, type SignatureAlgorithm } from './keys';

/**
 * Host (no port, case kept) and path plus query as written, the way Ruby's URI reads them: the
 * string is split by hand because WHATWG `URL` lower-cases the host and re-escapes the path.
 */
export function signedTarget(url: string): { host: string; target: string } {
  const match =
    /^[a-z][a-z0-9+.-]*:\/\/(?:[^@/?#]*@)?(\[[^\]]*\]|[^:/?#]*)(?::\d*)?([^?#]*)(?:\?([^#]*))?/i.exec(
      url,
    );
  if (!match) throw new Error(`Cannot sign for the endpoint URL ${url}`);
  const [, host, path, query] = match;
  return { host, target: `${path || '/'}${query ? `?${query}` : ''}` };
}

export function digestOf(body: string): string {
  return `sha-256=${createHash('sha256').update(body, 'utf8').digest('base64')}`;
}

export interface SigningInput {
  accountId: string;
  keys: AccountKeys;
  algorithm: SignatureAlgorithm;
  method: string;
  host: string;
  target: string;
  body: string;
  date: Date;
}

/**
 * `Date`, `Digest` and `Keygen-Signature` (plus their `Keygen-` twins) for one message: a webhook
 * delivery or an API response (https://keygen.sh/docs/api/signatures/), which Keygen signs the same way.
 */
export function signatureHeaders(input: SigningInput): Record<string, string> {
  const date = input.date.toUTCString();
  const digest = digestOf(input.body);
  const signingString = [
    `(request-target): ${input.method.toLowerCase()} ${input.target || '/'}`,
    `host: ${input.host}`,
    `date: ${date}`,
    `digest: ${digest}`,
  ].join('\n');
  const signature = signWith(input.keys, input.algorithm, Buffer.from(signingString, 'utf8'));
  return {
    Date: date,
    Digest: digest,
    'Keygen-Date': date,
    'Keygen-Digest': digest,
    'Keygen-Signature': `keyid="${input.accountId}", algorithm="${input.algorithm}", signature="${signature}", headers="(request-target) host date digest"`,
  };
}

export interface SignedDelivery {
  accountId: string;
  keys: AccountKeys;
  algorithm: SignatureAlgorithm;
  url: string;
  body: string;
  apiVersion: string;
  date: Date;
}

export function deliveryHeaders(delivery: SignedDelivery): Record<string, string> {
  const signed = signatureHeaders({ ...delivery, method: 'POST', ...signedTarget(delivery.url) });
  return {
    'User-Agent': `Keygen/${delivery.apiVersion} (+https://keygen.sh/docs/api/webhooks/)`,
    'Content-Type': 'application/json',
    Date: signed.Date,
    Digest: signed.Digest,
    'Keygen-Date': signed['Keygen-Date'],
    'Keygen-Digest': signed['Keygen-Digest'],
    'Keygen-Signature': signed['Keygen-Signature'],
    'Keygen-Version': delivery.apiVersion,
  };
}
