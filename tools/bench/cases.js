// What the benchmark runs: the definitions (the app, one-operation definitions made of the app's
// own objects, a minimal core app), Zapier-shaped events for them, and a local Keygen stand-in.
// Shared by run.js (warm, in one process) and cold.js (fresh processes).
const crypto = require('node:crypto');
const fs = require('node:fs');
const http = require('node:http');
const path = require('node:path');
const { URL } = require('node:url');

/** The checkout to measure: this one, or another build of the app (BENCH_ROOT=...). */
const ROOT = path.resolve(process.env.BENCH_ROOT || path.join(__dirname, '..', '..'));
const ACCOUNT = 'acme';
// Made up, shaped like an admin token: the app never sees a real credential here.
const TOKEN = `admin-${'0123456789abcdef'.repeat(4)}v3`;
const LICENSE_ID = 'b18e3f3a-330c-4d8d-ae2e-014db21fa827';
const USER_ID = '7d2a4a2c-5f6e-4b1a-9c3d-2e1f0a9b8c7d';
/** The product a scoped performList chooses; the stand-in's other events name other products. */
const PRODUCT_ID = 'c7a96ae1-5c35-4a0c-a2b8-1b3e0a4f0d11';
const OTHER_PRODUCTS = [
  '0d3f6b2a-8c1e-4f5a-9b7d-3e2c1a0f9e8d',
  '5e9a1c7b-2d4f-4a6e-8b3c-7f1e0d2a9c4b',
  '9b2e4d6f-1a3c-4e5b-8d7f-0c2a4e6b8d1f',
];
/** Events in the stand-in's webhook-event log, newest first: more than a scoped read looks at. */
const BACKLOG = 1000;
/** Every this many events of the backlog is the chosen product's: 3 in the newest 300. */
const SCOPED_EVERY = 97;
/** Pages a scoped performList reads, of this size, and what they hold of the chosen product. */
const SCOPED_PAGES = 3;
const PAGE_SIZE = 100;
const SCOPED_MATCHES = Math.floor((SCOPED_PAGES * PAGE_SIZE) / SCOPED_EVERY);

/** Loads zapier-platform-core first and then the app, in the order Zapier's wrapper does. */
function loadCoreThenApp() {
  const core = require(path.join(ROOT, 'node_modules/zapier-platform-core'));
  const schema = require(path.join(ROOT, 'node_modules/zapier-platform-core/src/tools/schema'));
  // Core's own prepareApp, taken before the app can change anything.
  const corePrepareApp = schema.prepareApp;
  const app = require(path.join(ROOT, 'index.js'));
  return { core, schema, corePrepareApp, app };
}

/** The app as it would be without what the editor shows: no outputFields, no samples. */
function withoutEditorContent(app) {
  const strip = (members) =>
    Object.fromEntries(
      Object.entries(members).map(([key, member]) => {
        const operation = { ...member.operation };
        delete operation.outputFields;
        delete operation.sample;
        return [key, { ...member, operation }];
      }),
    );
  return {
    ...app,
    triggers: strip(app.triggers),
    creates: strip(app.creates),
    searches: strip(app.searches),
  };
}

/**
 * The app, and definitions holding only authentication plus one of its operations (the same
 * objects, so the same code), and a minimal app with one trivial trigger. Every one carries the
 * app's `flags`: core patches node's http module for the whole process on the first invocation
 * of a definition without `flags.skipHttpPatch`, and from then on logs every request of every
 * definition, so a baseline without the app's flags would change what the app's requests cost.
 */
function definitions(app, platformVersion) {
  const flags = app.flags ? { flags: app.flags } : {};
  const base = {
    version: app.version,
    platformVersion: app.platformVersion,
    ...flags,
    authentication: app.authentication,
  };
  return {
    app,
    appWithoutEditorContent: withoutEditorContent(app),
    deliveryOnly: { ...base, triggers: { license_created: app.triggers.license_created } },
    suspendOnly: { ...base, creates: { suspend_license: app.creates.suspend_license } },
    authOnly: base,
    minimal: {
      version: '1.0.0',
      platformVersion,
      ...flags,
      triggers: {
        ping: {
          key: 'ping',
          noun: 'Ping',
          display: { label: 'Ping', description: 'Triggers when pinged.' },
          operation: { perform: () => [{ id: 1 }], sample: { id: 1 } },
        },
      },
    },
  };
}

/** An Ed25519 account key in Keygen's format (base64 of the hex public key) and a signer. */
function accountKey() {
  const { publicKey, privateKey } = crypto.generateKeyPairSync('ed25519');
  const raw = publicKey.export({ type: 'spki', format: 'der' }).subarray(-32);
  return {
    publicKey,
    privateKey,
    keys: { ed25519: Buffer.from(raw.toString('hex')).toString('base64') },
  };
}

/** The license.created fixture as Keygen sends it, signed now for its endpoint URL. */
function signedDelivery(key) {
  const file = path.join(ROOT, 'test/fixtures/deliveries/license-created.v1.8.json');
  const json = JSON.parse(fs.readFileSync(file, 'utf8'));
  const body = JSON.stringify(json);
  const url = json.data.attributes.endpoint;
  const { host, pathname } = new URL(url);
  const date = new Date().toUTCString();
  const digest = `sha-256=${crypto.createHash('sha256').update(body).digest('base64')}`;
  const message = Buffer.from(
    `(request-target): post ${pathname}\nhost: ${host}\ndate: ${date}\ndigest: ${digest}`,
  );
  const signature = crypto.sign(null, message, key.privateKey);
  const headers = {
    'Http-Date': date,
    'Http-Digest': digest,
    'Http-Keygen-Signature': `keyid="${ACCOUNT}", algorithm="ed25519", signature="${signature.toString('base64')}", headers="(request-target) host date digest"`,
    'Content-Type': 'application/json',
  };
  return { body, url, headers, message, signature, json };
}

// Quiet like `zapier invoke` (no per-run memory line on stdout), yet with core's HTTP logging patch.
const CLI = { calledFromCli: true, calledFromCliInvoke: true };

const events = {
  delivery: (delivery, keys) => ({
    ...CLI,
    command: 'execute',
    method: 'triggers.license_created.operation.perform',
    // A fresh z.cache each time: every delivery is a first delivery.
    zcacheTestObj: {},
    bundle: {
      authData: { accountId: ACCOUNT, token: TOKEN },
      inputData: {},
      targetUrl: delivery.url,
      subscribeData: { id: 'endpoint-1', url: delivery.url, events: ['license.created'], keys },
      rawRequest: {
        method: 'POST',
        headers: delivery.headers,
        content: delivery.body,
        querystring: '',
      },
      cleanedRequest: delivery.json,
    },
  }),
  suspend: (baseUrl) => ({
    ...CLI,
    command: 'execute',
    method: 'creates.suspend_license.operation.perform',
    bundle: {
      authData: { baseUrl, accountId: ACCOUNT, token: TOKEN },
      inputData: { license: LICENSE_ID },
    },
  }),
  auth: (baseUrl) => ({
    ...CLI,
    command: 'execute',
    method: 'authentication.test',
    bundle: { authData: { baseUrl, accountId: ACCOUNT, token: TOKEN }, inputData: {} },
  }),
  // Loading the editor's sample of New License with a product chosen.
  scoped: (baseUrl) => ({
    ...CLI,
    command: 'execute',
    method: 'triggers.license_created.operation.performList',
    bundle: {
      authData: { baseUrl, accountId: ACCOUNT, token: TOKEN },
      inputData: { product: PRODUCT_ID },
      meta: { isLoadingSample: true },
    },
  }),
  ping: () => ({
    ...CLI,
    command: 'execute',
    method: 'triggers.ping.operation.perform',
    bundle: {},
  }),
};

/** What each event must answer, so a benchmark never times a failure. */
const expected = {
  delivery: (results) => results?.[0]?.license_id === LICENSE_ID,
  suspend: (results) => results?.license_id === LICENSE_ID && results?.changed === true,
  auth: (results) => results?.id === USER_ID,
  scoped: (results) =>
    results?.length === SCOPED_MATCHES &&
    results.every((r) => r.license_product_id === PRODUCT_ID && r.idempotency_token),
  ping: (results) => results?.[0]?.id === 1,
};

const license = {
  id: LICENSE_ID,
  type: 'licenses',
  attributes: {
    name: 'Pro License (ACME Inc.)',
    key: '4A5E1C-9F02B7-D3E6A1-0C7B5F-8E21D4-V3',
    expiry: '2027-06-30T19:50:11.456Z',
    status: 'SUSPENDED',
    suspended: true,
    uses: 0,
    metadata: {},
    created: '2026-06-30T19:50:11.456Z',
    updated: '2026-06-30T19:50:11.456Z',
  },
  relationships: {
    policy: { data: { type: 'policies', id: '5b1c9f2e-1d3a-4e5f-8a7b-6c5d4e3f2a1b' } },
    owner: { data: null },
  },
};

const me = {
  data: {
    id: USER_ID,
    type: 'users',
    attributes: { email: 'admin@example.com', role: 'admin', fullName: 'Ada Admin' },
  },
};

/** A hex string of `bytes` random bytes. */
const hex = (bytes) => crypto.randomBytes(bytes).toString('hex');

/**
 * The account's webhook-event log as Keygen lists it (`GET /v1/accounts/{id}/webhook-events`),
 * newest first: license.created events shaped like the delivery fixture, each with its own
 * license, idempotency token and a product (the chosen one every SCOPED_EVERY events).
 */
function webhookEventLog() {
  const file = path.join(ROOT, 'test/fixtures/deliveries/license-created.v1.8.json');
  const { data: template } = JSON.parse(fs.readFileSync(file, 'utf8'));
  const payload = JSON.parse(template.attributes.payload);
  const newest = Date.parse('2026-11-29T12:00:00.000Z');
  return Array.from({ length: BACKLOG }, (_, i) => {
    const licenseId = crypto.randomUUID();
    const product = i % SCOPED_EVERY === SCOPED_EVERY - 1 ? PRODUCT_ID : OTHER_PRODUCTS[i % 3];
    const created = new Date(newest - i * 60_000).toISOString();
    const record = {
      ...payload.data,
      id: licenseId,
      attributes: {
        ...payload.data.attributes,
        name: `License ${i}`,
        key: hex(12).toUpperCase(),
        created,
        updated: created,
      },
      relationships: {
        ...payload.data.relationships,
        product: { ...payload.data.relationships.product, data: { type: 'products', id: product } },
      },
    };
    return {
      ...template,
      id: crypto.randomUUID(),
      attributes: {
        ...template.attributes,
        payload: JSON.stringify({ ...payload, data: record }),
        created,
        updated: created,
      },
      meta: { idempotencyToken: `${hex(32)}v3` },
    };
  });
}

/** The path and query of one page of the webhook-event log, as the app asks for it. */
const webhookEventsPage = (number) =>
  `/v1/accounts/${ACCOUNT}/webhook-events?events[]=license.created&page[size]=${PAGE_SIZE}&page[number]=${number}`;

/** Keygen on 127.0.0.1: the suspend action, the token's bearer and the webhook-event log. */
function startKeygen() {
  const log = webhookEventLog();
  // Answers are made once: the stand-in's own time is spent in the app's process too.
  const pages = new Map();
  const page = (query) => {
    const size = Math.min(Number(query.get('page[size]') ?? 10), 100);
    const number = Number(query.get('page[number]') ?? 1);
    const wanted = query.getAll('events[]');
    const key = `${size}/${number}/${wanted.join(',')}`;
    if (!pages.has(key)) {
      const events = log.filter((e) => !wanted.length || wanted.includes(e.attributes.event));
      const data = events.slice((number - 1) * size, number * size);
      pages.set(key, JSON.stringify({ data, links: {}, meta: { count: data.length } }));
    }
    return pages.get(key);
  };
  let requests = 0;
  const server = http.createServer((req, res) => {
    requests += 1;
    const answer = (status, body) => {
      res.writeHead(status, { 'Content-Type': 'application/vnd.api+json' });
      res.end(typeof body === 'string' ? body : JSON.stringify(body));
    };
    const url = new URL(req.url, 'http://127.0.0.1');
    req.resume();
    req.on('end', () => {
      if (
        req.method === 'POST' &&
        req.url === `/v1/accounts/${ACCOUNT}/licenses/${LICENSE_ID}/actions/suspend`
      ) {
        answer(200, { data: license });
      } else if (req.method === 'GET' && req.url === `/v1/accounts/${ACCOUNT}/me`) {
        answer(200, me);
      } else if (
        req.method === 'GET' &&
        url.pathname === `/v1/accounts/${ACCOUNT}/webhook-events`
      ) {
        answer(200, page(url.searchParams));
      } else {
        answer(404, { errors: [{ title: 'Not found', detail: `${req.method} ${req.url}` }] });
      }
    });
  });
  // Node's default agent keeps sockets alive for 5 s, as long as the server does by default: a
  // request sent on a socket the server is just closing fails with ECONNRESET. The client, not
  // the stand-in, should be the one to close an idle socket.
  server.keepAliveTimeout = 60_000;
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      resolve({
        baseUrl: `http://127.0.0.1:${server.address().port}`,
        /** Requests answered so far. */
        requests: () => requests,
        close: () => server.close(),
      });
    });
  });
}

module.exports = {
  ROOT,
  loadCoreThenApp,
  definitions,
  accountKey,
  signedDelivery,
  events,
  expected,
  startKeygen,
  webhookEventsPage,
  SCOPED_PAGES,
  PAGE_SIZE,
};
