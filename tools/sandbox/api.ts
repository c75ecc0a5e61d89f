/**
 * The request pipeline in front of the routes, in Keygen's order: the account from the path,
 * `Keygen-Version`, the bearer token, the JSON body; then Keygen's headers and error bodies on
 * the way out.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Deliveries } from './delivery';
import { ApiError, badRequest, forbidden, notFound, routeNotFound, unauthorized } from './errors';
import { isApiError, match, type Bearer, type Reply, type Request, type Route } from './http';
import { SIGNATURE_ALGORITHMS, type AccountKeys, type SignatureAlgorithm } from './keys';
import type { Model } from './models';
import type { Context } from './serializers';
import { signatureHeaders } from './signer';
import type { Stamped } from './store';

export interface App {
  ctx: Context;
  keys: AccountKeys;
  deliveries: Deliveries;
}

export type AppRoute = Route<App>;

const SUPPORTED_VERSIONS = ['1.0', '1.1', '1.2', '1.3', '1.4', '1.5', '1.6', '1.7', '1.8'];
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const MAX_BODY_BYTES = 1024 * 1024;
/**
 * What an activation token may do, on its own license only (keygen-api app/policies/
 * machine_policy.rb, license_policy.rb, token_policy.rb), among the routes the sandbox serves;
 * every other route answers it with a 403.
 */
const ACTIVATION_TOKEN_ROUTES = [
  'GET licenses/:id',
  'GET machines',
  'GET machines/:id',
  'POST machines',
  'DELETE machines/:id',
  'GET tokens/:id',
];

/** Sends `event` about `record` to every endpoint subscribed to it. */
export function emit<T extends Stamped>(
  app: App,
  event: string,
  model: Model<T>,
  record: T,
  meta?: Record<string, unknown>,
): void {
  const data = model.serialize(app.ctx, record);
  const owners = model.products(app.ctx, record);
  app.deliveries.broadcast(event, meta ? { data, meta } : { data }, owners === 'any' ? [] : owners);
}

function authenticate(app: App, header: string | undefined): Bearer {
  const scheme = /^Bearer\s+(.*)$/i.exec(header ?? '');
  const secret = scheme?.[1]?.trim() ?? '';
  if (!secret) throw unauthorized('TOKEN_MISSING');
  if (UUID.test(secret)) {
    throw unauthorized(
      'TOKEN_FORMAT_INVALID',
      "Token format is invalid (make sure that you're providing a token value, not a token's UUID identifier)",
    );
  }
  const token = app.ctx.store.tokens.find((t) => t.secret === secret);
  if (!token) throw unauthorized('TOKEN_INVALID');
  return { token, productId: token.bearerType === 'products' ? token.bearerId : null };
}

function apiVersion(header: string | undefined, fallback: string): string {
  if (header === undefined || header === '') return fallback;
  const version = header.replace(/^v/i, '');
  if (!SUPPORTED_VERSIONS.includes(version)) {
    throw badRequest(
      `unsupported API version requested (${header})`,
      { header: 'Keygen-Version' },
      'INVALID_API_VERSION',
    );
  }
  return version;
}

/** The algorithm `Keygen-Accept-Signature` asks responses to be signed with (default ed25519). */
function acceptedSignature(header: string | undefined, accountId: string): SignatureAlgorithm {
  if (header === undefined || header === '') return 'ed25519';
  const match = /^(?:keyid="([^"]+)",\s*)?algorithm="([^"]+)"$/.exec(header.trim());
  const invalid = (why: string) =>
    badRequest(`invalid accept-signature header (${why})`, { header: 'Keygen-Accept-Signature' });
  if (!match) throw invalid('malformed');
  if (!(SIGNATURE_ALGORITHMS as readonly string[]).includes(match[2]))
    throw invalid('unsupported algorithm');
  if (match[1] !== undefined && match[1] !== accountId) throw invalid('keyid not found');
  return match[2] as SignatureAlgorithm;
}

async function readBody(incoming: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of incoming) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw badRequest('The request body is too large', { pointer: '/' });
    chunks.push(chunk as Buffer);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    throw badRequest('The request data is not valid JSON', { pointer: '/' }, 'JSON_INVALID');
  }
}

interface Exchange {
  headers: Record<string, string>;
  /** Set once the account is known: responses are signed from then on, errors included. */
  signWith?: SignatureAlgorithm;
}

async function dispatch(
  app: App,
  routes: readonly AppRoute[],
  incoming: IncomingMessage,
  exchange: Exchange,
): Promise<Reply> {
  const { headers } = exchange;
  const url = new URL(incoming.url ?? '/', 'http://sandbox.invalid');
  const parts = url.pathname.split('/').slice(1);
  if (parts[0] !== 'v1' || parts[1] !== 'accounts' || parts.length < 3) throw routeNotFound();
  // A trailing slash names the same route.
  const segments = parts.slice(3).filter((part, i, all) => part !== '' || i < all.length - 1);
  let decoded: string[];
  let accountRef: string;
  try {
    accountRef = decodeURIComponent(parts[2]);
    decoded = segments.map((part) => decodeURIComponent(part));
  } catch {
    throw routeNotFound();
  }
  const { account } = app.ctx;
  if (accountRef !== account.id && accountRef !== account.slug)
    throw notFound('account', accountRef);
  headers['Keygen-Account'] = account.id;
  exchange.signWith = acceptedSignature(
    incoming.headers['keygen-accept-signature'] as string | undefined,
    account.id,
  );
  const version = apiVersion(
    incoming.headers['keygen-version'] as string | undefined,
    account.apiVersion,
  );
  headers['Keygen-Version'] = version;
  if (incoming.headers['keygen-environment']) {
    throw badRequest(
      'environment is not supported by this Keygen edition',
      { header: 'Keygen-Environment' },
      'ENVIRONMENT_NOT_SUPPORTED',
    );
  }
  const found = match(routes, incoming.method ?? 'GET', decoded);
  if (!found) throw routeNotFound();
  const authorization = incoming.headers.authorization;
  const bearer =
    found.route.public && !authorization ? undefined : authenticate(app, authorization);
  if (bearer) {
    headers['Keygen-Bearer'] = bearer.token.bearerId;
    headers['Keygen-Token'] = bearer.token.id;
    const routeName = `${found.route.method} ${found.route.pattern.join('/')}`;
    if (bearer.token.bearerType === 'licenses' && !ACTIVATION_TOKEN_ROUTES.includes(routeName)) {
      throw forbidden();
    }
  }
  const req: Request = {
    method: incoming.method ?? 'GET',
    path: url.pathname,
    query: url.searchParams,
    params: found.params,
    version,
    body: await readBody(incoming),
    bearer,
  };
  return found.route.handler(req, app);
}

/** Answers one HTTP request; never throws. */
export async function handle(
  app: App,
  routes: readonly AppRoute[],
  incoming: IncomingMessage,
  outgoing: ServerResponse,
): Promise<void> {
  const requestId = randomUUID();
  const headers: Record<string, string> = {
    'Keygen-Edition': 'CE',
    'Keygen-Mode': 'singleplayer',
    'X-Request-Id': requestId,
  };
  const exchange: Exchange = { headers };
  let reply: Reply;
  try {
    reply = await dispatch(app, routes, incoming, exchange);
  } catch (error) {
    const apiError = isApiError(error)
      ? error
      : new ApiError(500, [
          {
            title: 'Internal server error',
            detail: `The sandbox failed to answer: ${(error as Error).message}`,
          },
        ]);
    reply = {
      status: apiError.status,
      body: { meta: { id: requestId }, errors: apiError.errors },
      headers: apiError.headers,
    };
  }
  const body = reply.text ?? (reply.body === undefined ? '' : JSON.stringify(reply.body));
  // Keygen's Location is absolute; routes know only the path.
  const host = incoming.headers.host ?? '127.0.0.1';
  const location = reply.headers?.Location;
  const absolute = location?.startsWith('/') ? { Location: `http://${host}${location}` } : {};
  const signed = exchange.signWith
    ? signatureHeaders({
        accountId: app.ctx.account.id,
        keys: app.keys,
        algorithm: exchange.signWith,
        method: incoming.method ?? 'GET',
        host: host.replace(/:\d+$/, ''),
        target: incoming.url ?? '/',
        body,
        date: new Date(),
      })
    : {};
  outgoing.writeHead(reply.status, {
    ...headers,
    ...signed,
    ...(body ? { 'Content-Type': 'application/vnd.api+json; charset=utf-8' } : {}),
    ...reply.headers,
    ...absolute,
    'Content-Length': String(Buffer.byteLength(body)),
  });
  outgoing.end(body);
}
