/** The account itself (with its verify keys) and `me`, the token's bearer. */
import type { AppRoute } from '../api';
import { ok, route } from '../http';
import { serializeAccount, serializeProduct, serializeToken, serializeUser } from '../serializers';

export const accountRoutes: AppRoute[] = [
  route('GET', '', (_req, app) => ok({ data: serializeAccount(app.ctx) })),
  route('GET', 'me', (req, app) => {
    const { ctx } = app;
    const token = req.bearer!.token;
    const product =
      token.bearerType === 'products' ? ctx.store.products.get(token.bearerId) : undefined;
    const user = token.bearerType === 'users' ? ctx.store.users.get(token.bearerId) : undefined;
    const data = product
      ? serializeProduct(ctx, product)
      : user
        ? serializeUser(ctx, user)
        : undefined;
    return ok({ data, included: [serializeToken(ctx, token)] });
  }),
];
