/** Licenses: the filtered index, read by id or key, create, update, delete, relationships. */
import { emit, type App, type AppRoute } from '../api';
import { badRequest, invalidResource, notFound, unprocessableEntity } from '../errors';
import {
  attributesOf,
  dataOf,
  noContent,
  ok,
  paginate,
  relationshipId,
  route,
  type Request,
} from '../http';
import { filterLicenses } from '../license-filters';
import * as models from '../models';
import { serializeLicenseEntitlement, serializeToken } from '../serializers';
import { hex, licenseKey, type License } from '../store';
import { attribute } from '../values';

const LIMITS = [
  'maxMachines',
  'maxProcesses',
  'maxUsers',
  'maxCores',
  'maxMemory',
  'maxDisk',
  'maxUses',
] as const;

export const licenseDoc = (app: App, license: License) => ({
  data: models.licenses.serialize(app.ctx, license),
});

/** The attributes create and update share, applied to `license`. */
function applyAttributes(req: Request, license: Partial<License>): void {
  const attributes = attributesOf(req);
  const name = attribute(attributes, 'name', 'string');
  if (name !== undefined) license.name = name;
  const expiry = attribute(attributes, 'expiry', 'time');
  if (expiry !== undefined) license.expiry = expiry;
  const protect = attribute(attributes, 'protected', 'boolean');
  if (protect !== undefined) license.protected = protect;
  const suspended = attribute(attributes, 'suspended', 'boolean');
  if (suspended !== undefined) license.suspended = suspended;
  for (const limit of LIMITS) {
    const value = attribute(attributes, limit, 'integer');
    if (value !== undefined) license[limit] = value;
  }
  const metadata = attribute(attributes, 'metadata', 'metadata');
  if (metadata !== undefined) license.metadata = metadata;
}

function ownerFor(app: App, req: Request): string | null | undefined {
  const owner = relationshipId(req, 'owner') ?? relationshipId(req, 'user');
  if (owner && !app.ctx.store.users.get(owner)) {
    throw invalidResource({
      detail: 'must exist',
      code: 'OWNER_NOT_FOUND',
      pointer: '/data/relationships/owner',
    });
  }
  return owner;
}

function entitlementIds(app: App, req: Request): string[] {
  const data = (req.body as { data?: unknown } | undefined)?.data;
  if (!Array.isArray(data) || data.length === 0 || data.length > 100) {
    throw badRequest('must be an array of 1 to 100 entitlements', { pointer: '/data' });
  }
  return data.map((item: { id?: unknown }, index) => {
    const id = typeof item?.id === 'string' ? item.id : '';
    if (!app.ctx.store.entitlements.get(id)) {
      throw invalidResource({
        detail: 'must exist',
        code: 'ENTITLEMENT_NOT_FOUND',
        pointer: `/data/${index}`,
      });
    }
    return id;
  });
}

export const licenseRoutes: AppRoute[] = [
  route('GET', 'licenses', (req, app) => {
    const licenses = filterLicenses(
      app.ctx,
      req.query,
      models.listVisible(app.ctx, req, models.licenses),
    );
    const page = paginate(req, licenses);
    return ok({
      data: page.data.map((l) => models.licenses.serialize(app.ctx, l)),
      links: page.links,
    });
  }),
  route('GET', 'licenses/:id', (req, app) =>
    ok(licenseDoc(app, models.findOr404(app.ctx, req, models.licenses, req.params.id))),
  ),
  route('POST', 'licenses', (req, app) => {
    const { store } = app.ctx;
    dataOf(req);
    const policyId = relationshipId(req, 'policy');
    const policy = policyId ? store.policies.get(policyId) : undefined;
    if (!policy || (req.bearer?.productId && policy.productId !== req.bearer.productId)) {
      throw invalidResource({
        detail: 'must exist',
        code: 'POLICY_NOT_FOUND',
        pointer: '/data/relationships/policy',
      });
    }
    const fields: Partial<License> = {};
    applyAttributes(req, fields);
    const key = attribute(attributesOf(req), 'key', 'string');
    if (key && store.licenses.find((l) => l.key === key)) {
      throw invalidResource({
        detail: 'has already been taken',
        code: 'KEY_TAKEN',
        pointer: '/data/attributes/key',
      });
    }
    const groupId = relationshipId(req, 'group') ?? null;
    if (groupId && !store.groups.get(groupId)) {
      throw invalidResource({
        detail: 'must exist',
        code: 'GROUP_NOT_FOUND',
        pointer: '/data/relationships/group',
      });
    }
    const expiry =
      fields.expiry !== undefined
        ? fields.expiry
        : policy.duration
          ? new Date(Date.now() + policy.duration * 1000).toISOString()
          : null;
    const license = store.licenses.add({
      productId: policy.productId,
      policyId: policy.id,
      ownerId: ownerFor(app, req) ?? null,
      groupId,
      name: fields.name ?? null,
      key: key ?? licenseKey(),
      expiry,
      uses: 0,
      suspended: fields.suspended ?? false,
      protected: fields.protected ?? null,
      version: null,
      maxMachines: fields.maxMachines ?? null,
      maxProcesses: fields.maxProcesses ?? null,
      maxUsers: fields.maxUsers ?? null,
      maxCores: fields.maxCores ?? null,
      maxMemory: fields.maxMemory ?? null,
      maxDisk: fields.maxDisk ?? null,
      maxUses: fields.maxUses ?? null,
      lastValidated: null,
      lastCheckIn: null,
      lastCheckOut: null,
      metadata: fields.metadata ?? {},
      entitlementIds: [],
    });
    emit(app, 'license.created', models.licenses, license);
    const doc = licenseDoc(app, license);
    return { status: 201, body: doc, headers: { Location: doc.data.links!.self } };
  }),
  ...['PATCH', 'PUT'].map((method) =>
    route<App>(method, 'licenses/:id', (req, app) => {
      const license = models.findOr404(app.ctx, req, models.licenses, req.params.id);
      applyAttributes(req, license);
      app.ctx.store.licenses.touch(license);
      emit(app, 'license.updated', models.licenses, license);
      return ok(licenseDoc(app, license));
    }),
  ),
  route('DELETE', 'licenses/:id', (req, app) => {
    const license = models.findOr404(app.ctx, req, models.licenses, req.params.id);
    emit(app, 'license.deleted', models.licenses, license);
    app.ctx.store.deleteLicense(license.id);
    return noContent();
  }),
  ...['PUT', 'PATCH'].map((method) =>
    route<App>(method, 'licenses/:id/policy', (req, app) => {
      const license = models.findOr404(app.ctx, req, models.licenses, req.params.id);
      const id = (dataOf(req).id as string | undefined) ?? '';
      const policy = models.findOr404(app.ctx, req, models.policies, id);
      if (policy.productId !== license.productId) {
        throw invalidResource({
          detail: 'cannot change to a policy for another product',
          code: 'POLICY_NOT_COMPATIBLE',
          pointer: '/data/relationships/policy',
        });
      }
      license.policyId = policy.id;
      if (policy.transferStrategy === 'RESET_EXPIRY') {
        license.expiry = policy.duration
          ? new Date(Date.now() + policy.duration * 1000).toISOString()
          : null;
      }
      app.ctx.store.licenses.touch(license);
      emit(app, 'license.policy.updated', models.licenses, license);
      return ok(licenseDoc(app, license));
    }),
  ),
  ...['PUT', 'PATCH'].map((method) =>
    route<App>(method, 'licenses/:id/owner', (req, app) => {
      const license = models.findOr404(app.ctx, req, models.licenses, req.params.id);
      const data = (req.body as { data?: { id?: unknown } | null } | undefined)?.data;
      if (data === undefined) throw badRequest('is missing', { pointer: '/data' });
      const ownerId = data === null ? null : String(data.id ?? '');
      if (ownerId !== null && !app.ctx.store.users.get(ownerId)) throw notFound('user', ownerId);
      license.ownerId = ownerId;
      app.ctx.store.licenses.touch(license);
      emit(app, 'license.owner.updated', models.licenses, license);
      return ok(licenseDoc(app, license));
    }),
  ),
  route('GET', 'licenses/:id/entitlements', (req, app) => {
    const license = models.findOr404(app.ctx, req, models.licenses, req.params.id);
    const all = license.entitlementIds
      .flatMap((id) => app.ctx.store.entitlements.get(id) ?? [])
      .reverse();
    const page = paginate(req, all);
    return ok({
      data: page.data.map((e) => models.entitlements.serialize(app.ctx, e)),
      links: page.links,
    });
  }),
  route('POST', 'licenses/:id/entitlements', (req, app) => {
    const license = models.findOr404(app.ctx, req, models.licenses, req.params.id);
    const ids = entitlementIds(app, req);
    const taken = ids.findIndex((id) => license.entitlementIds.includes(id));
    if (taken >= 0) {
      throw invalidResource({
        detail: 'already exists',
        code: 'ENTITLEMENT_TAKEN',
        pointer: `/data/${taken}`,
      });
    }
    license.entitlementIds.push(...ids);
    const now = app.ctx.store.now();
    const joins = ids.map((id) => serializeLicenseEntitlement(app.ctx, license, id, now));
    app.deliveries.broadcast('license.entitlements.attached', { data: joins }, [license.productId]);
    return ok({ data: joins });
  }),
  route('DELETE', 'licenses/:id/entitlements', (req, app) => {
    const license = models.findOr404(app.ctx, req, models.licenses, req.params.id);
    const ids = entitlementIds(app, req);
    const missing = ids.findIndex((id) => !license.entitlementIds.includes(id));
    if (missing >= 0) {
      throw unprocessableEntity(
        'cannot detach entitlement (entitlement is not attached)',
        `/data/${missing}`,
      );
    }
    const now = app.ctx.store.now();
    const joins = ids.map((id) => serializeLicenseEntitlement(app.ctx, license, id, now));
    license.entitlementIds = license.entitlementIds.filter((id) => !ids.includes(id));
    app.deliveries.broadcast('license.entitlements.detached', { data: joins }, [license.productId]);
    return noContent();
  }),
  route('POST', 'licenses/:id/tokens', (req, app) => {
    const license = models.findOr404(app.ctx, req, models.licenses, req.params.id);
    const attributes = req.body === undefined ? {} : attributesOf(req);
    const token = app.ctx.store.tokens.add({
      kind: 'activation-token',
      secret: `activ-${hex(16)}v3`,
      bearerType: 'licenses',
      bearerId: license.id,
      name: attribute(attributes, 'name', 'string') ?? null,
      expiry: attribute(attributes, 'expiry', 'time') ?? null,
      maxActivations: attribute(attributes, 'maxActivations', 'integer') ?? null,
      maxDeactivations: attribute(attributes, 'maxDeactivations', 'integer') ?? null,
      activations: 0,
      deactivations: 0,
    });
    emit(app, 'token.generated', models.tokens, token);
    return ok({ data: serializeToken(app.ctx, token, true) });
  }),
];
