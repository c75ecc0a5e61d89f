import type { Bundle, HttpResponse, ZObject } from 'zapier-platform-core';
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

export interface KeygenErrorObject {
  title?: string;
  detail?: string;
  code?: string;
  source?: { pointer?: string; parameter?: string; header?: string };
}

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

async function send<T>(
  z: ZObject,
  bundle: Bundle,
  call: KeygenCall,
  url: string,
): Promise<KeygenResponse<T>> {
  const hasBody = call.body !== undefined;
  const requestHeaders = headers(z, bundle, hasBody);
  let response: HttpResponse;
  try {
    response = await z.request({
      url,
      // No request template to merge in; core's merge would deep-copy these options, which carry
      // the whole compiled app definition, on every request (and set User-Agent: Zapier).
      merge: false,
      method: call.method ?? 'GET',
      headers: requestHeaders,
      body: hasBody ? JSON.stringify(call.body) : undefined,
      skipThrowForStatus: true,
      throwForThrottlingEarly: false,
      timeout: requestLimits.timeoutMs,
    } as Parameters<ZObject['request']>[0]);
  } catch (error) {
    throw unreachable(z, bundle, call, error);
  }
  try {
    return interpret<T>(z, call, response);
  } catch (error) {
    // Keygen's details and a proxy's page are quoted: neither may carry the token back out.
    throw scrubbed(error, bundle);
  }
}

/** The connection's token, as typed and trimmed, and as JSON escapes it: never in a message. */
function secretsOf(bundle: Bundle): string[] {
  const token = bundle.authData.token;
  if (typeof token !== 'string' || token.trim().length < 4) return [];
  return [token, token.trim()]
    .flatMap((value) => [value, JSON.stringify(value).slice(1, -1)])
    .sort((a, b) => b.length - a.length);
}

function redact(text: string, secrets: readonly string[]): string {
  return secrets.reduce((out, secret) => out.split(secret).join('[redacted]'), text);
}

/**
 * The error with the connection's secrets taken out of its message and stack. It is also marked
 * so core does not append its "What happened" trail, which quotes the first 100 characters of
 * Keygen's answer unredacted: our messages already quote what Keygen said, redacted.
 */
function scrubbed<E>(error: E, bundle: Bundle): E {
  if (!(error instanceof Error)) return error;
  const secrets = secretsOf(bundle);
  error.message = redact(error.message, secrets);
  if (error.stack) error.stack = redact(error.stack, secrets);
  (error as { doNotContextify?: boolean }).doNotContextify = true;
  return error;
}

/**
 * z.request failed without an answer. Its message can quote the request (node-fetch quotes a
 * refused header whole), so whatever is passed on is redacted first.
 */
function unreachable(z: ZObject, bundle: Bundle, call: KeygenCall, error: unknown): Error {
  const fault = error instanceof Error ? error : new Error(String(error));
  const network =
    fault.name === 'FetchError' || typeof (fault as { code?: unknown }).code === 'string';
  if (!network) return scrubbed(fault, bundle);
  const root = apiRoot(z, bundle.authData);
  const changes = call.method !== undefined && call.method !== 'GET';
  const outcome = changes
    ? ' Keygen may or may not have done it: check in Keygen before running the step again.'
    : '';
  if ((fault as { type?: unknown }).type === 'request-timeout') {
    return new z.errors.Error(
      `Keygen at ${root} did not answer within ${requestLimits.timeoutMs / 1000} seconds while trying to ${call.action}.${outcome} If this keeps happening, check the Base URL of the connection and Keygen's status.`,
      'KEYGEN_TIMEOUT',
    );
  }
  return new z.errors.Error(
    `Could not reach Keygen at ${root} to ${call.action}: ${redact(fault.message, secretsOf(bundle))}.${outcome} Check the Base URL of the connection; if it is right, Keygen may be briefly unreachable, so try again in a few minutes.`,
    'KEYGEN_UNREACHABLE',
  );
}

function parseBody(response: HttpResponse): unknown {
  if (response.content === undefined || response.content === '') return undefined;
  try {
    return JSON.parse(response.content);
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

/** `Title: detail (code CODE, at /data/attributes/x)` for each of Keygen's errors. */
export function describeKeygenErrors(errors: readonly KeygenErrorObject[]): string {
  return errors
    .map((e) => {
      const text = [e.title, e.detail].filter(Boolean).join(': ') || 'Unknown error';
      const where = e.source?.pointer ?? e.source?.parameter ?? e.source?.header;
      const extra = [e.code && `code ${e.code}`, where && `at ${where}`].filter(Boolean).join(', ');
      return extra ? `${text} (${extra})` : text;
    })
    .join('; ');
}

function interpret<T>(z: ZObject, call: KeygenCall, response: HttpResponse): KeygenResponse<T> {
  const { status } = response;
  const body = parseBody(response);
  if (status === 429) throw throttled(z, call, response, keygenErrors(body));
  if (status >= 500) throw unavailable(z, call, response, keygenErrors(body));
  if ((status === 404 || status === 410) && call.allowNotFound) return { status, data: undefined };
  if (body === INVALID_JSON) throw notKeygen(z, call, response);
  if (status >= 200 && status < 300) {
    // Only "No Content" may be empty: a 200 or 201 without a document is not Keygen's answer.
    if (body === undefined && status !== 204 && status !== 202) throw notKeygen(z, call, response);
    return { status, data: body as T | undefined };
  }
  const errors = keygenErrors(body);
  if (call.accept?.(status, errors)) return { status, data: undefined, errors };
  const said = describeKeygenErrors(errors);
  const code = errors.find((e) => e.code)?.code;
  const hint =
    typeof call.hint === 'function'
      ? call.hint(status, errors)
      : status === 403
        ? undefined
        : call.hint;
  const more = hint ? ` ${hint}` : '';
  switch (status) {
    case 401:
      throw new z.errors.ExpiredAuthError(
        `Keygen rejected the API token (${said || 'Unauthorized'}). Reconnect the Keygen account with a valid admin, environment or product token.`,
      );
    case 403:
      throw new z.errors.Error(
        `The connected token is not allowed to ${call.action}. Keygen said: ${said || 'Access denied'}. Use a token that may do this (an admin token, or a product token for this product's records).${more}`,
        code ?? 'FORBIDDEN',
        status,
      );
    case 404:
      throw new z.errors.Error(
        `Keygen found no ${call.target}. Keygen said: ${said || 'Not found'}. Check the value, and that the token's product or environment can see it.`,
        code ?? 'NOT_FOUND',
        status,
      );
    default:
      throw new z.errors.Error(
        `Keygen could not ${call.action}. Keygen said: ${said || `HTTP ${status}`}.${more}`,
        code ?? `HTTP_${status}`,
        status,
      );
  }
}

function throttled(
  z: ZObject,
  call: KeygenCall,
  response: HttpResponse,
  errors: readonly KeygenErrorObject[],
): Error {
  const header = Number(response.getHeader('retry-after'));
  const delay = Number.isFinite(header) && header > 0 ? Math.ceil(header) : 60;
  const said = describeKeygenErrors(errors) || 'Too many requests';
  return new z.errors.ThrottledError(
    `Keygen's rate limit was reached while trying to ${call.action} (${said}). Zapier will retry in ${delay} seconds.`,
    delay,
  );
}

/** What came back, for a message: an HTML page's title, the content type, or "an empty body". */
function describeBody(response: HttpResponse): string {
  const content = response.content ?? '';
  if (content.trim() === '') return 'an empty body';
  // Bounded: a proxy's page can be large, and only its title is of use.
  const title = /<title>([^<]{1,120})<\/title>/i.exec(content.slice(0, 4096))?.[1]?.trim();
  if (title) return `an HTML page titled "${title}"`;
  return `a body that is not JSON (Content-Type ${response.getHeader('content-type') ?? 'none'})`;
}

/** A server fault (5xx): the one answer that may change by itself, so it says to try again. */
function unavailable(
  z: ZObject,
  call: KeygenCall,
  response: HttpResponse,
  errors: readonly KeygenErrorObject[],
): Error {
  const said = errors.length
    ? `. Keygen said: ${describeKeygenErrors(errors)}`
    : ` with ${describeBody(response)}`;
  return new z.errors.Error(
    `Keygen (or a proxy in front of it) failed while trying to ${call.action}: HTTP ${response.status}${said}. This is usually temporary: try again in a few minutes; if it persists, check Keygen's status and the Base URL of the connection.`,
    'KEYGEN_UNAVAILABLE',
    response.status,
  );
}

/** An answer that is not Keygen's JSON:API: retrying will not change it, the Base URL might. */
function notKeygen(z: ZObject, call: KeygenCall, response: HttpResponse): Error {
  return new z.errors.Error(
    `The server at the connection's Base URL answered HTTP ${response.status} with ${describeBody(response)} while trying to ${call.action}, which is not an answer of the Keygen API. Check the Base URL of the connection: leave it empty for Keygen Cloud, or enter the address your self-hosted Keygen API is served at.`,
    'NOT_KEYGEN_API',
    response.status,
  );
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
  if (
    !url ||
    url.origin !== root.origin ||
    url.username ||
    url.password ||
    !url.pathname.startsWith(root.pathname + account)
  ) {
    z.console.warn(
      "Stopped listing: Keygen's link to the next page does not point under this account on the connection's server, so it was not followed.",
    );
    return undefined;
  }
  return url.href;
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
