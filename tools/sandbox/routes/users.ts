/** Users: read by id or email, create (one per email), update, delete, ban and unban. */
import { emit, type App, type AppRoute } from '../api';
import { badRequest, forbidden, invalidResource } from '../errors';
import {
  attributesOf,
  noContent,
  ok,
  paginate,
  queryList,
  relationshipId,
  route,
  type Request,
} from '../http';
import * as models from '../models';
import type { User } from '../store';
import { attribute } from '../values';

const ROLES = ['user', 'admin', 'developer', 'sales-agent', 'support-agent', 'read-only'];
const EMAIL = /^[^@\s]+@[^@\s]+$/;

const userDoc = (app: App, user: User) => ({ data: models.users.serialize(app.ctx, user) });

function applyAttributes(app: App, req: Request, user: Partial<User>, self?: User): void {
  const attributes = attributesOf(req);
  const email = attribute(attributes, 'email', 'string');
  if (email !== undefined) {
    const lower = (email ?? '').toLowerCase();
    if (!EMAIL.test(lower)) {
      throw invalidResource({
        detail: 'must be a valid email',
        code: 'EMAIL_INVALID',
        pointer: '/data/attributes/email',
      });
    }
    if (app.ctx.store.users.find((u) => u.email === lower && u !== self)) {
      throw invalidResource({
        detail: 'has already been taken',
        code: 'EMAIL_TAKEN',
        pointer: '/data/attributes/email',
      });
    }
    user.email = lower;
  }
  for (const name of ['firstName', 'lastName'] as const) {
    const value = attribute(attributes, name, 'string');
    if (value !== undefined) user[name] = value;
  }
  const role = attribute(attributes, 'role', 'string');
  if (role !== undefined) {
    if (!ROLES.includes(role ?? '')) {
      throw invalidResource({
        detail: 'must be a valid user role',
        code: 'ROLE_NOT_ALLOWED',
        pointer: '/data/attributes/role',
      });
    }
    if (role !== 'user' && req.bearer?.productId) throw forbidden();
    user.role = role!;
  }
  const metadata = attribute(attributes, 'metadata', 'metadata');
  if (metadata !== undefined) user.metadata = metadata;
  const groupId = relationshipId(req, 'group');
  if (groupId !== undefined) {
    if (groupId && !app.ctx.store.groups.get(groupId)) {
      throw invalidResource({
        detail: 'must exist',
        code: 'GROUP_NOT_FOUND',
        pointer: '/data/relationships/group',
      });
    }
    user.groupId = groupId;
  }
}

/** Ban and unban: idempotent, and only for users with the user role. */
function banRoute(action: 'ban' | 'unban'): AppRoute {
  return route<App>('POST', `users/:id/actions/${action}`, (req, app) => {
    const user = models.findOr404(app.ctx, req, models.users, req.params.id);
    if (user.role !== 'user') throw forbidden('must have a user role');
    user.banned = action === 'ban';
    app.ctx.store.users.touch(user);
    emit(app, action === 'ban' ? 'user.banned' : 'user.unbanned', models.users, user);
    return ok(userDoc(app, user));
  });
}

export const userRoutes: AppRoute[] = [
  route('GET', 'users', (req, app) => {
    const roles = queryList(req.query, 'roles');
    const wanted = roles.length > 0 ? roles : ['user'];
    const status = req.query.get('status');
    const users = models
      .listVisible(app.ctx, req, models.users)
      .filter((u) => wanted.includes(u.role))
      .filter(
        (u) =>
          status === null ||
          models.users.serialize(app.ctx, u).attributes.status === status.toUpperCase(),
      );
    const page = paginate(req, users);
    return ok({
      data: page.data.map((u) => models.users.serialize(app.ctx, u)),
      links: page.links,
    });
  }),
  route('GET', 'users/:id', (req, app) =>
    ok(userDoc(app, models.findOr404(app.ctx, req, models.users, req.params.id.toLowerCase()))),
  ),
  route('POST', 'users', (req, app) => {
    const fields: Partial<User> = {};
    applyAttributes(app, req, fields);
    if (!fields.email) throw badRequest('is missing', { pointer: '/data/attributes/email' });
    const user = app.ctx.store.users.add({
      firstName: fields.firstName ?? null,
      lastName: fields.lastName ?? null,
      email: fields.email,
      role: fields.role ?? 'user',
      banned: false,
      groupId: fields.groupId ?? null,
      metadata: fields.metadata ?? {},
    });
    emit(app, 'user.created', models.users, user);
    const doc = userDoc(app, user);
    return { status: 201, body: doc, headers: { Location: doc.data.links!.self } };
  }),
  ...['PATCH', 'PUT'].map((method) =>
    route<App>(method, 'users/:id', (req, app) => {
      const user = models.findOr404(app.ctx, req, models.users, req.params.id.toLowerCase());
      applyAttributes(app, req, user, user);
      app.ctx.store.users.touch(user);
      emit(app, 'user.updated', models.users, user);
      return ok(userDoc(app, user));
    }),
  ),
  route('DELETE', 'users/:id', (req, app) => {
    const user = models.findOr404(app.ctx, req, models.users, req.params.id.toLowerCase());
    if (
      user.role === 'admin' &&
      app.ctx.store.users.all().filter((u) => u.role === 'admin').length === 1
    ) {
      throw forbidden('account must have at least 1 admin user');
    }
    emit(app, 'user.deleted', models.users, user);
    app.ctx.store.users.delete(user.id);
    return noContent();
  }),
  banRoute('ban'),
  banRoute('unban'),
];
