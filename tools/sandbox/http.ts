/**
 * What every route shares: the request as routes see it, the reply, the route table, JSON:API
 * bodies and Keygen's pagination (keygen-api app/controllers/concerns/pagination.rb).
 */
import { ApiError, badRequest } from './errors';
import type { Token } from './store';

export interface Bearer {
  token: Token;
  /** Set for a product token: it sees and changes only its product's records. */
  productId: string | null;
}

export interface Request {
  method: string;
  /** The path as received, for pagination links. */
  path: string;
  query: URLSearchParams;
  params: Record<string, string>;
  body: unknown;
  /** `Keygen-Version` of the request, or the account's. */
  version: string;
  /** Absent only on routes that take no token (validate-key without one). */
  bearer: Bearer | undefined;
}

export interface Reply {
  status: number;
  body?: unknown;
  /** A non-JSON body (a `.lic` file), sent as is. */
  text?: string;
  headers?: Record<string, string>;
}

export type Handler<App> = (req: Request, app: App) => Reply | Promise<Reply>;

export interface Route<App> {
  method: string;
  /** Segments after `/v1/accounts/{account}/`; `:name` captures one. */
  pattern: string[];
  handler: Handler<App>;
  /** validate-key accepts a request without a token. */
  public?: boolean;
}

export function route<App>(
  method: string,
  pattern: string,
  handler: Handler<App>,
  options: { public?: boolean } = {},
): Route<App> {
  return { method, pattern: pattern === '' ? [] : pattern.split('/'), handler, ...options };
}

export function match<App>(
  routes: readonly Route<App>[],
  method: string,
  segments: readonly string[],
): { route: Route<App>; params: Record<string, string> } | undefined {
  for (const candidate of routes) {
    if (candidate.method !== method || candidate.pattern.length !== segments.length) continue;
    const params: Record<string, string> = {};
    const fits = candidate.pattern.every((part, i) => {
      if (part.startsWith(':')) {
        params[part.slice(1)] = segments[i];
        return true;
      }
      return part === segments[i];
    });
    if (fits) return { route: candidate, params };
  }
  return undefined;
}

export const ok = (body: unknown, status = 200): Reply => ({ status, body });
export const noContent = (): Reply => ({ status: 204 });

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** `data` of a JSON:API request body, or a 400 naming what is missing. */
export function dataOf(req: Request): Json {
  const data = isObject(req.body) ? req.body.data : undefined;
  if (!isObject(data)) throw badRequest('is missing', { pointer: '/data' });
  return data;
}

export function attributesOf(req: Request): Json {
  const attributes = dataOf(req).attributes;
  return isObject(attributes) ? attributes : {};
}

/** The id of a to-one relationship in the body; `null` when cleared, `undefined` when absent. */
export function relationshipId(req: Request, name: string): string | null | undefined {
  const relationships = dataOf(req).relationships;
  if (!isObject(relationships) || !(name in relationships)) return undefined;
  const linkage = relationships[name];
  if (!isObject(linkage) || linkage.data === null) return null;
  const id = isObject(linkage.data) ? linkage.data.id : undefined;
  if (typeof id !== 'string') {
    throw badRequest('type mismatch (received object expected UUID string)', {
      pointer: `/data/relationships/${name}/data/id`,
    });
  }
  return id;
}

export function metaOf(req: Request): Json {
  const meta = isObject(req.body) ? req.body.meta : undefined;
  return isObject(meta) ? meta : {};
}

/** Query arrays as Rails reads them: `events[]=a&events[]=b`. */
export function queryList(query: URLSearchParams, name: string): string[] {
  return query.getAll(`${name}[]`);
}

const PAGE_LIMIT = 100;
const DEFAULT_PAGE_SIZE = 10;

function boundedInteger(
  raw: string | null,
  fallback: number,
  parameter: string,
  what: string,
  upper: number,
): number {
  if (raw === null) return fallback;
  const value = Number.parseInt(raw, 10);
  if (!Number.isInteger(value) || value < 1 || value > upper) {
    const hint =
      parameter === 'page[number]' && value > upper
        ? ', please use cursor-based pagination instead'
        : '';
    throw badRequest(`${what} must be a number between 1 and ${upper} (got ${raw}${hint})`, {
      parameter,
    });
  }
  return value;
}

/** Rails' `to_query`: pairs sorted, brackets escaped, `token`/`auth` left out. */
function toQuery(query: URLSearchParams, page: { number: number; size: number }): string {
  const pairs = new Map<string, string[]>();
  for (const [key, value] of query) {
    if (key === 'token' || key === 'auth' || key.startsWith('page[')) continue;
    const top = key.replace(/\[.*$/, '');
    pairs.set(top, [
      ...(pairs.get(top) ?? []),
      `${encodeURIComponent(key)}=${encodeURIComponent(value)}`,
    ]);
  }
  pairs.set('page', [
    `${encodeURIComponent('page[number]')}=${page.number}`,
    `${encodeURIComponent('page[size]')}=${page.size}`,
  ]);
  return [...pairs.values()]
    .map((list) => list.join('&'))
    .sort()
    .join('&');
}

/**
 * One page of `records` (newest first unless `order=asc`). `limit` mode has empty links; with
 * `page[number]` the links lead on (relative, as Keygen writes them). Uncounted lists (webhook
 * events) only have self/prev/next, and `next` whenever the page is full.
 */
export function paginate<T>(
  req: Request,
  records: readonly T[],
  { counted = true } = {},
): { data: T[]; links: Record<string, unknown> } {
  const order = req.query.get('order') ?? 'desc';
  if (order !== 'desc' && order !== 'asc') {
    throw badRequest("order must be one of 'asc' or 'desc'", { parameter: 'order' });
  }
  const ordered = order === 'asc' ? [...records].reverse() : [...records];
  const pageKeys = [...req.query.keys()].filter((k) => k.startsWith('page'));
  const limit = boundedInteger(
    req.query.get('limit'),
    DEFAULT_PAGE_SIZE,
    'limit',
    'limit',
    PAGE_LIMIT,
  );
  if (pageKeys.length === 0) return { data: ordered.slice(0, limit), links: {} };
  if (pageKeys.some((k) => k !== 'page[number]' && k !== 'page[size]' && k !== 'page[cursor]')) {
    throw badRequest('page must be an object containing a cursor or number and optional size', {
      parameter: 'page',
    });
  }
  const number = boundedInteger(
    req.query.get('page[number]'),
    1,
    'page[number]',
    'page number',
    PAGE_LIMIT,
  );
  const size = boundedInteger(
    req.query.get('page[size]'),
    limit,
    'page[size]',
    'page size',
    PAGE_LIMIT,
  );
  const data = ordered.slice((number - 1) * size, number * size);
  const link = (n: number | null) =>
    n === null ? null : `${req.path}?${toQuery(req.query, { number: n, size })}`;
  if (!counted) {
    return {
      data,
      links: {
        self: link(number),
        prev: link(number > 1 ? number - 1 : null),
        next: link(data.length < size ? null : number + 1),
      },
    };
  }
  const pages = Math.ceil(ordered.length / size);
  return {
    data,
    links: {
      self: link(number),
      prev: link(number > 1 ? number - 1 : null),
      next: link(number < pages ? number + 1 : null),
      first: link(1),
      last: link(Math.max(pages, 1)),
      meta: { pages, count: ordered.length },
    },
  };
}

export function isApiError(error: unknown): error is ApiError {
  return error instanceof ApiError;
}
