/**
 * JSON:API documents in Keygen CE's serializer order (keygen-api app/serializers/): attributes first as the
 * serializer lists them, then relationships (`links.related` before `data` or `meta`), then
 * `links.self`. CE has no environments and no permissions, so neither appears.
 */
import type {
  Entitlement,
  Group,
  License,
  Machine,
  Metadata,
  Policy,
  Product,
  Store,
  Token,
  User,
  WebhookEndpoint,
  WebhookEvent,
} from './store';

export interface Resource {
  id: string;
  type: string;
  attributes: Record<string, unknown>;
  relationships?: Record<string, Relationship>;
  links?: { self: string };
  meta?: Record<string, unknown>;
}

interface Relationship {
  links: { related: string | null };
  data?: { type: string; id: string } | null;
  meta?: Record<string, unknown>;
}

export interface Account {
  id: string;
  slug: string;
  name: string;
  apiVersion: string;
  created: string;
  updated: string;
  publicKeys: { ed25519: string; rsa2048: string; ecdsa: string };
}

/** What serializers read besides the record: the account (for paths) and the other records. */
export interface Context {
  account: Account;
  store: Store;
}

const MS_PER_DAY = 24 * 60 * 60 * 1000;
/** Keygen calls a license EXPIRING when it expires within 3 days, INACTIVE after 90 idle days. */
const EXPIRING_WITHIN_MS = 3 * MS_PER_DAY;
const INACTIVE_AFTER_MS = 90 * MS_PER_DAY;

const camel = (key: string) => key.replace(/[_-]([a-z0-9])/g, (_, c: string) => c.toUpperCase());

/** Metadata keys as Keygen prints them: lowerCamelCase at every depth. */
export function printedMetadata(value: Metadata): Metadata {
  const walk = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(walk);
    if (v && typeof v === 'object') {
      return Object.fromEntries(Object.entries(v).map(([k, inner]) => [camel(k), walk(inner)]));
    }
    return v;
  };
  return walk(value) as Metadata;
}

function path(ctx: Context, ...parts: string[]): string {
  return ['/v1/accounts', ctx.account.id, ...parts].join('/');
}

const to = (related: string | null, data?: { type: string; id: string } | null): Relationship =>
  data === undefined ? { links: { related } } : { links: { related }, data };

const withMeta = (related: string, meta: Record<string, unknown>): Relationship => ({
  links: { related },
  meta,
});

const accountRel = (ctx: Context) => to(path(ctx), { type: 'accounts', id: ctx.account.id });

const ref = (type: string, id: string | null) => (id ? { type, id } : null);

export function licenseStatus(ctx: Context, license: License, now = Date.now()): string {
  const owner = license.ownerId ? ctx.store.users.get(license.ownerId) : undefined;
  if (owner?.banned) return 'BANNED';
  if (license.suspended) return 'SUSPENDED';
  const expiry = license.expiry ? Date.parse(license.expiry) : undefined;
  if (expiry !== undefined && expiry <= now) return 'EXPIRED';
  if (expiry !== undefined && expiry - now <= EXPIRING_WITHIN_MS) return 'EXPIRING';
  const touched = [
    license.created,
    license.lastValidated,
    license.lastCheckIn,
    license.lastCheckOut,
  ]
    .filter((d): d is string => d !== null)
    .map((d) => Date.parse(d));
  if (now - Math.max(...touched) > INACTIVE_AFTER_MS) return 'INACTIVE';
  return 'ACTIVE';
}

export function policyOf(ctx: Context, license: License): Policy {
  const policy = ctx.store.policies.get(license.policyId);
  if (!policy) throw new Error(`License ${license.id} has no policy`);
  return policy;
}

/**
 * `lastCheckIn + count.interval` as Rails adds durations (keygen-api License#next_check_in_at):
 * days and weeks in UTC days, months and years in calendar months, clamped to the month's last day.
 */
export function nextCheckIn(lastCheckIn: string, interval: string, count: number): string | null {
  const at = new Date(lastCheckIn);
  const months = interval === 'month' ? count : interval === 'year' ? 12 * count : 0;
  const days = interval === 'day' ? count : interval === 'week' ? 7 * count : 0;
  if (!months && !days) return null;
  if (months) {
    const day = at.getUTCDate();
    at.setUTCDate(1);
    at.setUTCMonth(at.getUTCMonth() + months);
    const lastDay = new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth() + 1, 0)).getUTCDate();
    at.setUTCDate(Math.min(day, lastDay));
  }
  return new Date(at.getTime() + days * MS_PER_DAY).toISOString();
}

/** A license's users: its owner and the users attached to it (keygen-api License#users_count). */
export function licenseUserIds(license: License): string[] {
  return [...(license.ownerId ? [license.ownerId] : []), ...(license.userIds ?? [])];
}

export function serializeLicense(ctx: Context, license: License): Resource {
  const policy = policyOf(ctx, license);
  const self = path(ctx, 'licenses', license.id);
  const machines = ctx.store.machines.all().filter((m) => m.licenseId === license.id);
  const sum = (pick: (m: Machine) => number | null) =>
    machines.reduce((n, m) => n + (pick(m) ?? 0), 0);
  const nextCheckInAt =
    policy.requireCheckIn &&
    policy.checkInInterval &&
    policy.checkInIntervalCount &&
    license.lastCheckIn
      ? nextCheckIn(license.lastCheckIn, policy.checkInInterval, policy.checkInIntervalCount)
      : null;
  return {
    id: license.id,
    type: 'licenses',
    attributes: {
      name: license.name,
      key: license.key,
      expiry: license.expiry,
      status: licenseStatus(ctx, license),
      uses: license.uses,
      suspended: license.suspended,
      scheme: policy.scheme,
      encrypted: policy.encrypted,
      strict: policy.strict,
      floating: policy.floating,
      protected: license.protected ?? policy.protected,
      version: license.version,
      maxMachines: license.maxMachines ?? policy.maxMachines,
      maxProcesses: license.maxProcesses ?? policy.maxProcesses,
      maxUsers: license.maxUsers ?? policy.maxUsers,
      maxCores: license.maxCores ?? policy.maxCores,
      maxMemory: license.maxMemory ?? policy.maxMemory,
      maxDisk: license.maxDisk ?? policy.maxDisk,
      maxUses: license.maxUses ?? policy.maxUses,
      requireHeartbeat: policy.requireHeartbeat,
      requireCheckIn: policy.requireCheckIn,
      lastValidated: license.lastValidated,
      lastCheckIn: license.lastCheckIn,
      nextCheckIn: nextCheckInAt,
      lastCheckOut: license.lastCheckOut,
      metadata: printedMetadata(license.metadata),
      created: license.created,
      updated: license.updated,
    },
    relationships: {
      account: accountRel(ctx),
      product: to(`${self}/product`, ref('products', license.productId)),
      policy: to(`${self}/policy`, ref('policies', license.policyId)),
      group: to(`${self}/group`, ref('groups', license.groupId)),
      owner: to(`${self}/owner`, ref('users', license.ownerId)),
      users: withMeta(`${self}/users`, { count: licenseUserIds(license).length }),
      machines: withMeta(`${self}/machines`, {
        cores: sum((m) => m.cores),
        memory: sum((m) => m.memory),
        disk: sum((m) => m.disk),
        count: machines.length,
      }),
      tokens: to(`${self}/tokens`),
      entitlements: to(`${self}/entitlements`),
    },
    links: { self },
  };
}

/** Keygen's HEARTBEAT_TTL: a machine's heartbeat duration when its policy sets none. */
export const HEARTBEAT_TTL_S = 600;

/** keygen-api Machine#heartbeat_status, without the RESURRECTED override of a ping's own answer. */
export function heartbeatStatus(
  machine: Machine,
  policy: Policy | undefined,
  now = Date.now(),
): { status: string; duration: number; required: boolean; next: string | null } {
  const duration = policy?.heartbeatDuration ?? HEARTBEAT_TTL_S;
  const last = machine.lastHeartbeat ? Date.parse(machine.lastHeartbeat) : undefined;
  const next = last === undefined ? undefined : last + duration * 1000;
  const required = Boolean(policy?.requireHeartbeat) || last !== undefined;
  const status =
    next === undefined
      ? !required || Date.parse(machine.created) >= now - duration * 1000
        ? 'NOT_STARTED'
        : 'DEAD'
      : next >= now
        ? 'ALIVE'
        : 'DEAD';
  return {
    status,
    duration,
    required,
    next: next === undefined ? null : new Date(next).toISOString(),
  };
}

/**
 * Whether a dead machine may come back (keygen-api Machine#resurrection_period_passed?): always,
 * never, or within N minutes of its missed heartbeat.
 */
export function mayResurrect(machine: Machine, policy: Policy | undefined, now: number): boolean {
  const strategy = policy?.heartbeatResurrectionStrategy;
  if (strategy === 'ALWAYS_REVIVE') return true;
  const minutes = /^(\d+)_MINUTE_REVIVE$/.exec(strategy ?? '');
  if (!minutes || !machine.lastHeartbeat) return false;
  const next = Date.parse(heartbeatStatus(machine, policy, now).next ?? '');
  return now <= next + Number(minutes[1]) * 60_000;
}

export function serializeMachine(ctx: Context, machine: Machine): Resource {
  const license = ctx.store.licenses.get(machine.licenseId);
  const policy = license ? policyOf(ctx, license) : undefined;
  const self = path(ctx, 'machines', machine.id);
  const heartbeat = heartbeatStatus(machine, policy);
  const licenseMaxProcesses = license
    ? (license.maxProcesses ?? policy?.maxProcesses ?? null)
    : null;
  return {
    id: machine.id,
    type: 'machines',
    attributes: {
      fingerprint: machine.fingerprint,
      cores: machine.cores,
      memory: machine.memory,
      disk: machine.disk,
      ip: machine.ip,
      hostname: machine.hostname,
      platform: machine.platform,
      name: machine.name,
      requireHeartbeat: heartbeat.required,
      heartbeatStatus: heartbeat.status,
      heartbeatDuration: heartbeat.duration,
      maxProcesses: machine.maxProcesses ?? licenseMaxProcesses,
      lastCheckOut: machine.lastCheckOut,
      lastHeartbeat: machine.lastHeartbeat ?? null,
      nextHeartbeat: heartbeat.next,
      metadata: printedMetadata(machine.metadata),
      created: machine.created,
      updated: machine.updated,
    },
    relationships: {
      account: accountRel(ctx),
      product: to(`${self}/product`, ref('products', license?.productId ?? null)),
      group: to(`${self}/group`, ref('groups', machine.groupId)),
      license: to(`${self}/license`, ref('licenses', machine.licenseId)),
      owner: to(`${self}/owner`, ref('users', machine.ownerId)),
      components: to(`${self}/components`),
      processes: to(`${self}/processes`),
    },
    links: { self },
  };
}

export function serializeUser(ctx: Context, user: User): Resource {
  const self = path(ctx, 'users', user.id);
  // keygen-api User#full_name: nil unless both names are set.
  const fullName =
    user.firstName !== null && user.lastName !== null ? `${user.firstName} ${user.lastName}` : null;
  return {
    id: user.id,
    type: 'users',
    attributes: {
      fullName,
      firstName: user.firstName,
      lastName: user.lastName,
      email: user.email,
      status: userStatus(ctx, user),
      role: user.role,
      metadata: printedMetadata(user.metadata),
      created: user.created,
      updated: user.updated,
    },
    relationships: {
      account: accountRel(ctx),
      group: to(`${self}/group`, ref('groups', user.groupId)),
      products: to(`${self}/products`),
      licenses: to(`${self}/licenses`),
      machines: to(`${self}/machines`),
      tokens: to(`${self}/tokens`),
      secondFactors: to(`${self}/second-factors`),
    },
    links: { self },
  };
}

/**
 * keygen-api User#status: BANNED; else ACTIVE when the user was created in the last 90 days or any
 * license they own or are attached to was created, validated, checked out or checked in then (any
 * role); else INACTIVE.
 */
export function userStatus(ctx: Context, user: User, now = Date.now()): string {
  if (user.banned) return 'BANNED';
  const recent = (date: string | null) =>
    date !== null && now - Date.parse(date) <= INACTIVE_AFTER_MS;
  if (recent(user.created)) return 'ACTIVE';
  const active = ctx.store.licenses
    .all()
    .some(
      (l) =>
        licenseUserIds(l).includes(user.id) &&
        [l.created, l.lastValidated, l.lastCheckOut, l.lastCheckIn].some(recent),
    );
  return active ? 'ACTIVE' : 'INACTIVE';
}

export function serializeProduct(ctx: Context, product: Product): Resource {
  const self = path(ctx, 'products', product.id);
  return {
    id: product.id,
    type: 'products',
    attributes: {
      name: product.name,
      code: product.code,
      distributionStrategy: product.distributionStrategy,
      url: product.url,
      platforms: product.platforms,
      metadata: printedMetadata(product.metadata),
      created: product.created,
      updated: product.updated,
    },
    relationships: {
      account: accountRel(ctx),
      ...Object.fromEntries(
        [
          'policies',
          'licenses',
          'machines',
          'users',
          'tokens',
          'platforms',
          'channels',
          'releases',
          'artifacts',
        ].map((name) => [name, to(`${self}/${name}`)]),
      ),
    },
    links: { self },
  };
}

export function serializePolicy(ctx: Context, policy: Policy): Resource {
  const self = path(ctx, 'policies', policy.id);
  // The rest of the record is exactly the policy's attributes, in serializer order; `seq` is only
  // the store's ordering.
  const { id, productId, created, updated, seq, metadata, ...attributes } = policy;
  void seq;
  return {
    id,
    type: 'policies',
    attributes: { ...attributes, metadata: printedMetadata(metadata), created, updated },
    relationships: {
      account: accountRel(ctx),
      product: to(`${self}/product`, ref('products', productId)),
      pool: to(`${self}/pool`),
      licenses: to(`${self}/licenses`),
      entitlements: to(`${self}/entitlements`),
    },
    links: { self },
  };
}

export function serializeEntitlement(ctx: Context, entitlement: Entitlement): Resource {
  return {
    id: entitlement.id,
    type: 'entitlements',
    attributes: {
      name: entitlement.name,
      code: entitlement.code,
      metadata: printedMetadata(entitlement.metadata),
      created: entitlement.created,
      updated: entitlement.updated,
    },
    relationships: { account: accountRel(ctx) },
    links: { self: path(ctx, 'entitlements', entitlement.id) },
  };
}

/** The join record `license.entitlements.attached` / `detached` carry. */
export function serializeLicenseEntitlement(
  ctx: Context,
  license: License,
  entitlementId: string,
  at: string,
): Resource {
  return {
    id: `${license.id.slice(0, 24)}${entitlementId.slice(24)}`,
    type: 'license-entitlements',
    attributes: { created: at, updated: at },
    relationships: {
      account: accountRel(ctx),
      entitlement: to(path(ctx, 'entitlements', entitlementId), ref('entitlements', entitlementId)),
      license: to(path(ctx, 'licenses', license.id), ref('licenses', license.id)),
    },
  };
}

export function serializeGroup(ctx: Context, group: Group): Resource {
  const self = path(ctx, 'groups', group.id);
  return {
    id: group.id,
    type: 'groups',
    attributes: {
      name: group.name,
      maxUsers: group.maxUsers,
      maxLicenses: group.maxLicenses,
      maxMachines: group.maxMachines,
      metadata: printedMetadata(group.metadata),
      created: group.created,
      updated: group.updated,
    },
    relationships: {
      account: accountRel(ctx),
      owners: to(`${self}/owners`),
      users: to(`${self}/users`),
      licenses: to(`${self}/licenses`),
      machines: to(`${self}/machines`),
    },
    links: { self },
  };
}

/** `withSecret` only in the answer that generates the token; never in a webhook payload. */
export function serializeToken(ctx: Context, token: Token, withSecret = false): Resource {
  const activation = token.kind === 'activation-token';
  return {
    id: token.id,
    type: 'tokens',
    attributes: {
      kind: token.kind,
      ...(withSecret ? { token: token.secret } : {}),
      expiry: token.expiry,
      name: token.name,
      ...(activation
        ? {
            maxActivations: token.maxActivations,
            activations: token.activations ?? 0,
            maxDeactivations: token.maxDeactivations,
            deactivations: token.deactivations ?? 0,
          }
        : {}),
      created: token.created,
      updated: token.updated,
    },
    relationships: {
      account: accountRel(ctx),
      bearer: to(
        path(ctx, token.bearerType, token.bearerId),
        ref(token.bearerType, token.bearerId),
      ),
    },
    links: { self: path(ctx, 'tokens', token.id) },
  };
}

export function serializeWebhookEndpoint(ctx: Context, endpoint: WebhookEndpoint): Resource {
  return {
    id: endpoint.id,
    type: 'webhook-endpoints',
    attributes: {
      url: endpoint.url,
      subscriptions: endpoint.subscriptions,
      signatureAlgorithm: endpoint.signatureAlgorithm,
      apiVersion: endpoint.apiVersion,
      created: endpoint.created,
      updated: endpoint.updated,
    },
    relationships: {
      account: accountRel(ctx),
      product: to(
        endpoint.productId ? path(ctx, 'products', endpoint.productId) : null,
        ref('products', endpoint.productId),
      ),
    },
    links: { self: path(ctx, 'webhook-endpoints', endpoint.id) },
  };
}

/** The envelope of a delivery and of the webhook-events API. */
export function serializeWebhookEvent(ctx: Context, event: WebhookEvent): Resource {
  return {
    id: event.id,
    type: 'webhook-events',
    attributes: {
      endpoint: event.endpoint,
      apiVersion: event.apiVersion,
      payload: event.payload,
      event: event.event,
      status: event.status,
      lastResponseCode: event.lastResponseCode,
      lastResponseBody: event.lastResponseBody,
      created: event.created,
      updated: event.updated,
    },
    relationships: { account: accountRel(ctx) },
    links: { self: path(ctx, 'webhook-events', event.id) },
    meta: { idempotencyToken: event.idempotencyToken },
  };
}

const ACCOUNT_COLLECTIONS: [string, string][] = [
  ['settings', 'settings'],
  ['webhookEndpoints', 'webhook-endpoints'],
  ['webhookEvents', 'webhook-events'],
  ['products', 'products'],
  ['platforms', 'platforms'],
  ['arches', 'arches'],
  ['channels', 'channels'],
  ['releases', 'releases'],
  ['artifacts', 'artifacts'],
  ['policies', 'policies'],
  ['users', 'users'],
  ['keys', 'keys'],
  ['licenses', 'licenses'],
  ['machines', 'machines'],
  ['components', 'components'],
  ['processes', 'processes'],
  ['tokens', 'tokens'],
];

export function serializeAccount(ctx: Context): Resource {
  const { account } = ctx;
  return {
    id: account.id,
    type: 'accounts',
    attributes: {
      name: account.name,
      slug: account.slug,
      apiVersion: account.apiVersion,
      // A self-hosted Keygen CE account has no billing, so no status (keygen-api Account#status).
      status: null,
      protected: false,
      created: account.created,
      updated: account.updated,
    },
    relationships: Object.fromEntries(
      ACCOUNT_COLLECTIONS.map(([name, collection]) => [name, to(path(ctx, collection))]),
    ),
    links: { self: path(ctx) },
    meta: { publicKey: account.publicKeys.rsa2048, keys: { ...account.publicKeys } },
  };
}
