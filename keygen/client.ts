import type { Bundle, ZObject } from 'zapier-platform-core';
import {
  keygenError,
  notKeygen,
  redirected,
  refused,
  scrubbed,
  throttled,
  unavailable,
  unreachable,
  type Answer,
  type KeygenErrorObject,
  type KeygenFailure,
} from './client-error';
import { VERSION } from '../platform/version';

/** The API version every request and every webhook endpoint is pinned to, so payload shapes never drift. */
export const KEYGEN_API_VERSION = '1.8';
export const DEFAULT_BASE_URL = 'https://api.keygen.sh';

const JSON_API = 'application/vnd.api+json';
/** Keygen's page size maximum. */
export const MAX_PAGE_SIZE = 100;
/** Bounds a listing so one Zap step never walks an account's whole history. */
export const MAX_PAGES = 10;

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
export type QueryValue = string | number | boolean | readonly string[] | null | undefined;
export type Query = Record<string, QueryValue>;

export interface KeygenCall {
  method?: Method;
  /** Path segments after `/v1/accounts/{account}`; each one is encoded as a single segment. */
  path: readonly string[];
  query?: Query;
  body?: unknown;
  /** What the call does, as a verb phrase for messages: `suspend license "ABC-123"`. */
  action: string;
  /** What the call looks up, as a noun phrase for 404 messages: `license "ABC-123"`. */
  target: string;
  /** Answer a 404 (or 410) with its status instead of an error: searches, unsubscribe. */
  allowNotFound?: boolean;
  /**
   * Keygen errors that mean success for this call (suspending a suspended license): answered with
   * the status and errors instead of thrown.
   */
  accept?: (status: number, errors: readonly KeygenErrorObject[]) => boolean;
  /**
   * What to change, added to the message of a refusal whose errors don't say it: a string for any
   * 4xx but 401, 403 and 404 (renew's empty 422), or chosen from the status and Keygen's errors.
   */
  hint?: string | ((status: number, errors: readonly KeygenErrorObject[]) => string | undefined);
}

export interface KeygenResponse<T> {
  status: number;
  data: T | undefined;
  /** Keygen's errors, for an answer `accept` took as success. */
  errors?: readonly KeygenErrorObject[];
}

export type { KeygenErrorObject, KeygenFailure } from './client-error';
export { describeKeygenErrors, keygenError, keygenFailure } from './client-error';

/**
 * The API root for the connected account's server: the default Keygen Cloud host, or a self-hosted
 * server's URL with any path prefix kept, a trailing slash and a pasted `/v1` tolerated.
 */
export function apiRoot(z: ZObject, authData: Bundle['authData']): string {
  const raw = (authData.baseUrl ?? '').trim();
  if (raw === '') return DEFAULT_BASE_URL;
  const quoted = quoteBaseUrl(raw);
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new z.errors.Error(
      `The Base URL${quoted} is not a URL. Enter your self-hosted Keygen server's address, such as https://keygen.example.com, or leave the field empty for Keygen Cloud.`,
      'INVALID_BASE_URL',
    );
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new z.errors.Error(
      `The Base URL${quoted} must start with https:// (or http://). Enter your self-hosted Keygen server's address, or leave the field empty for Keygen Cloud.`,
      'INVALID_BASE_URL',
    );
  }
  if (url.search || url.hash || url.username || url.password) {
    // Not echoed: what follows `?` or precedes `@` may be a secret.
    throw new z.errors.Error(
      "The Base URL must not contain a query (?…), a fragment (#…) or credentials (user:password@): enter only the server's address, such as https://keygen.example.com.",
      'INVALID_BASE_URL',
    );
  }
  // Tolerates a pasted `/v1`, or a whole API URL such as `…/v1/accounts/acme/me`.
  const path = url.pathname.replace(/\/+$/, '').replace(/\/v1(\/.*)?$/i, '');
  return `${url.origin}${path}`;
}

/**
 * The Base URL as typed, for a message, or nothing when it may hold a secret: what precedes `@`
 * (user:password) or follows `?`/`#` is never echoed.
 */
function quoteBaseUrl(raw: string): string {
  return /[@?#]/.test(raw) || raw.length > 200 ? '' : ` "${raw}"`;
}

export function isDefaultApiRoot(root: string): boolean {
  return root === DEFAULT_BASE_URL;
}

/**
 * One path segment, percent-encoded. `.` and `..` are refused: URL parsers resolve them (even
 * encoded as `%2e`) as "this" and "parent" folder, so they could never reach Keygen as an id. A
 * literal `%2e` is fine: it is sent as `%252e`.
 */
function segment(z: ZObject, value: string): string {
  const invalid = () =>
    new z.errors.Error(
      `"${value}" is not a valid Keygen id, key or email: enter the record's id or key.`,
      'INVALID_ID',
    );
  if (value === '' || /^\.{1,2}$/.test(value)) throw invalid();
  try {
    return encodeURIComponent(value);
  } catch {
    // A lone UTF-16 surrogate has no UTF-8 encoding.
    throw invalid();
  }
}

export function accountUrl(z: ZObject, bundle: Bundle, path: readonly string[]): string {
  const account = segment(z, bundle.authData.accountId ?? '');
  const rest = path.map((part) => `/${segment(z, part)}`).join('');
  return `${apiRoot(z, bundle.authData)}/v1/accounts/${account}${rest}`;
}

function queryString(query: Query | undefined): string {
  if (!query) return '';
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined || value === null || value === '') continue;
    if (Array.isArray(value)) for (const item of value) params.append(`${key}[]`, item);
    else params.append(key, String(value));
  }
  const text = params.toString();
  return text ? `?${text}` : '';
}

// Visible ASCII only: node-fetch refuses anything else in a header and quotes the whole value
// (the token) in its error. Keygen's tokens, ids and environment codes never need more.
const HEADER_SAFE = /^[\x21-\x7e]*$/;

/** A credential trimmed, or an error naming the field, never its value. */
function credential(z: ZObject, value: unknown, label: string): string {
  const result = typeof value === 'string' ? value.trim() : '';
  if (!HEADER_SAFE.test(result)) {
    throw new z.errors.ExpiredAuthError(
      `The ${label} of the Keygen connection contains a character that cannot be sent to Keygen (a space, line break, zero-width space or curly quote, say). Copy it again from the Keygen dashboard, paste it without anything around it, and reconnect.`,
    );
  }
  return result;
}

function headers(z: ZObject, bundle: Bundle, hasBody: boolean): Record<string, string> {
  const result: Record<string, string> = {
    Accept: JSON_API,
    Authorization: `Bearer ${credential(z, bundle.authData.token, 'API Token')}`,
    'Keygen-Version': KEYGEN_API_VERSION,
    'User-Agent': `keygen-zapier/${VERSION}`,
  };
  if (hasBody) result['Content-Type'] = JSON_API;
  const environment = credential(z, bundle.authData.environment, 'Environment');
  if (environment) result['Keygen-Environment'] = environment;
  return result;
}

/** A JSON:API document for a create or update; absent attributes are left out. */
export function resourceDocument(
  type: string,
  attributes: Record<string, unknown> = {},
  relationships: Record<string, { type: string; id: string } | null | undefined> = {},
  id?: string,
): { data: Record<string, unknown> } {
  const data: Record<string, unknown> = { type };
  if (id !== undefined) data.id = id;
  const attrs = Object.fromEntries(Object.entries(attributes).filter(([, v]) => v !== undefined));
  if (Object.keys(attrs).length > 0) data.attributes = attrs;
  const rels = Object.fromEntries(
    Object.entries(relationships)
      .filter(([, v]) => v !== undefined)
      .map(([name, v]) => [name, { data: v }]),
  );
  if (Object.keys(rels).length > 0) data.relationships = rels;
  return { data };
}

export async function keygen<T = unknown>(
  z: ZObject,
  bundle: Bundle,
  call: KeygenCall,
): Promise<KeygenResponse<T>> {
  return send<T>(z, bundle, call, accountUrl(z, bundle, call.path) + queryString(call.query));
}

/**
 * How long one request may take. Zapier gives a whole invocation 30 s, and a subscribe whose
 * create timed out still looks for the endpoint to delete, so a hung server must fail well before
 * that with a message of ours. Tests lower it.
 */
export const requestLimits = { timeoutMs: 12_000 };

/** Redirects followed within the account before giving up: a loop must end with a message. */
export const MAX_REDIRECTS = 5;
const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);

interface Request {
  url: string;
  method: Method;
  body: string | undefined;
}

/**
 * One call, following redirects itself, only to the connection's server under its account (as
 * `links.next` is): node-fetch, left to follow them, keeps the Authorization header for any port
 * or path of the same host name.
 */
async function send<T>(
  z: ZObject,
  bundle: Bundle,
  call: KeygenCall,
  url: string,
): Promise<KeygenResponse<T>> {
  let request: Request = {
    url,
    method: call.method ?? 'GET',
    body: call.body === undefined ? undefined : JSON.stringify(call.body),
  };
  for (let redirects = 0; ; redirects += 1) {
    const answer = await exchange(z, bundle, call, request);
    const location = REDIRECT_STATUSES.has(answer.status) ? answer.header('location') : undefined;
    if (!location) return interpret<T>(z, bundle, call, answer);
    const next = parsedUrl(location);
    if (!next || !underAccount(z, bundle, next) || redirects === MAX_REDIRECTS) {
      // Origin and path only: a query may hold anything.
      const where = next ? `${next.origin}${next.pathname}`.slice(0, 200) : 'an invalid URL';
      const failure = redirected(call, answer, {
        root: apiRoot(z, bundle.authData),
        account: String(bundle.authData.accountId),
        where: redirects === MAX_REDIRECTS ? undefined : where,
        maxRedirects: MAX_REDIRECTS,
      });
      throw keygenError(z, bundle, failure);
    }
    // As browsers and node-fetch do: a 303, or a 301/302 after a POST, is followed with a GET.
    const asGet = answer.status === 303 || (request.method === 'POST' && answer.status <= 302);
    request = asGet
      ? { url: next.href, method: 'GET', body: undefined }
      : { ...request, url: next.href };
  }
}

function parsedUrl(text: string): URL | undefined {
  try {
    return new URL(text);
  } catch {
    return undefined;
  }
}

/**
 * One request and its answer's text. The answer is read raw: core then logs the request without
 * its body (zapier-platform-core src/http-middlewares/after/log-response.js logs `req.raw` bodies
 * as a placeholder). A logged body costs more than the request: core's logger
 * (src/tools/create-logger.js, buildSensitiveValues) parses it and takes the value of every key
 * naming a token (each webhook event's `idempotencyToken`) as a secret, then scans the whole log
 * entry once per secret and encoding: a product-scoped performList reading 3 pages of 100 events
 * took about 27 times the fetch and parse of those pages. And a body quoting the token in a form
 * core's scrubber does not know (cut short, HTML-escaped) would reach the log: the client parses
 * the text itself and quotes only what it redacted.
 */
async function exchange(
  z: ZObject,
  bundle: Bundle,
  call: KeygenCall,
  request: Request,
): Promise<Answer> {
  const requestHeaders = headers(z, bundle, request.body !== undefined);
  try {
    const response = (await z.request({
      url: request.url,
      // No request template to merge in; core's merge would deep-copy these options, which carry
      // the whole compiled app definition, on every request (and set User-Agent: Zapier).
      merge: false,
      raw: true,
      redirect: 'manual',
      method: request.method,
      headers: requestHeaders,
      body: request.body,
      skipThrowForStatus: true,
      throwForThrottlingEarly: false,
      timeout: requestLimits.timeoutMs,
    } as Parameters<ZObject['request']>[0])) as unknown as RawResponse;
    // Inside the try: node-fetch's timeout also covers reading the body.
    const content = await response.text();
    return {
      status: response.status,
      content,
      header: (name) => response.getHeader(name) ?? undefined,
    };
  } catch (error) {
    const fault = error instanceof Error ? error : new Error(String(error));
    const root = apiRoot(z, bundle.authData);
    const failure = unreachable(call, root, fault, requestLimits.timeoutMs);
    throw failure ? keygenError(z, bundle, failure) : scrubbed(fault, bundle);
  }
}

/** What z.request answers with `raw: true`: the text is read by the client. */
interface RawResponse {
  status: number;
  text: () => Promise<string>;
  getHeader: (name: string) => string | null | undefined;
}

function parseBody(answer: Answer): unknown {
  if (answer.content === '') return undefined;
  try {
    return JSON.parse(answer.content);
  } catch {
    return INVALID_JSON;
  }
}

const INVALID_JSON = Symbol('invalid JSON');

function keygenErrors(body: unknown): KeygenErrorObject[] {
  const list = (body as { errors?: unknown } | undefined)?.errors;
  return Array.isArray(list)
    ? list.filter((e): e is KeygenErrorObject => typeof e === 'object' && e !== null)
    : [];
}

function interpret<T>(
  z: ZObject,
  bundle: Bundle,
  call: KeygenCall,
  answer: Answer,
): KeygenResponse<T> {
  const { status } = answer;
  const body = parseBody(answer);
  const fail = (failure: KeygenFailure) => keygenError(z, bundle, failure);
  if (status === 429) throw fail(throttled(call, answer, keygenErrors(body)));
  if (status >= 500) throw fail(unavailable(call, answer, keygenErrors(body)));
  if ((status === 404 || status === 410) && call.allowNotFound) return { status, data: undefined };
  if (body === INVALID_JSON) throw fail(notKeygen(call, answer));
  if (status >= 200 && status < 300) {
    // Only "No Content" may be empty: a 200 or 201 without a document is not Keygen's answer.
    if (body === undefined && status !== 204 && status !== 202) throw fail(notKeygen(call, answer));
    return { status, data: body as T | undefined };
  }
  const errors = keygenErrors(body);
  if (call.accept?.(status, errors)) return { status, data: undefined, errors };
  throw fail(refused(call, status, errors));
}

/**
 * The next page, or undefined to stop. Keygen's `links.next` is relative to its own root, so a
 * self-hosted path prefix is put back. Only a link to the connection's own origin, under its
 * account, is followed: any other would send the token elsewhere, so the listing ends there.
 */
function nextPageUrl(z: ZObject, bundle: Bundle, next: unknown): string | undefined {
  if (next === null || next === undefined || next === '') return undefined;
  const root = new URL(`${apiRoot(z, bundle.authData)}/`);
  const account = `v1/accounts/${encodeURIComponent(bundle.authData.accountId ?? '')}/`;
  let url: URL | undefined;
  try {
    url = new URL(String(next), root);
    if (url.origin === root.origin && url.pathname.startsWith(`/${account}`)) {
      url.pathname = root.pathname + url.pathname.slice(1);
    }
  } catch {
    url = undefined;
  }
  if (!url || !underAccount(z, bundle, url)) {
    z.console.warn(
      "Stopped listing: Keygen's link to the next page does not point under this account on the connection's server, so it was not followed.",
    );
    return undefined;
  }
  return url.href;
}

/**
 * Whether a URL is on the connection's server (same origin) under its account: the only place the
 * token is sent, whatever a redirect or a link says.
 */
function underAccount(z: ZObject, bundle: Bundle, url: URL): boolean {
  const root = new URL(`${apiRoot(z, bundle.authData)}/`);
  const account = `${root.pathname}v1/accounts/${encodeURIComponent(bundle.authData.accountId ?? '')}`;
  return (
    url.origin === root.origin &&
    !url.username &&
    !url.password &&
    (url.pathname === account || url.pathname.startsWith(`${account}/`))
  );
}

export interface JsonApiList<R> {
  data: R[];
  links?: { next?: string | null };
}

/**
 * Every record of a listing, following `links.next` (relative to the server root, so the
 * connection's path prefix is put back) up to `maxPages` pages.
 */
export async function keygenList<R>(
  z: ZObject,
  bundle: Bundle,
  call: KeygenCall,
  { pageSize = MAX_PAGE_SIZE, maxPages = MAX_PAGES } = {},
): Promise<R[]> {
  const records: R[] = [];
  let url: string | undefined =
    accountUrl(z, bundle, call.path) +
    queryString({ ...call.query, 'page[size]': pageSize, 'page[number]': 1 });
  for (let page = 0; url && page < maxPages; page += 1) {
    const { data } = await send<JsonApiList<R>>(z, bundle, call, url);
    records.push(...(Array.isArray(data?.data) ? data.data : []));
    url = nextPageUrl(z, bundle, data?.links?.next);
  }
  return records;
}
