/** License actions (keygen-api app/controllers/api/v1/licenses/actions/): state changes with their events and Keygen's 422s. */
import { emit, type App, type AppRoute } from '../api';
import { badRequest, invalidResource, unprocessableEntity } from '../errors';
import { metaOf, noContent, ok, route, type Request } from '../http';
import { checkOut, checkoutReply, readCheckoutOptions } from '../license-files';
import * as models from '../models';
import { policyOf } from '../serializers';
import type { License } from '../store';
import { validateLicense, type ValidationScope } from '../validation';
import { licenseDoc } from './licenses';

const SUSPENDED_AT = '/data/attributes/suspended';

/** A license action: finds the license (by id or key), runs `act`, answers with the license. */
function action(
  method: string,
  name: string,
  act: (license: License, req: Request, app: App) => void,
): AppRoute {
  return route<App>(method, `licenses/:id/actions/${name}`, (req, app) => {
    const license = models.findOr404(app.ctx, req, models.licenses, req.params.id);
    act(license, req, app);
    return ok(licenseDoc(app, license));
  });
}

function changed(app: App, license: License, event: string): void {
  app.ctx.store.licenses.touch(license);
  emit(app, event, models.licenses, license);
}

function count(req: Request, name: 'increment' | 'decrement'): number {
  const value = metaOf(req)[name] ?? 1;
  if (typeof value !== 'number' || !Number.isInteger(value)) {
    throw badRequest('type mismatch (expected integer)', { pointer: `/meta/${name}` });
  }
  if (!Number.isSafeInteger(value))
    throw badRequest('integer is too large', { pointer: `/meta/${name}` });
  return value;
}

function readScope(meta: Record<string, unknown>): ValidationScope | undefined {
  const scope = meta.scope;
  if (scope === undefined) return undefined;
  if (typeof scope !== 'object' || scope === null || Array.isArray(scope)) {
    throw badRequest('type mismatch (expected object)', { pointer: '/meta/scope' });
  }
  return scope as ValidationScope;
}

/** Validates, records `lastValidated` and emits the validation event with its meta. */
function validation(
  app: App,
  license: License | undefined,
  meta: Record<string, unknown>,
  emitEvent: boolean,
) {
  const scope = readScope(meta);
  const result = validateLicense(app.ctx, license, scope);
  const answer: Record<string, unknown> = { ts: app.ctx.store.now(), ...result };
  if (typeof meta.nonce === 'number') answer.nonce = meta.nonce;
  if (scope) answer.scope = scope;
  if (license) {
    license.lastValidated = answer.ts as string;
    if (emitEvent) {
      emit(
        app,
        result.valid ? 'license.validation.succeeded' : 'license.validation.failed',
        models.licenses,
        license,
        answer,
      );
    }
  }
  return { data: license ? models.licenses.serialize(app.ctx, license) : null, meta: answer };
}

export const licenseActionRoutes: AppRoute[] = [
  action('POST', 'suspend', (license, _req, app) => {
    if (license.suspended) throw unprocessableEntity('is already suspended', SUSPENDED_AT);
    license.suspended = true;
    changed(app, license, 'license.suspended');
  }),
  action('POST', 'reinstate', (license, _req, app) => {
    if (!license.suspended) throw unprocessableEntity('is not suspended', SUSPENDED_AT);
    license.suspended = false;
    changed(app, license, 'license.reinstated');
  }),
  action('POST', 'renew', (license, _req, app) => {
    const policy = policyOf(app.ctx, license);
    if (!policy.duration)
      throw unprocessableEntity('cannot be renewed because the policy does not have a duration');
    if (!license.expiry) throw invalidResource();
    const now = Date.now();
    const expiry = Date.parse(license.expiry);
    const from =
      policy.renewalBasis === 'FROM_NOW' ||
      (policy.renewalBasis === 'FROM_NOW_IF_EXPIRED' && expiry < now)
        ? now
        : expiry;
    license.expiry = new Date(from + policy.duration * 1000).toISOString();
    changed(app, license, 'license.renewed');
  }),
  action('POST', 'check-in', (license, _req, app) => {
    if (!policyOf(app.ctx, license).requireCheckIn) {
      throw unprocessableEntity('cannot be checked in because the policy does not require it');
    }
    license.lastCheckIn = app.ctx.store.now();
    changed(app, license, 'license.checked-in');
  }),
  action('POST', 'increment-usage', (license, req, app) => {
    const uses = license.uses + count(req, 'increment');
    const max = license.maxUses ?? policyOf(app.ctx, license).maxUses;
    if (max !== null && uses > max) {
      throw invalidResource({
        detail: `usage exceeds maximum allowed for license (${max})`,
        code: 'USES_LIMIT_EXCEEDED',
        pointer: '/data/attributes/uses',
      });
    }
    license.uses = uses;
    changed(app, license, 'license.usage.incremented');
  }),
  action('POST', 'decrement-usage', (license, req, app) => {
    const uses = license.uses - count(req, 'decrement');
    if (uses < 0) {
      throw invalidResource({
        detail: 'must be greater than or equal to 0',
        code: 'USES_INVALID',
        pointer: '/data/attributes/uses',
      });
    }
    license.uses = uses;
    changed(app, license, 'license.usage.decremented');
  }),
  action('POST', 'reset-usage', (license, _req, app) => {
    license.uses = 0;
    changed(app, license, 'license.usage.reset');
  }),
  route<App>('DELETE', 'licenses/:id/actions/revoke', (req, app) => {
    const license = models.findOr404(app.ctx, req, models.licenses, req.params.id);
    emit(app, 'license.revoked', models.licenses, license);
    app.ctx.store.deleteLicense(license.id);
    return noContent();
  }),
  route<App>('GET', 'licenses/:id/actions/validate', (req, app) => {
    const license = models.findOr404(app.ctx, req, models.licenses, req.params.id);
    return ok(validation(app, license, {}, false));
  }),
  route<App>('POST', 'licenses/:id/actions/validate', (req, app) => {
    const license = models.findOr404(app.ctx, req, models.licenses, req.params.id);
    return ok(validation(app, license, metaOf(req), true));
  }),
  route<App>(
    'POST',
    'licenses/actions/validate-key',
    (req, app) => {
      const meta = metaOf(req);
      if (typeof meta.key !== 'string' || meta.key === '') {
        throw badRequest('is missing', { pointer: '/meta/key' });
      }
      const key = meta.key;
      const license = app.ctx.store.licenses.find(
        (l) => l.key === key && models.visible(app.ctx, req, models.licenses, l),
      );
      return ok(validation(app, license, meta, true));
    },
    { public: true },
  ),
  ...['POST', 'GET'].map((method) =>
    route<App>(method, 'licenses/:id/actions/check-out', (req, app) => {
      const { ctx } = app;
      const license = models.findOr404(ctx, req, models.licenses, req.params.id);
      const options = readCheckoutOptions(req.query, method === 'POST' ? metaOf(req) : {});
      const file = checkOut(
        ctx,
        app.keys,
        {
          kind: 'license',
          record: models.licenses.serialize(ctx, license),
          secret: license.key,
          licenseId: license.id,
          includes: licenseIncludes(app, license),
        },
        options,
      );
      license.lastCheckOut = file.attributes.issued as string;
      changed(app, license, 'license.checked-out');
      return checkoutReply(method, file, license.id);
    }),
  ),
];

/** What `include` may add to a license file. */
export function licenseIncludes(app: App, license: License) {
  const { ctx } = app;
  const one = <T>(
    record: T | undefined,
    serialize: (r: T) => ReturnType<typeof models.licenses.serialize>,
  ) => (record ? [serialize(record)] : []);
  return {
    entitlements: () =>
      license.entitlementIds.flatMap((id) =>
        one(ctx.store.entitlements.get(id), (e) => models.entitlements.serialize(ctx, e)),
      ),
    environment: () => [],
    product: () =>
      one(ctx.store.products.get(license.productId), (p) => models.products.serialize(ctx, p)),
    policy: () =>
      one(ctx.store.policies.get(license.policyId), (p) => models.policies.serialize(ctx, p)),
    group: () =>
      one(license.groupId ? ctx.store.groups.get(license.groupId) : undefined, (g) =>
        models.groups.serialize(ctx, g),
      ),
    owner: () =>
      one(license.ownerId ? ctx.store.users.get(license.ownerId) : undefined, (u) =>
        models.users.serialize(ctx, u),
      ),
    users: () =>
      one(license.ownerId ? ctx.store.users.get(license.ownerId) : undefined, (u) =>
        models.users.serialize(ctx, u),
      ),
  };
}
