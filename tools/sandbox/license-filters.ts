/** The license index filters the app uses (keygen-api app/controllers/api/v1/licenses_controller.rb, its has_scope filters), as Keygen applies them. */
import { badRequest } from './errors';
import { licenseStatus, type Context } from './serializers';
import type { License } from './store';
import { snakeCase } from './values';

const UNIT_SECONDS: Record<string, number> = {
  Y: 31_556_952,
  W: 604_800,
  D: 86_400,
  H: 3600,
  S: 1,
};

/** `P30D`, `30d`, `PT12H` or plain seconds, in milliseconds; `undefined` when unreadable. */
export function durationMs(text: string): number | undefined {
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const match =
    /^P?(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$/i.exec(
      text,
    );
  if (!match || match.slice(1).every((part) => part === undefined)) return undefined;
  const [, y, mo, w, d, h, mi, s] = match.map((part) => Number(part ?? 0));
  return (
    (y * UNIT_SECONDS.Y +
      mo * 2_629_746 +
      w * UNIT_SECONDS.W +
      d * UNIT_SECONDS.D +
      h * 3600 +
      mi * 60 +
      s) *
    1000
  );
}

function expiresFilter(query: URLSearchParams): ((license: License) => boolean) | undefined {
  const within = query.get('expires[within]') ?? query.get('expires[in]');
  const before = query.get('expires[before]');
  const after = query.get('expires[after]');
  const on = query.get('expires[on]');
  if (within === null && before === null && after === null && on === null) return undefined;
  const now = Date.now();
  const at = (license: License) => (license.expiry ? Date.parse(license.expiry) : undefined);
  const time = (text: string) => (/^\d+$/.test(text) ? Number(text) * 1000 : Date.parse(text));
  if (within !== null) {
    const span = durationMs(within);
    return (l) =>
      span !== undefined && at(l) !== undefined && at(l)! >= now && at(l)! <= now + span;
  }
  if (before !== null) return (l) => at(l) !== undefined && at(l)! >= now && at(l)! <= time(before);
  if (after !== null) return (l) => at(l) !== undefined && at(l)! >= now && at(l)! >= time(after);
  const day = on!.slice(0, 10);
  return (l) => l.expiry !== null && l.expiry.slice(0, 10) === day;
}

/**
 * Metadata containment on a top-level key, whose name is snake_cased as Keygen stores keys; the
 * text `true`, `false`, `null`, `123` or `1.5` also matches the typed value (Keygen's casts).
 */
function metadataFilters(query: URLSearchParams): ((license: License) => boolean)[] {
  const filters: ((license: License) => boolean)[] = [];
  for (const [param, value] of query) {
    const match = /^metadata\[([^\]]+)\]$/.exec(param);
    if (!match) continue;
    const key = snakeCase(match[1]);
    const typed: unknown[] = [value];
    if (value === 'true' || value === 'false' || value === 'null') typed.push(JSON.parse(value));
    if (/^\d+(\.\d+)?$/.test(value)) typed.push(Number(value));
    filters.push((l) => Object.hasOwn(l.metadata, key) && typed.includes(l.metadata[key]));
  }
  return filters;
}

export function filterLicenses(
  ctx: Context,
  query: URLSearchParams,
  licenses: License[],
): License[] {
  const userRef = (value: string) =>
    ctx.store.users.find((u) => u.id === value || u.email === value.toLowerCase())?.id ?? null;
  const checks: ((license: License) => boolean)[] = [];
  const equals = (param: string, pick: (l: License) => string | null) => {
    const value = query.get(param);
    if (value !== null) checks.push((l) => pick(l) === value);
  };
  equals('product', (l) => l.productId);
  equals('policy', (l) => l.policyId);
  equals('group', (l) => l.groupId);
  for (const param of ['owner', 'user']) {
    const value = query.get(param);
    if (value !== null) {
      const id = userRef(value);
      checks.push((l) => id !== null && l.ownerId === id);
    }
  }
  const machine = query.get('machine');
  if (machine !== null) {
    checks.push((l) => ctx.store.machines.get(machine)?.licenseId === l.id);
  }
  const status = query.get('status');
  if (status !== null) checks.push((l) => licenseStatus(ctx, l) === status.toUpperCase());
  for (const flag of ['suspended', 'expiring', 'expired']) {
    const value = query.get(flag);
    if (value === null) continue;
    if (value !== 'true' && value !== 'false') {
      throw badRequest(`${flag} must be true or false`, { parameter: flag });
    }
    const want = value === 'true';
    const has = (l: License) =>
      flag === 'suspended' ? l.suspended : licenseStatus(ctx, l) === flag.toUpperCase();
    checks.push((l) => has(l) === want);
  }
  const expires = expiresFilter(query);
  if (expires) checks.push(expires);
  checks.push(...metadataFilters(query));
  return licenses.filter((l) => checks.every((check) => check(l)));
}
