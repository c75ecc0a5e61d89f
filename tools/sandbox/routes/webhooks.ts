/**
 * Webhook endpoints (keygen-api app/controllers/api/v1/webhook_endpoints_controller.rb) and the webhook events sent to them, with the retry action.
 * Unlike Keygen, only URLs on this machine are accepted (docs/sandbox.md), over http or
 * https: the sandbox signs real deliveries and must never send one to another host.
 */
import type { App, AppRoute } from '../api';
import {
  badRequest,
  forbidden,
  invalidResource,
  unprocessableEntity,
  type ModelError,
} from '../errors';
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
import { SIGNATURE_ALGORITHMS } from '../keys';
import { SUBSCRIBABLE_EVENTS } from '../event-types';
import * as models from '../models';
import type { WebhookEndpoint } from '../store';
import { THIS_MACHINE, isThisMachine } from '../this-machine';

const API_VERSIONS = ['1.0', '1.1', '1.2', '1.3', '1.4', '1.5', '1.6', '1.7', '1.8'];
const MAX_URL_BYTES = 4096;
function urlErrors(url: string): ModelError[] {
  const at = '/data/attributes/url';
  if (Buffer.byteLength(url) > MAX_URL_BYTES) {
    return [
      { detail: 'is too long (maximum is 4096 characters)', code: 'URL_TOO_LONG', pointer: at },
    ];
  }
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return [{ detail: 'must be a valid URL', code: 'URL_INVALID', pointer: at }];
  }
  if (parsed.username || parsed.password) {
    // Not echoed: what precedes `@` may be a secret.
    return [
      { detail: 'must not contain credentials (user:password@)', code: 'URL_INVALID', pointer: at },
    ];
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') {
    return [
      {
        detail: 'must be a valid URL using one of the following protocols: http, https',
        code: 'URL_PROTOCOL_INVALID',
        pointer: at,
      },
    ];
  }
  if (!isThisMachine(parsed)) {
    return [
      {
        detail: `must be on this machine (${THIS_MACHINE}): the sandbox never sends webhooks to ${parsed.hostname}`,
        code: 'URL_HOST_INVALID',
        pointer: at,
      },
    ];
  }
  return [];
}

function subscriptionErrors(subscriptions: string[]): ModelError[] {
  const at = '/data/attributes/subscriptions';
  if (subscriptions.length === 0) {
    return [
      {
        detail: 'must have at least 1 webhook event subscription',
        code: 'SUBSCRIPTIONS_TOO_SHORT',
        pointer: at,
      },
    ];
  }
  if (subscriptions.length === 1 && subscriptions[0] === '*') return [];
  if (subscriptions.every((event) => SUBSCRIBABLE_EVENTS.has(event))) return [];
  return [
    {
      detail: 'unsupported webhook event type for subscription',
      code: 'SUBSCRIPTIONS_NOT_ALLOWED',
      pointer: at,
    },
  ];
}

function stringList(value: unknown, name: string): string[] | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value) || value.some((v) => typeof v !== 'string')) {
    throw badRequest('type mismatch (received non-array expected array of strings)', {
      pointer: `/data/attributes/${name}`,
    });
  }
  return [...new Set(value as string[])];
}

function optionalString(value: unknown, name: string): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string') {
    throw badRequest('type mismatch (expected string)', { pointer: `/data/attributes/${name}` });
  }
  return value;
}

/**
 * The endpoint's product: a product token may only scope to its own product (and is scoped to it
 * when it names none); an unknown product is a 422 like Keygen's missing relationship.
 */
function productFor(
  app: App,
  req: Request,
  requested: string | null | undefined,
): string | null | undefined {
  const own = req.bearer?.productId ?? null;
  if (own) {
    if (requested && requested !== own) throw forbidden();
    return own;
  }
  if (requested && !app.ctx.store.products.get(requested)) {
    throw invalidResource({
      detail: 'must exist',
      code: 'PRODUCT_NOT_FOUND',
      pointer: '/data/relationships/product',
    });
  }
  return requested;
}

function validate(fields: {
  url?: string;
  subscriptions?: string[];
  signatureAlgorithm?: string;
  apiVersion?: string;
}): void {
  if (fields.apiVersion !== undefined && !API_VERSIONS.includes(fields.apiVersion)) {
    throw badRequest('unsupported version', { pointer: '/data/attributes/apiVersion' });
  }
  const errors: ModelError[] = [
    ...(fields.subscriptions ? subscriptionErrors(fields.subscriptions) : []),
    ...(fields.url !== undefined ? urlErrors(fields.url) : []),
  ];
  if (
    fields.signatureAlgorithm !== undefined &&
    !(SIGNATURE_ALGORITHMS as readonly string[]).includes(fields.signatureAlgorithm)
  ) {
    errors.push({
      detail: 'unsupported signature algorithm',
      code: 'SIGNATURE_ALGORITHM_NOT_ALLOWED',
      pointer: '/data/attributes/signatureAlgorithm',
    });
  }
  if (errors.length > 0) throw invalidResource(...errors);
}

function readFields(req: Request) {
  const attributes = attributesOf(req);
  return {
    url: optionalString(attributes.url, 'url'),
    subscriptions: stringList(attributes.subscriptions, 'subscriptions'),
    signatureAlgorithm: optionalString(attributes.signatureAlgorithm, 'signatureAlgorithm'),
    apiVersion: optionalString(attributes.apiVersion, 'apiVersion'),
  };
}

const endpointDoc = (app: App, endpoint: WebhookEndpoint) => ({
  data: models.webhookEndpoints.serialize(app.ctx, endpoint),
});

export const webhookRoutes: AppRoute[] = [
  route('GET', 'webhook-endpoints', (req, app) => {
    const page = paginate(req, models.listVisible(app.ctx, req, models.webhookEndpoints));
    return ok({
      data: page.data.map((e) => models.webhookEndpoints.serialize(app.ctx, e)),
      links: page.links,
    });
  }),
  route('GET', 'webhook-endpoints/:id', (req, app) =>
    ok(endpointDoc(app, models.findOr404(app.ctx, req, models.webhookEndpoints, req.params.id))),
  ),
  route('POST', 'webhook-endpoints', (req, app) => {
    const fields = readFields(req);
    if (fields.url === undefined)
      throw badRequest('is missing', { pointer: '/data/attributes/url' });
    validate(fields);
    const productId = productFor(app, req, relationshipId(req, 'product')) ?? null;
    const endpoint = app.ctx.store.webhookEndpoints.add({
      url: fields.url,
      subscriptions: fields.subscriptions ?? ['*'],
      signatureAlgorithm: fields.signatureAlgorithm ?? 'ed25519',
      apiVersion: fields.apiVersion ?? req.version,
      productId,
    });
    const doc = endpointDoc(app, endpoint);
    return { status: 201, body: doc, headers: { Location: doc.data.links!.self } };
  }),
  ...['PATCH', 'PUT'].map((method) =>
    route<App>(method, 'webhook-endpoints/:id', (req, app) => {
      const endpoint = models.findOr404(app.ctx, req, models.webhookEndpoints, req.params.id);
      const fields = readFields(req);
      validate(fields);
      const productId = productFor(app, req, relationshipId(req, 'product'));
      if (fields.url !== undefined) endpoint.url = fields.url;
      if (fields.subscriptions) endpoint.subscriptions = fields.subscriptions;
      if (fields.signatureAlgorithm) endpoint.signatureAlgorithm = fields.signatureAlgorithm;
      if (fields.apiVersion) endpoint.apiVersion = fields.apiVersion;
      if (productId !== undefined) endpoint.productId = productId;
      app.ctx.store.webhookEndpoints.touch(endpoint);
      return ok(endpointDoc(app, endpoint));
    }),
  ),
  route('DELETE', 'webhook-endpoints/:id', (req, app) => {
    const endpoint = models.findOr404(app.ctx, req, models.webhookEndpoints, req.params.id);
    app.ctx.store.webhookEndpoints.delete(endpoint.id);
    return noContent();
  }),
  route('GET', 'webhook-events', (req, app) => {
    const events = queryList(req.query, 'events');
    const all = models
      .listVisible(app.ctx, req, models.webhookEvents)
      .filter((e) => events.length === 0 || events.includes(e.event));
    const page = paginate(req, all, { counted: false });
    return ok({
      data: page.data.map((e) => models.webhookEvents.serialize(app.ctx, e)),
      links: page.links,
    });
  }),
  route('GET', 'webhook-events/:id', (req, app) =>
    ok({
      data: models.webhookEvents.serialize(
        app.ctx,
        models.findOr404(app.ctx, req, models.webhookEvents, req.params.id),
      ),
    }),
  ),
  route('DELETE', 'webhook-events/:id', (req, app) => {
    const event = models.findOr404(app.ctx, req, models.webhookEvents, req.params.id);
    app.ctx.store.webhookEvents.delete(event.id);
    return noContent();
  }),
  route('POST', 'webhook-events/:id/actions/retry', (req, app) => {
    const event = models.findOr404(app.ctx, req, models.webhookEvents, req.params.id);
    const retried = app.deliveries.retry(event);
    if (!retried) throw unprocessableEntity('webhook event failed to retry');
    const data = models.webhookEvents.serialize(app.ctx, retried);
    return { status: 201, body: { data }, headers: { Location: data.links!.self } };
  }),
];
