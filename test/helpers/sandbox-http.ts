// Real HTTP helpers for the sandbox tests: a client for the sandbox's API and a webhook receiver
// on 127.0.0.1 that records every request and answers with scripted statuses.
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startSandbox, type Sandbox } from '../../tools/sandbox/server';

export interface ApiAnswer {
  status: number;
  headers: Headers;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  body: any;
}

/** One request to the sandbox's account-scoped API, with the admin token unless told otherwise. */
export async function api(
  sandbox: Sandbox,
  method: string,
  path: string,
  options: {
    body?: unknown;
    token?: string | null;
    account?: string;
    headers?: Record<string, string>;
  } = {},
): Promise<ApiAnswer> {
  const token = options.token === undefined ? sandbox.token : options.token;
  const response = await fetch(
    `${sandbox.baseUrl}/v1/accounts/${options.account ?? sandbox.accountId}${path}`,
    {
      method,
      headers: {
        Accept: 'application/vnd.api+json',
        'Keygen-Version': '1.8',
        ...(token === null ? {} : { Authorization: `Bearer ${token}` }),
        ...(options.body === undefined ? {} : { 'Content-Type': 'application/vnd.api+json' }),
        ...options.headers,
      },
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
    },
  );
  const text = await response.text();
  let body: unknown = text;
  try {
    body = text === '' ? undefined : JSON.parse(text);
  } catch {
    // A license file is plain text.
  }
  return { status: response.status, headers: response.headers, body };
}

/** Activates a machine for a license (by default the seeded active one), as its `token` may. */
export function activateMachine(
  sandbox: Sandbox,
  fingerprint: string,
  options: { licenseId?: string; token?: string; name?: string } = {},
): Promise<ApiAnswer> {
  const licenseId = options.licenseId ?? sandbox.seed.licenses.active.id;
  return api(sandbox, 'POST', '/machines', {
    token: options.token,
    body: {
      data: {
        type: 'machines',
        attributes: { fingerprint, ...(options.name ? { name: options.name } : {}) },
        relationships: { license: { data: { type: 'licenses', id: licenseId } } },
      },
    },
  });
}

export interface Received {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

export interface Receiver {
  url: string;
  received: Received[];
  /** The statuses to answer with, in order; the last one repeats. */
  answer: number[];
  close(): Promise<void>;
}

export async function startReceiver(
  answer: number[] = [200],
  path = '/hooks/standard/1/abc/',
): Promise<Receiver> {
  const received: Received[] = [];
  const receiver: Partial<Receiver> = { received, answer };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      received.push({
        path: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      });
      const list = receiver.answer!;
      const status = list[Math.min(received.length - 1, list.length - 1)];
      res
        .writeHead(status, { 'Content-Type': 'text/plain' })
        .end(status < 300 ? 'ok' : `nope ${status}`);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  receiver.url = `http://127.0.0.1:${port}${path}`;
  receiver.close = () =>
    new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  return receiver as Receiver;
}

/** A webhook endpoint for `url`, created through the API. */
export async function subscribe(
  sandbox: Sandbox,
  url: string,
  attributes: Record<string, unknown> = {},
  relationships?: Record<string, unknown>,
): Promise<string> {
  const answer = await api(sandbox, 'POST', '/webhook-endpoints', {
    body: {
      data: {
        type: 'webhook-endpoints',
        attributes: { url, subscriptions: ['*'], apiVersion: '1.8', ...attributes },
        ...(relationships ? { relationships } : {}),
      },
    },
  });
  if (answer.status !== 201)
    throw new Error(`subscribe answered ${answer.status}: ${JSON.stringify(answer.body)}`);
  return answer.body.data.id as string;
}

/**
 * One sandbox for a test file, without retries: started before its tests and closed after them
 * (once its deliveries are done), then `check`ed if given. `use` receives it once it listens.
 */
export function useSandbox(use: (sandbox: Sandbox) => void, check?: (sandbox: Sandbox) => void) {
  const limitMs = 30_000;
  let sandbox: Sandbox | undefined;
  beforeAll(async () => {
    sandbox = await startSandbox({ retryDelaysMs: [] });
    use(sandbox);
  }, limitMs);
  afterAll(async () => {
    if (!sandbox) return;
    await sandbox.idle();
    check?.(sandbox);
    await sandbox.close();
  }, limitMs);
}
