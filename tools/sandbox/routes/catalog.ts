/**
 * The records a Zap picks from rather than changes: products, policies, entitlements, groups and
 * tokens, listed and read (policies filtered by product).
 */
import type { App, AppRoute } from '../api';
import { ok, paginate, route } from '../http';
import * as models from '../models';
import type { Stamped } from '../store';

function readable<T extends Stamped>(
  collection: string,
  model: models.Model<T>,
  filter: (record: T, query: URLSearchParams) => boolean = () => true,
): AppRoute[] {
  return [
    route<App>('GET', collection, (req, app) => {
      const records = models.listVisible(app.ctx, req, model).filter((r) => filter(r, req.query));
      const page = paginate(req, records);
      return ok({ data: page.data.map((r) => model.serialize(app.ctx, r)), links: page.links });
    }),
    route<App>('GET', `${collection}/:id`, (req, app) =>
      ok({ data: model.serialize(app.ctx, models.findOr404(app.ctx, req, model, req.params.id)) }),
    ),
  ];
}

export const catalogRoutes: AppRoute[] = [
  ...readable('products', models.products),
  ...readable(
    'policies',
    models.policies,
    (p, q) => q.get('product') === null || p.productId === q.get('product'),
  ),
  ...readable('entitlements', models.entitlements),
  ...readable('groups', models.groups),
  ...readable('tokens', models.tokens),
];
