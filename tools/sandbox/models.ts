/**
 * One row per resource: its name in Keygen's 404 detail, its serializer, the products it belongs
 * to (what a product token and a product-scoped webhook endpoint may see) and the alias Keygen
 * accepts in place of its id (keygen-api app/services/find_by_alias_service.rb).
 */
import { notFound } from './errors';
import type { Request } from './http';
import * as s from './serializers';
import type { Context, Resource } from './serializers';
import type { Collection, Stamped, Store } from './store';
import type {
  Entitlement,
  Group,
  License,
  Machine,
  Policy,
  Product,
  Token,
  User,
  WebhookEndpoint,
  WebhookEvent,
} from './store';

export interface Model<T extends Stamped> {
  /** As in "The requested license 'X' was not found". */
  name: string;
  collection: (store: Store) => Collection<T>;
  serialize: (ctx: Context, record: T) => Resource;
  /** Products whose token may see the record; `any` for account-wide records. */
  products: (ctx: Context, record: T) => readonly string[] | 'any';
  /** Matches an alias Keygen resolves in the path (a license key, a user's email). */
  alias?: (record: T, value: string) => boolean;
  /** The license the record belongs to: an activation token sees only its license's records. */
  license?: (record: T) => string | null;
}

const licenseProducts = (ctx: Context, licenseId: string) => {
  const license = ctx.store.licenses.get(licenseId);
  return license ? [license.productId] : [];
};

export const licenses: Model<License> = {
  name: 'license',
  collection: (store) => store.licenses,
  serialize: s.serializeLicense,
  products: (_ctx, license) => [license.productId],
  alias: (license, value) => license.key === value,
  license: (license) => license.id,
};

export const machines: Model<Machine> = {
  name: 'machine',
  collection: (store) => store.machines,
  serialize: s.serializeMachine,
  products: (ctx, machine) => licenseProducts(ctx, machine.licenseId),
  alias: (machine, value) => machine.fingerprint === value,
  license: (machine) => machine.licenseId,
};

export const users: Model<User> = {
  name: 'user',
  collection: (store) => store.users,
  serialize: s.serializeUser,
  products: (ctx, user) => [
    ...new Set(
      ctx.store.licenses
        .all()
        .filter((l) => l.ownerId === user.id)
        .map((l) => l.productId),
    ),
  ],
  alias: (user, value) => user.email === value,
};

export const products: Model<Product> = {
  name: 'product',
  collection: (store) => store.products,
  serialize: s.serializeProduct,
  products: (_ctx, product) => [product.id],
};

export const policies: Model<Policy> = {
  name: 'policy',
  collection: (store) => store.policies,
  serialize: s.serializePolicy,
  products: (_ctx, policy) => [policy.productId],
};

export const entitlements: Model<Entitlement> = {
  name: 'entitlement',
  collection: (store) => store.entitlements,
  serialize: s.serializeEntitlement,
  products: () => 'any',
  alias: (entitlement, value) => entitlement.code === value,
};

export const groups: Model<Group> = {
  name: 'group',
  collection: (store) => store.groups,
  serialize: s.serializeGroup,
  products: () => 'any',
};

export const tokens: Model<Token> = {
  name: 'token',
  collection: (store) => store.tokens,
  serialize: (ctx, token) => s.serializeToken(ctx, token),
  products: (ctx, token) =>
    token.bearerType === 'products'
      ? [token.bearerId]
      : token.bearerType === 'licenses'
        ? licenseProducts(ctx, token.bearerId)
        : [],
  license: (token) => (token.bearerType === 'licenses' ? token.bearerId : null),
};

export const webhookEndpoints: Model<WebhookEndpoint> = {
  name: 'webhook endpoint',
  collection: (store) => store.webhookEndpoints,
  serialize: s.serializeWebhookEndpoint,
  products: (_ctx, endpoint) => (endpoint.productId ? [endpoint.productId] : []),
};

export const webhookEvents: Model<WebhookEvent> = {
  name: 'webhook event',
  collection: (store) => store.webhookEvents,
  serialize: s.serializeWebhookEvent,
  products: (ctx, event) => {
    const endpoint = ctx.store.webhookEndpoints.get(event.endpointId);
    return endpoint?.productId ? [endpoint.productId] : [];
  },
};

/** The license whose activation token the request bears, if it bears one. */
export function bearerLicense(req: Request): string | null {
  const token = req.bearer?.token;
  return token?.bearerType === 'licenses' ? token.bearerId : null;
}

/**
 * Whether the request's bearer may see the record: an admin sees all, a product token its
 * product's, an activation token its license's (keygen-api app/policies/machine_policy.rb).
 */
export function visible<T extends Stamped>(
  ctx: Context,
  req: Request,
  model: Model<T>,
  record: T,
): boolean {
  const licenseId = bearerLicense(req);
  if (licenseId) return model.license?.(record) === licenseId;
  const productId = req.bearer?.productId;
  if (!productId) return true;
  const owners = model.products(ctx, record);
  return owners === 'any' || owners.includes(productId);
}

/** The record by id or alias (oldest match wins), or Keygen's 404 for it. */
export function findOr404<T extends Stamped>(
  ctx: Context,
  req: Request,
  model: Model<T>,
  value: string,
): T {
  const collection = model.collection(ctx.store);
  const alias = model.alias;
  const record =
    collection.get(value) ?? (alias ? collection.find((r) => alias(r, value)) : undefined);
  if (!record || !visible(ctx, req, model, record)) throw notFound(model.name, value);
  return record;
}

export function listVisible<T extends Stamped>(ctx: Context, req: Request, model: Model<T>): T[] {
  const collection = model.collection(ctx.store);
  return collection.all().filter((record) => visible(ctx, req, model, record));
}
