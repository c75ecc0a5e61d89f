import type { Bundle, ZObject } from 'zapier-platform-core';
import type { KeygenCall } from './client';
import { redactorOf } from './redact';

export interface KeygenErrorObject {
  title?: string;
  detail?: string;
  code?: string;
  source?: { pointer?: string; parameter?: string; header?: string };
}

/** A Keygen call that failed: what was tried, what came back, and what the user is told. */
export interface KeygenFailure {
  /** The HTTP status of the answer; 0 when none came (unreachable, timed out). */
  status: number;
  /** Keygen's errors, redacted; empty when the answer had none. */
  errors: readonly KeygenErrorObject[];
  /** The call's `action` and `target`. */
  action: string;
  target: string;
  /** The message, code and z.errors class Zapier gets. */
  message: string;
  code: string;
  error: 'Error' | 'ExpiredAuthError' | 'ThrottledError';
  /** Seconds until Zapier retries a throttled call. */
  retryAfter?: number;
}

/** What a call's failure needs of the call. */
type Call = Pick<KeygenCall, 'method' | 'action' | 'target' | 'hint'>;

/** The answer a failure is described from: status, body text and headers. */
export interface Answer {
  status: number;
  content: string;
  header: (name: string) => string | undefined;
}

const FAILURE = Symbol('keygen failure');

/**
 * The failure behind an error the client threw (or `keygenError` made), or undefined for any
 * other error: callers read the status and Keygen's errors here, never from a message.
 */
export function keygenFailure(error: unknown): KeygenFailure | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  return (error as { [FAILURE]?: KeygenFailure })[FAILURE];
}

/**
 * The one place a failure becomes the z.errors error Zapier acts on: message and Keygen's errors
 * redacted, the failure attached (not enumerable) for `keygenFailure`. It is also marked so core
 * does not append its "What happened" trail, which quotes the first 100 characters of Keygen's
 * answer unredacted: the message already quotes what Keygen said, redacted.
 */
export function keygenError(z: ZObject, bundle: Bundle, failure: KeygenFailure): Error {
  const redact = redactorOf(bundle.authData.token);
  const safe: KeygenFailure = Object.freeze({
    ...failure,
    message: redact(failure.message),
    errors: failure.errors.map((e) => redactErrorObject(e, redact)),
  });
  const error =
    safe.error === 'ExpiredAuthError'
      ? new z.errors.ExpiredAuthError(safe.message)
      : safe.error === 'ThrottledError'
        ? new z.errors.ThrottledError(safe.message, safe.retryAfter ?? DEFAULT_RETRY_SECONDS)
        : new z.errors.Error(safe.message, safe.code, safe.status || undefined);
  Object.defineProperty(error, FAILURE, { value: safe });
  (error as { doNotContextify?: boolean }).doNotContextify = true;
  return error;
}

function redactErrorObject(
  e: KeygenErrorObject,
  redact: (text: string) => string,
): KeygenErrorObject {
  const copy = JSON.parse(JSON.stringify(e), (_key, value: unknown) =>
    typeof value === 'string' ? redact(value) : value,
  ) as KeygenErrorObject;
  return Object.freeze(copy);
}

/**
 * An error that is no answer of Keygen's (a programming fault, a refused header), passed on with
 * the token taken out of its message and stack, and without core's "What happened" trail.
 */
export function scrubbed<E>(error: E, bundle: Bundle): E {
  if (!(error instanceof Error)) return error;
  const redact = redactorOf(bundle.authData.token);
  error.message = redact(error.message);
  if (error.stack) error.stack = redact(error.stack);
  (error as { doNotContextify?: boolean }).doNotContextify = true;
  return error;
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

const DEFAULT_RETRY_SECONDS = 60;

function failure(
  call: Call,
  fields: Pick<KeygenFailure, 'status' | 'message' | 'code'> & Partial<KeygenFailure>,
): KeygenFailure {
  return { errors: [], error: 'Error', action: call.action, target: call.target, ...fields };
}

/** Keygen refused the call (a 4xx other than 429): what it said, and what to change. */
export function refused(
  call: Call,
  status: number,
  errors: readonly KeygenErrorObject[],
): KeygenFailure {
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
      return failure(call, {
        status,
        errors,
        error: 'ExpiredAuthError',
        code: code ?? 'UNAUTHORIZED',
        message: `Keygen rejected the API token (${said || 'Unauthorized'}). Reconnect the Keygen account with a valid admin, environment or product token.`,
      });
    case 403:
      return failure(call, {
        status,
        errors,
        code: code ?? 'FORBIDDEN',
        message: `The connected token is not allowed to ${call.action}. Keygen said: ${said || 'Access denied'}. Use a token that may do this (an admin token, or a product token for this product's records).${more}`,
      });
    case 404:
      return failure(call, {
        status,
        errors,
        code: code ?? 'NOT_FOUND',
        message: `Keygen found no ${call.target}. Keygen said: ${said || 'Not found'}. Check the value, and that the token's product or environment can see it.`,
      });
    default:
      return failure(call, {
        status,
        errors,
        code: code ?? `HTTP_${status}`,
        message: `Keygen could not ${call.action}. Keygen said: ${said || `HTTP ${status}`}.${more}`,
      });
  }
}

/** Keygen's rate limit (429): Zapier retries after Retry-After seconds, or a minute. */
export function throttled(
  call: Call,
  answer: Answer,
  errors: readonly KeygenErrorObject[],
): KeygenFailure {
  const header = Number(answer.header('retry-after'));
  const delay = Number.isFinite(header) && header > 0 ? Math.ceil(header) : DEFAULT_RETRY_SECONDS;
  const said = describeKeygenErrors(errors) || 'Too many requests';
  return failure(call, {
    status: answer.status,
    errors,
    error: 'ThrottledError',
    code: 'THROTTLED',
    retryAfter: delay,
    message: `Keygen's rate limit was reached while trying to ${call.action} (${said}). Zapier will retry in ${delay} seconds.`,
  });
}

/** What came back, for a message: an HTML page's title, the content type, or "an empty body". */
function describeBody(answer: Answer): string {
  const content = answer.content;
  if (content.trim() === '') return 'an empty body';
  // Bounded: a proxy's page can be large, and only its title is of use.
  const title = /<title>([^<]{1,120})<\/title>/i.exec(content.slice(0, 4096))?.[1]?.trim();
  if (title) return `an HTML page titled "${title}"`;
  return `a body that is not JSON (Content-Type ${answer.header('content-type') ?? 'none'})`;
}

/** A server fault (5xx): the one answer that may change by itself, so it says to try again. */
export function unavailable(
  call: Call,
  answer: Answer,
  errors: readonly KeygenErrorObject[],
): KeygenFailure {
  const said = errors.length
    ? `. Keygen said: ${describeKeygenErrors(errors)}`
    : ` with ${describeBody(answer)}`;
  return failure(call, {
    status: answer.status,
    errors,
    code: 'KEYGEN_UNAVAILABLE',
    message: `Keygen (or a proxy in front of it) failed while trying to ${call.action}: HTTP ${answer.status}${said}. This is usually temporary: try again in a few minutes; if it persists, check Keygen's status and the Base URL of the connection.`,
  });
}

/** An answer that is not Keygen's JSON:API: retrying will not change it, the Base URL might. */
export function notKeygen(call: Call, answer: Answer): KeygenFailure {
  return failure(call, {
    status: answer.status,
    code: 'NOT_KEYGEN_API',
    message: `The server at the connection's Base URL answered HTTP ${answer.status} with ${describeBody(answer)} while trying to ${call.action}, which is not an answer of the Keygen API. Check the Base URL of the connection: leave it empty for Keygen Cloud, or enter the address your self-hosted Keygen API is served at.`,
  });
}

/**
 * No answer came (status 0): the server could not be reached, or did not answer in time. Any other
 * error z.request throws is no failure of Keygen's (undefined).
 */
export function unreachable(
  call: Call,
  root: string,
  fault: Error,
  timeoutMs: number,
): KeygenFailure | undefined {
  const network =
    fault.name === 'FetchError' || typeof (fault as { code?: unknown }).code === 'string';
  if (!network) return undefined;
  const changes = call.method !== undefined && call.method !== 'GET';
  const outcome = changes
    ? ' Keygen may or may not have done it: check in Keygen before running the step again.'
    : '';
  const type = (fault as { type?: unknown }).type;
  if (type === 'request-timeout' || type === 'body-timeout') {
    return failure(call, {
      status: 0,
      code: 'KEYGEN_TIMEOUT',
      message: `Keygen at ${root} did not answer within ${timeoutMs / 1000} seconds while trying to ${call.action}.${outcome} If this keeps happening, check the Base URL of the connection and Keygen's status.`,
    });
  }
  return failure(call, {
    status: 0,
    code: 'KEYGEN_UNREACHABLE',
    message: `Could not reach Keygen at ${root} to ${call.action}: ${fault.message}.${outcome} Check the Base URL of the connection; if it is right, Keygen may be briefly unreachable, so try again in a few minutes.`,
  });
}

/**
 * A redirect that was not followed: it leads off the connection's server or out of its account
 * (where the token must never go), or one redirect led to another too many times.
 */
export function redirected(
  call: Call,
  answer: Answer,
  to: { root: string; account: string; where: string | undefined; maxRedirects: number },
): KeygenFailure {
  if (to.where === undefined) {
    return failure(call, {
      status: answer.status,
      code: 'TOO_MANY_REDIRECTS',
      message: `Keygen at ${to.root} redirected the request more than ${to.maxRedirects} times while trying to ${call.action}, so it was not followed further. Check the Base URL of the connection.`,
    });
  }
  return failure(call, {
    status: answer.status,
    code: 'REDIRECT_NOT_FOLLOWED',
    message: `Keygen at ${to.root} redirected the request to ${to.where} while trying to ${call.action}. It was not sent there: the API token only goes to the connection's server, under account "${to.account}". Check the Base URL of the connection: if your Keygen API is served at that address, enter it as the Base URL.`,
  });
}
