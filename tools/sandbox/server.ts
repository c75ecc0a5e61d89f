/**
 * The embedded Keygen sandbox: an HTTP server on 127.0.0.1 that answers the account-scoped API
 * with an in-memory store and delivers signed webhooks. A dev tool only: the app never imports it.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { handle, type App, type AppRoute } from './api';
import {
  DEFAULT_RETRY_DELAYS_MS,
  DEFAULT_TIMEOUT_MS,
  Deliveries,
  type DeliveryAttempt,
} from './delivery';
import { generateAccountKeys, publicKeys } from './keys';
import { accountRoutes } from './routes/account';
import { catalogRoutes } from './routes/catalog';
import { licenseActionRoutes } from './routes/license-actions';
import { licenseRoutes } from './routes/licenses';
import { machineRoutes } from './routes/machines';
import { userRoutes } from './routes/users';
import { webhookRoutes } from './routes/webhooks';
import { seed } from './seed';
import { Store } from './store';

export type { DeliveryAttempt } from './delivery';
export { DEFAULT_RETRY_DELAYS_MS } from './delivery';

export interface SandboxOptions {
  /** 0 (the default) = any free port. */
  port?: number;
  /** The wait before each retry; attempts = length + 1 (Keygen: 16). */
  retryDelaysMs?: readonly number[];
  /** How long one delivery attempt may take before it counts as failed and is retried. */
  deliveryTimeoutMs?: number;
}

export interface SandboxLicense {
  id: string;
  key: string;
}

export interface Sandbox {
  /** http://127.0.0.1:N */
  baseUrl: string;
  /** UUID */
  accountId: string;
  accountSlug: string;
  /** The admin token. */
  token: string;
  /** A product token for the seeded product. */
  productToken: string;
  seed: {
    productId: string;
    policyIds: { timed: string; perpetual: string };
    userId: string;
    userEmail: string;
    entitlementId: string;
    groupId: string;
    licenses: {
      active: SandboxLicense;
      expiringSoon: SandboxLicense;
      expired: SandboxLicense;
      suspended: SandboxLicense;
    };
  };
  /** Every delivery attempt, in order. */
  deliveries: readonly DeliveryAttempt[];
  /** Resolves once no delivery or retry is pending. */
  idle(): Promise<void>;
  close(): Promise<void>;
}

/** Routes in matching order: fixed segments before the `:id` they would otherwise match. */
const ROUTES: readonly AppRoute[] = [
  ...accountRoutes,
  ...webhookRoutes,
  ...licenseActionRoutes,
  ...licenseRoutes,
  ...userRoutes,
  ...machineRoutes,
  ...catalogRoutes,
];

/** Why the sandbox cannot listen on `port`, saying what to do about it. */
function listenProblem(error: NodeJS.ErrnoException, port: number): Error {
  const fix = 'choose another with --port N, or --port 0 for any free port.';
  if (error.code === 'EADDRINUSE') return new Error(`port ${port} is already in use: ${fix}`);
  if (error.code === 'EACCES')
    return new Error(`port ${port} is for privileged users only: ${fix}`);
  return error;
}

function listen(server: Server, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const failed = (error: NodeJS.ErrnoException) => reject(listenProblem(error, port));
    server.once('error', failed);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', failed);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const keys = await generateAccountKeys();
  const store = new Store();
  const seeded = seed(store);
  const ctx = { account: { ...seeded.account, publicKeys: publicKeys(keys) }, store };
  const deliveries = new Deliveries({
    ctx,
    keys,
    retryDelaysMs: options.retryDelaysMs ?? DEFAULT_RETRY_DELAYS_MS,
    timeoutMs: options.deliveryTimeoutMs ?? DEFAULT_TIMEOUT_MS,
  });
  const app: App = { ctx, keys, deliveries };
  const server = createServer((req, res) => void handle(app, ROUTES, req, res));
  const port = await listen(server, options.port ?? 0);
  const license = (l: { id: string; key: string }) => ({ id: l.id, key: l.key });
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    accountId: seeded.account.id,
    accountSlug: seeded.account.slug,
    token: seeded.adminToken,
    productToken: seeded.productToken,
    seed: {
      productId: seeded.productId,
      policyIds: seeded.policyIds,
      userId: seeded.userId,
      userEmail: seeded.userEmail,
      entitlementId: seeded.entitlementId,
      groupId: seeded.groupId,
      licenses: {
        active: license(seeded.licenses.active),
        expiringSoon: license(seeded.licenses.expiringSoon),
        expired: license(seeded.licenses.expired),
        suspended: license(seeded.licenses.suspended),
      },
    },
    deliveries: deliveries.attempts,
    idle: () => deliveries.idle(),
    close: () =>
      new Promise<void>((resolve) => {
        deliveries.close();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
