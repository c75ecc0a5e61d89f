/**
 * Machines: activate (within the license's limit), read by id or fingerprint, update, deactivate,
 * check out, heartbeat ping and reset.
 */
import { emit, type App, type AppRoute } from '../api';
import { badRequest, forbidden, invalidResource, unprocessableEntity } from '../errors';
import {
  attributesOf,
  dataOf,
  metaOf,
  noContent,
  ok,
  paginate,
  relationshipId,
  route,
  type Request,
} from '../http';
import { checkOut, checkoutReply, readCheckoutOptions } from '../license-files';
import * as models from '../models';
import { heartbeatStatus, mayResurrect, policyOf } from '../serializers';
import type { Machine } from '../store';
import { attribute } from '../values';
import { licenseIncludes } from './license-actions';

const machineDoc = (app: App, machine: Machine) => ({
  data: models.machines.serialize(app.ctx, machine),
});

const TEXT = ['name', 'ip', 'hostname', 'platform'] as const;
const SIZES = ['cores', 'memory', 'disk'] as const;

function applyAttributes(req: Request, machine: Partial<Machine>): void {
  const attributes = attributesOf(req);
  for (const name of TEXT) {
    const value = attribute(attributes, name, 'string');
    if (value !== undefined) machine[name] = value;
  }
  for (const name of SIZES) {
    const value = attribute(attributes, name, 'integer');
    if (value !== undefined) machine[name] = value;
  }
  // An override of the license's maxProcesses; null falls back to the license again.
  const maxProcesses = attribute(attributes, 'maxProcesses', 'integer');
  if (maxProcesses !== undefined) machine.maxProcesses = maxProcesses;
  const metadata = attribute(attributes, 'metadata', 'metadata');
  if (metadata !== undefined) machine.metadata = metadata;
}

/**
 * Counts an activation or deactivation on the activation token that makes it, refusing one past
 * the token's maximum (keygen-api app/models/token.rb; machines_controller.rb renders the token's
 * error). Admin and product tokens count nothing.
 */
function countOnToken(app: App, req: Request, counter: 'activations' | 'deactivations'): void {
  const token = req.bearer?.token;
  if (token?.bearerType !== 'licenses') return;
  const max = counter === 'activations' ? token.maxActivations : token.maxDeactivations;
  const count = (token[counter] ?? 0) + 1;
  if (max !== null && count > max) {
    throw invalidResource({
      detail: `exceeds maximum allowed (${max})`,
      code: `${counter.toUpperCase()}_LIMIT_EXCEEDED`,
      pointer: `/data/attributes/${counter}`,
    });
  }
  token[counter] = count;
  app.ctx.store.tokens.touch(token);
}

export const machineRoutes: AppRoute[] = [
  route('GET', 'machines', (req, app) => {
    const { store } = app.ctx;
    const q = req.query;
    const keyLicense =
      q.get('key') !== null ? store.licenses.find((l) => l.key === q.get('key')) : undefined;
    const machines = models.listVisible(app.ctx, req, models.machines).filter((m) => {
      const license = store.licenses.get(m.licenseId);
      return (
        (q.get('fingerprint') === null || m.fingerprint === q.get('fingerprint')) &&
        (q.get('license') === null || m.licenseId === q.get('license')) &&
        (q.get('key') === null || m.licenseId === keyLicense?.id) &&
        (q.get('product') === null || license?.productId === q.get('product')) &&
        (q.get('policy') === null || license?.policyId === q.get('policy')) &&
        (q.get('owner') === null || m.ownerId === q.get('owner')) &&
        (q.get('hostname') === null || m.hostname === q.get('hostname')) &&
        (q.get('ip') === null || m.ip === q.get('ip'))
      );
    });
    const page = paginate(req, machines);
    return ok({
      data: page.data.map((m) => models.machines.serialize(app.ctx, m)),
      links: page.links,
    });
  }),
  route('GET', 'machines/:id', (req, app) =>
    ok(machineDoc(app, models.findOr404(app.ctx, req, models.machines, req.params.id))),
  ),
  route('POST', 'machines', (req, app) => {
    const { store } = app.ctx;
    dataOf(req);
    const fingerprint = attribute(attributesOf(req), 'fingerprint', 'string');
    if (!fingerprint) throw badRequest('is missing', { pointer: '/data/attributes/fingerprint' });
    const licenseId = relationshipId(req, 'license');
    // Keygen's machine policy denies an activation token any license but its own.
    const tokenLicense = models.bearerLicense(req);
    if (tokenLicense && licenseId !== tokenLicense) throw forbidden();
    const license = licenseId ? store.licenses.get(licenseId) : undefined;
    if (!license || !models.visible(app.ctx, req, models.licenses, license)) {
      throw invalidResource({
        detail: 'must exist',
        code: 'LICENSE_NOT_FOUND',
        pointer: '/data/relationships/license',
      });
    }
    const siblings = store.machines.all().filter((m) => m.licenseId === license.id);
    if (siblings.some((m) => m.fingerprint === fingerprint)) {
      throw invalidResource({
        detail: 'has already been taken',
        code: 'FINGERPRINT_TAKEN',
        pointer: '/data/attributes/fingerprint',
      });
    }
    const max = license.maxMachines ?? policyOf(app.ctx, license).maxMachines;
    if (max !== null && siblings.length >= max) {
      throw invalidResource({
        detail: `machine count has exceeded maximum allowed for license (${max})`,
        code: 'MACHINE_LIMIT_EXCEEDED',
        pointer: '/data',
      });
    }
    const fields: Partial<Machine> = {};
    applyAttributes(req, fields);
    countOnToken(app, req, 'activations');
    const machine = store.machines.add({
      licenseId: license.id,
      ownerId: license.ownerId,
      groupId: null,
      fingerprint,
      cores: fields.cores ?? null,
      memory: fields.memory ?? null,
      disk: fields.disk ?? null,
      ip: fields.ip ?? null,
      hostname: fields.hostname ?? null,
      platform: fields.platform ?? null,
      name: fields.name ?? null,
      maxProcesses: fields.maxProcesses ?? null,
      lastCheckOut: null,
      lastHeartbeat: null,
      metadata: fields.metadata ?? {},
    });
    emit(app, 'machine.created', models.machines, machine);
    const doc = machineDoc(app, machine);
    return { status: 201, body: doc, headers: { Location: doc.data.links!.self } };
  }),
  ...['PATCH', 'PUT'].map((method) =>
    route<App>(method, 'machines/:id', (req, app) => {
      const machine = models.findOr404(app.ctx, req, models.machines, req.params.id);
      applyAttributes(req, machine);
      app.ctx.store.machines.touch(machine);
      emit(app, 'machine.updated', models.machines, machine);
      return ok(machineDoc(app, machine));
    }),
  ),
  route('DELETE', 'machines/:id', (req, app) => {
    const machine = models.findOr404(app.ctx, req, models.machines, req.params.id);
    countOnToken(app, req, 'deactivations');
    emit(app, 'machine.deleted', models.machines, machine);
    app.ctx.store.machines.delete(machine.id);
    return noContent();
  }),
  route('POST', 'machines/:id/actions/ping', (req, app) => {
    const { ctx } = app;
    const machine = models.findOr404(ctx, req, models.machines, req.params.id);
    const license = ctx.store.licenses.get(machine.licenseId);
    const policy = license ? policyOf(ctx, license) : undefined;
    const now = Date.now();
    const dead = heartbeatStatus(machine, policy, now).status === 'DEAD';
    if (dead && !mayResurrect(machine, policy, now)) {
      throw unprocessableEntity('is dead', undefined, 'MACHINE_HEARTBEAT_DEAD');
    }
    machine.lastHeartbeat = new Date(now).toISOString();
    ctx.store.machines.touch(machine);
    const doc = machineDoc(app, machine);
    // Keygen reports RESURRECTED in the answer and the event of the ping that revived the machine.
    if (dead) doc.data.attributes.heartbeatStatus = 'RESURRECTED';
    const owners = models.machines.products(ctx, machine);
    app.deliveries.broadcast(
      dead ? 'machine.heartbeat.resurrected' : 'machine.heartbeat.ping',
      { data: doc.data },
      owners === 'any' ? [] : owners,
    );
    return ok(doc);
  }),
  route('POST', 'machines/:id/actions/reset', (req, app) => {
    const machine = models.findOr404(app.ctx, req, models.machines, req.params.id);
    machine.lastHeartbeat = null;
    app.ctx.store.machines.touch(machine);
    emit(app, 'machine.heartbeat.reset', models.machines, machine);
    return ok(machineDoc(app, machine));
  }),
  ...['POST', 'GET'].map((method) =>
    route<App>(method, 'machines/:id/actions/check-out', (req, app) => {
      const { ctx } = app;
      const machine = models.findOr404(ctx, req, models.machines, req.params.id);
      const license = ctx.store.licenses.get(machine.licenseId)!;
      const forLicense = licenseIncludes(app, license);
      const licenseRecord = () => [models.licenses.serialize(ctx, license)];
      const owner = () => (machine.ownerId ? forLicense.owner() : []);
      const file = checkOut(
        ctx,
        app.keys,
        {
          kind: 'machine',
          record: models.machines.serialize(ctx, machine),
          secret: license.key + machine.fingerprint,
          licenseId: license.id,
          machineId: machine.id,
          includes: {
            license: licenseRecord,
            'license.entitlements': forLicense.entitlements,
            'license.product': forLicense.product,
            'license.policy': forLicense.policy,
            'license.owner': forLicense.owner,
            'license.users': forLicense.users,
            components: () => [],
            environment: () => [],
            group: () => [],
            owner,
          },
        },
        readCheckoutOptions(req.query, method === 'POST' ? metaOf(req) : {}),
      );
      machine.lastCheckOut = file.attributes.issued as string;
      ctx.store.machines.touch(machine);
      emit(app, 'machine.checked-out', models.machines, machine);
      return checkoutReply(method, file, machine.id);
    }),
  ),
];
