// The sandbox stays on this machine (docs/sandbox.md): webhook endpoints only on localhost,
// 127.0.0.0/8 or [::1], refused otherwise with Keygen's 422 shape on POST and PATCH; and the
// delivery worker refuses to send anywhere else even when an endpoint got past the API. Every
// "refused" URL below either names no reachable host or one on this machine (0.0.0.0, [::]), so
// a broken check would show up here without anything leaving the machine.
import { createServer, type Server } from 'node:http';
import type { AddressInfo, LookupFunction } from 'node:net';
import fc from 'fast-check';
import { Deliveries } from '../../tools/sandbox/delivery';
import { generateAccountKeys, publicKeys } from '../../tools/sandbox/keys';
import { seed } from '../../tools/sandbox/seed';
import type { Sandbox } from '../../tools/sandbox/server';
import { Store } from '../../tools/sandbox/store';
import { loopbackOnly } from '../../tools/sandbox/this-machine';
import { api, startReceiver, useSandbox } from '../helpers/sandbox-http';

const LIMIT_MS = 30_000;
let sandbox: Sandbox;

useSandbox((started) => (sandbox = started));

const endpoint = (url: string) => ({
  data: { type: 'webhook-endpoints', attributes: { url, subscriptions: ['license.created'] } },
});
const create = (url: string) => api(sandbox, 'POST', '/webhook-endpoints', { body: endpoint(url) });

describe('webhook endpoint URLs', () => {
  test.each([
    'http://localhost:9/hook',
    'https://localhost/hook',
    'http://LOCALHOST./hook',
    'http://127.0.0.1:9/hook',
    'http://127.1:9/hook',
    'http://127.255.255.254/hook',
    'http://0x7f000001/hook',
    'http://2130706433/hook',
    'http://[::1]:9/hook',
    'http://[0:0:0:0:0:0:0:1]/hook',
    'http://[::ffff:127.0.0.1]/hook',
  ])('%s is on this machine: accepted as typed', async (url) => {
    const { status, body } = await create(url);
    expect(status).toBe(201);
    expect(body.data.attributes.url).toBe(url);
  });

  test.each([
    ['https://hooks.zapier.com/hooks/standard/1/abc/', 'hooks.zapier.com'],
    ['https://example.com/hook', 'example.com'],
    ['https://api.keygen.sh/hook', 'api.keygen.sh'],
    ['http://10.0.0.1/hook', '10.0.0.1'],
    ['http://3232235521/hook', '192.168.0.1'],
    ['http://0.0.0.0:9/hook', '0.0.0.0'],
    ['http://0/hook', '0.0.0.0'],
    ['http://[::]/hook', '[::]'],
    ['http://[::ffff:10.0.0.1]/hook', '[::ffff:a00:1]'],
    ['http://example.com\\@127.0.0.1/hook', 'example.com'],
    ['http://127.0.0.1.nip.io/hook', '127.0.0.1.nip.io'],
    ['http://localhost.example.com/hook', 'localhost.example.com'],
    ['http://app.localhost/hook', 'app.localhost'],
  ])('%s is not on this machine: 422 naming %s', async (url, host) => {
    const { status, body } = await create(url);
    expect(status).toBe(422);
    expect(body.errors).toEqual([
      {
        title: 'Unprocessable resource',
        detail: `must be on this machine (localhost, 127.0.0.0/8 or [::1]): the sandbox never sends webhooks to ${host}`,
        code: 'URL_HOST_INVALID',
        source: { pointer: '/data/attributes/url' },
      },
    ]);
  });

  test.each(['http://user:secret@127.0.0.1:9/hook', 'http://127.0.0.1:secret@example.com/hook'])(
    'credentials in the URL are refused, even on this machine: %s',
    async (url) => {
      const { status, body } = await create(url);
      expect(status).toBe(422);
      expect(body.errors).toEqual([
        {
          title: 'Unprocessable resource',
          detail: 'must not contain credentials (user:password@)',
          code: 'URL_INVALID',
          source: { pointer: '/data/attributes/url' },
        },
      ]);
      expect(JSON.stringify(body)).not.toContain('secret');
    },
  );

  test('a scheme other than http or https is refused with the protocol error', async () => {
    const { status, body } = await create('ftp://127.0.0.1/hook');
    expect(status).toBe(422);
    expect(body.errors[0]).toMatchObject({
      code: 'URL_PROTOCOL_INVALID',
      detail: 'must be a valid URL using one of the following protocols: http, https',
    });
  });

  test('any IPv4 address is accepted exactly when it is in 127.0.0.0/8', async () => {
    await fc.assert(
      fc.asyncProperty(fc.ipV4(), async (address) => {
        const { status } = await create(`http://${address}:9/hook`);
        expect(status).toBe(address.startsWith('127.') ? 201 : 422);
      }),
      { numRuns: 60 },
    );
  }, 60_000);

  test('PATCH to another host is refused the same way and leaves the endpoint as it was', async () => {
    const created = await create('http://127.0.0.1:9/hook');
    const id = created.body.data.id as string;
    const moved = await api(sandbox, 'PATCH', `/webhook-endpoints/${id}`, {
      body: {
        data: { type: 'webhook-endpoints', id, attributes: { url: 'https://hooks.zapier.com/x' } },
      },
    });
    expect(moved.status).toBe(422);
    expect(moved.body.errors[0]).toMatchObject({
      code: 'URL_HOST_INVALID',
      detail: expect.stringContaining('the sandbox never sends webhooks to hooks.zapier.com'),
    });
    const stored = await api(sandbox, 'GET', `/webhook-endpoints/${id}`);
    expect(stored.body.data.attributes.url).toBe('http://127.0.0.1:9/hook');
    const local = await api(sandbox, 'PATCH', `/webhook-endpoints/${id}`, {
      body: {
        data: { type: 'webhook-endpoints', id, attributes: { url: 'http://localhost:9/other' } },
      },
    });
    expect(local.status).toBe(200);
    expect(local.body.data.attributes.url).toBe('http://localhost:9/other');
  });
});

describe('the delivery worker, the second line', () => {
  /** A receiver on every interface: what a worker without the check would reach at 0.0.0.0. */
  async function anyInterfaceReceiver(): Promise<{ port: number; hits: string[]; server: Server }> {
    const hits: string[] = [];
    const server = createServer((req, res) => {
      hits.push(req.url ?? '');
      req.resume();
      res.end('ok');
    });
    await new Promise<void>((resolve) => server.listen(0, '0.0.0.0', resolve));
    return { port: (server.address() as AddressInfo).port, hits, server };
  }

  async function worker(lookup?: LookupFunction) {
    const keys = await generateAccountKeys();
    const store = new Store();
    const seeded = seed(store);
    const ctx = { account: { ...seeded.account, publicKeys: publicKeys(keys) }, store };
    const deliveries = new Deliveries({ ctx, keys, retryDelaysMs: [], timeoutMs: 5_000, lookup });
    const add = (url: string) =>
      store.webhookEndpoints.add({
        url,
        subscriptions: ['*'],
        signatureAlgorithm: 'ed25519',
        apiVersion: '1.8',
        productId: null,
      });
    return { deliveries, add };
  }

  test(
    'an endpoint stored with a URL off this machine gets nothing: the event fails and says why',
    async () => {
      const target = await anyInterfaceReceiver();
      const local = await startReceiver();
      const { deliveries, add } = await worker();
      try {
        add(`http://0.0.0.0:${target.port}/hook`);
        add(local.url);
        const [refused, delivered] = deliveries.broadcast('license.created', { data: null }, []);
        await deliveries.idle();
        expect(target.hits).toEqual([]);
        expect(refused).toMatchObject({
          status: 'FAILED',
          lastResponseCode: null,
          lastResponseBody:
            'NOT_ON_THIS_MACHINE: the sandbox sends webhooks only to localhost, 127.0.0.0/8 or [::1], not to 0.0.0.0',
        });
        expect(delivered).toMatchObject({ status: 'DELIVERED', lastResponseCode: 200 });
        expect(local.received).toHaveLength(1);
      } finally {
        deliveries.close();
        target.server.close();
        await local.close();
      }
    },
    LIMIT_MS,
  );

  test(
    'a name that resolves off loopback gets nothing: the event fails and says why',
    async () => {
      const target = await anyInterfaceReceiver();
      // A resolver that maps localhost elsewhere (here 0.0.0.0, which still reaches this machine).
      const elsewhere: LookupFunction = (_host, options, callback) =>
        options.all
          ? callback(null, [{ address: '0.0.0.0', family: 4 }])
          : callback(null, '0.0.0.0', 4);
      const { deliveries, add } = await worker(elsewhere);
      try {
        add(`http://localhost:${target.port}/hook`);
        const [event] = deliveries.broadcast('license.created', { data: null }, []);
        await deliveries.idle();
        expect(target.hits).toEqual([]);
        expect(event).toMatchObject({
          status: 'FAILED',
          lastResponseBody:
            'NOT_ON_THIS_MACHINE: localhost resolved to 0.0.0.0, which is not on this machine',
        });
      } finally {
        deliveries.close();
        target.server.close();
      }
    },
    LIMIT_MS,
  );

  test(
    'localhost is resolved and delivered to on loopback',
    async () => {
      const local = await startReceiver();
      const { deliveries, add } = await worker();
      try {
        add(local.url.replace('127.0.0.1', 'localhost'));
        const [event] = deliveries.broadcast('license.created', { data: null }, []);
        await deliveries.idle();
        expect(event).toMatchObject({ status: 'DELIVERED', lastResponseCode: 200 });
        expect(local.received).toHaveLength(1);
      } finally {
        deliveries.close();
        await local.close();
      }
    },
    LIMIT_MS,
  );
});

describe('loopbackOnly: the resolver the worker connects with', () => {
  type Answer = { address: string; family: number }[];
  const fake =
    (answer: Answer) =>
    (_host: string, options: { all?: boolean }, callback: (...args: unknown[]) => void) =>
      options.all ? callback(null, answer) : callback(null, answer[0].address, answer[0].family);

  const resolve = (answer: Answer, all: boolean) =>
    new Promise<{ error: NodeJS.ErrnoException | null; result: unknown }>((done) => {
      loopbackOnly(fake(answer) as never)('localhost', { all }, (error, result) =>
        done({ error, result }),
      );
    });

  test.each([true, false])('passes loopback answers through (all: %s)', async (all) => {
    const answer = [
      { address: '127.0.0.1', family: 4 },
      { address: '::1', family: 6 },
    ];
    const { error, result } = await resolve(answer, all);
    expect(error).toBeNull();
    expect(result).toEqual(all ? answer : '127.0.0.1');
  });

  test.each([
    [[{ address: '10.1.2.3', family: 4 }]],
    [[{ address: '0.0.0.0', family: 4 }]],
    [
      [
        { address: '192.0.2.7', family: 4 },
        { address: '127.0.0.1', family: 4 },
      ],
    ],
  ])('refuses a name that resolves off loopback: %j', async (answer) => {
    for (const all of [true, false]) {
      const { error } = await resolve(answer, all);
      expect(error).toMatchObject({ code: 'ENOTLOOPBACK' });
      expect(error?.message).toContain('localhost resolved to');
    }
  });
});
