// `npm run bench`: what an invocation, a cold start and the app's own work cost, each figure next to
// a baseline measured in the same rounds of the same run. Every round measures every case (in a
// rotated order, so no case always runs first or last) and each ratio is taken within its round;
// the figures are the min / median / max over the rounds. Writes bench/results.json and the
// figures table of docs/benchmarks.md. Runs the build in dist/ (npm run bench builds first).
const { execFileSync } = require('node:child_process');
const crypto = require('node:crypto');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const cases = require('./cases');
const { formatJson, updateDocument } = require('./report');

const ROUNDS = Number(process.env.BENCH_ROUNDS || 15);
const COLD_ROUNDS = Number(process.env.BENCH_COLD_ROUNDS || 11);
/** Invocations per case per round (warm). */
const INVOCATIONS = Number(process.env.BENCH_INVOCATIONS || 30);
/** Milliseconds each synchronous measurement runs per round. */
const BOX_MS = Number(process.env.BENCH_BOX_MS || 60);
const RESULTS = path.join(__dirname, 'results.json');
// Measuring another build (BENCH_ROOT) writes its results there instead, and leaves the docs alone.
const OUT = process.env.BENCH_OUT ? path.resolve(process.env.BENCH_OUT) : RESULTS;
const DOC = path.join(__dirname, '..', 'docs', 'benchmarks.md');

/** Per-round values of every measurement, by id. */
const series = new Map();
const record = (id, value) => {
  if (!series.has(id)) series.set(id, []);
  series.get(id).push(value);
};

/** Runs every task once, starting at a different one each round. */
async function round(index, tasks) {
  for (let i = 0; i < tasks.length; i += 1) {
    const [id, task] = tasks[(index + i) % tasks.length];
    record(id, await task());
  }
}

/** Mean milliseconds per call of a synchronous `fn`, called for about BOX_MS. */
function box(fn) {
  for (let i = 0; i < 3; i += 1) fn();
  let calls = 0;
  const start = performance.now();
  let elapsed = 0;
  do {
    fn();
    calls += 1;
    elapsed = performance.now() - start;
  } while (elapsed < BOX_MS);
  return elapsed / calls;
}

/** Mean milliseconds per invocation of `count` fresh events through a core handler. */
async function invocations(handler, makeEvent, check) {
  const events = Array.from({ length: INVOCATIONS }, makeEvent);
  const outputs = [];
  const start = performance.now();
  for (const event of events) outputs.push(await handler(event));
  const elapsed = performance.now() - start;
  if (!outputs.every((output) => check(output.results))) {
    throw new Error(`an invocation did not answer as expected: ${JSON.stringify(outputs[0])}`);
  }
  return elapsed / INVOCATIONS;
}

function cold(mode) {
  const out = execFileSync(process.execPath, [path.join(__dirname, 'cold.js'), mode], {
    cwd: cases.ROOT,
    encoding: 'utf8',
  });
  return JSON.parse(out);
}

async function coldRounds() {
  for (let r = 0; r < COLD_ROUNDS; r += 1) {
    await round(r, [
      ['cold.core', () => cold('core').total],
      [
        'cold.app',
        () => {
          const { total, app } = cold('app');
          record('cold.app-only', app);
          return total;
        },
      ],
      ['first.one-operation', () => cold('first-one-operation').total],
      ['first.app', () => cold('first-app').total],
    ]);
  }
}

async function warmRounds() {
  const { core, schema, corePrepareApp, app } = cases.loadCoreThenApp();
  const lib = (name) => require(path.join(cases.ROOT, 'dist', name));
  const { verifyDelivery } = lib('keygen/signature');
  const { readDelivery } = lib('keygen/delivery');
  const { flattenEvent } = lib('keygen/normalize');
  const { findEvent } = lib('keygen/events');
  const prepareRequest = require(
    path.join(
      cases.ROOT,
      'node_modules/zapier-platform-core/src/http-middlewares/before/prepare-request',
    ),
  );

  const definitions = cases.definitions(app, core.version);
  const handlers = Object.fromEntries(
    Object.entries(definitions).map(([name, definition]) => [
      name,
      core.createAppHandler(definition),
    ]),
  );
  const key = cases.accountKey();
  const keygen = await cases.startKeygen();
  // Signed afresh every round: the verifier refuses deliveries signed too long ago.
  let delivery = cases.signedDelivery(key);
  const { events, expected } = cases;
  const warm = (handler, event, check) => () => invocations(handler, event, check);
  const deliveryEvent = () => events.delivery(delivery, key.keys);
  const suspendEvent = () => events.suspend(keygen.baseUrl);
  const authEvent = () => events.auth(keygen.baseUrl);

  // The request the app's client makes, in the input core hands to request middlewares.
  const compiled = {
    app: corePrepareApp(definitions.app),
    oneOperation: corePrepareApp(definitions.deliveryOnly),
  };
  const request = (app, merge) => ({
    url: `${keygen.baseUrl}/v1/accounts/acme/me`,
    method: 'GET',
    headers: {
      Accept: 'application/vnd.api+json',
      Authorization: 'Bearer admin-token',
      'Keygen-Version': '1.8',
      'User-Agent': 'keygen-zapier/bench',
    },
    skipThrowForStatus: true,
    throwForThrottlingEarly: false,
    merge,
    input: { _zapier: { app, event: { bundle: deliveryEvent().bundle } } },
  });

  const tasks = [
    ['warm.minimal', warm(handlers.minimal, events.ping, expected.ping)],
    ['warm.delivery.one-operation', warm(handlers.deliveryOnly, deliveryEvent, expected.delivery)],
    ['warm.delivery.app', warm(handlers.app, deliveryEvent, expected.delivery)],
    ['warm.suspend.one-operation', warm(handlers.suspendOnly, suspendEvent, expected.suspend)],
    ['warm.suspend.app', warm(handlers.app, suspendEvent, expected.suspend)],
    ['warm.auth.one-operation', warm(handlers.authOnly, authEvent, expected.auth)],
    ['warm.auth.app', warm(handlers.app, authEvent, expected.auth)],
    ['copy.minimal', () => box(() => corePrepareApp(definitions.minimal))],
    ['copy.one-operation', () => box(() => corePrepareApp(definitions.deliveryOnly))],
    ['copy.app', () => box(() => corePrepareApp(definitions.app))],
    ['copy.app.installed', () => box(() => schema.prepareApp(definitions.app))],
    ['merge.off', () => box(() => prepareRequest(request(compiled.app, false)))],
    [
      'merge.on.one-operation',
      () => box(() => prepareRequest(request(compiled.oneOperation, true))),
    ],
    ['merge.on.app', () => box(() => prepareRequest(request(compiled.app, true)))],
    [
      'verify.raw',
      () => box(() => crypto.verify(null, delivery.message, key.publicKey, delivery.signature)),
    ],
    [
      'verify.app',
      () =>
        box(() =>
          verifyDelivery({
            body: delivery.body,
            headers: delivery.headers,
            endpointUrl: delivery.url,
            keys: key.keys,
          }),
        ),
    ],
    ['parse.raw', () => box(() => JSON.parse(JSON.parse(delivery.body).data.attributes.payload))],
    [
      'normalize.app',
      () =>
        box(() => {
          const { event, payload } = readDelivery(delivery.body);
          return flattenEvent(event, payload, findEvent(event.attributes.event));
        }),
    ],
  ];
  try {
    // One untimed round first: the first calls compile code paths and build what is built lazily.
    await round(
      0,
      tasks.map(([id, task]) => [`warm-up ${id}`, task]),
    );
    for (let r = 0; r < ROUNDS; r += 1) {
      delivery = cases.signedDelivery(key);
      await round(r, tasks);
    }
  } finally {
    keygen.close();
  }
}

/** What each figure is, and what it is compared with (`against`, within the same round). */
const ROWS = [
  ['cold', 'cold.core', 'zapier-platform-core alone'],
  ['cold', 'cold.app', 'core, then the app', 'cold.core', 1.05],
  ['cold', 'cold.app-only', "the app's own modules, core loaded", 'cold.core'],
  ['cold', 'first.one-operation', 'first delivery, one-operation definition'],
  ['cold', 'first.app', 'first delivery, the app', 'first.one-operation'],
  ['warm', 'warm.minimal', 'minimal core app, one trivial trigger'],
  [
    'warm',
    'warm.delivery.one-operation',
    'license.created delivery, one-operation definition',
    'warm.minimal',
  ],
  [
    'warm',
    'warm.delivery.app',
    'license.created delivery, the app',
    'warm.delivery.one-operation',
    1.5,
  ],
  ['warm', 'warm.suspend.one-operation', 'suspend_license, one-operation definition'],
  ['warm', 'warm.suspend.app', 'suspend_license, the app', 'warm.suspend.one-operation', 1.5],
  ['warm', 'warm.auth.one-operation', 'auth test, authentication only'],
  ['warm', 'warm.auth.app', 'auth test, the app', 'warm.auth.one-operation', 1.5],
  ['copy', 'copy.minimal', "core's prepareApp, minimal core app"],
  ['copy', 'copy.one-operation', "core's prepareApp, one-operation definition", 'copy.minimal'],
  ['copy', 'copy.app', "core's prepareApp, the app", 'copy.one-operation'],
  ['copy', 'copy.app.installed', 'prepareApp after compile-once, the app', 'copy.app'],
  ['request', 'merge.off', "merge: false (the app's requests), the app in the input"],
  ['request', 'merge.on.one-operation', "core's merge, one-operation definition", 'merge.off'],
  ['request', 'merge.on.app', "core's merge, the app in the input", 'merge.off'],
  ['verify', 'verify.raw', 'node:crypto Ed25519 verify'],
  ['verify', 'verify.app', 'verifyDelivery: header, digest, date, verify', 'verify.raw'],
  ['normalize', 'parse.raw', 'JSON.parse of body and payload'],
  ['normalize', 'normalize.app', 'readDelivery (zod) + flattenEvent', 'parse.raw'],
];

function stats(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const half = Math.floor(sorted.length / 2);
  const median = sorted.length % 2 ? sorted[half] : (sorted[half - 1] + sorted[half]) / 2;
  const round4 = (x) => Number(x.toPrecision(4));
  return { min: round4(sorted[0]), median: round4(median), max: round4(sorted[sorted.length - 1]) };
}

function rows() {
  return ROWS.map(([group, id, label, against, limit]) => {
    const values = series.get(id);
    const row = { group, id, label, unit: 'ms', rounds: values.length, ...stats(values) };
    if (against) {
      const base = series.get(against);
      row.against = against;
      row.ratio = stats(values.map((value, i) => value / base[i]));
      if (limit) row.limit = limit;
    }
    return row;
  });
}

async function main() {
  const started = Date.now();
  const load = { start: os.loadavg().map((x) => Number(x.toFixed(2))) };
  await coldRounds();
  await warmRounds();
  load.end = os.loadavg().map((x) => Number(x.toFixed(2)));
  const results = {
    date: new Date(started).toISOString(),
    machine: {
      node: process.version,
      platform: `${os.platform()} ${os.arch()}`,
      cpu: os.cpus()[0]?.model ?? 'unknown',
      cores: os.cpus().length,
      loadavg: load,
    },
    config: {
      rounds: ROUNDS,
      coldRounds: COLD_ROUNDS,
      invocationsPerRound: INVOCATIONS,
      boxMs: BOX_MS,
      seconds: Math.round((Date.now() - started) / 1000),
    },
    rows: rows(),
  };
  fs.writeFileSync(OUT, await formatJson(results));
  if (OUT === RESULTS) {
    fs.writeFileSync(DOC, await updateDocument(fs.readFileSync(DOC, 'utf8'), results));
  }
  console.log(`${cases.ROOT}: ${OUT}`);
  for (const row of results.rows) {
    const ratio = row.ratio
      ? `  ${row.ratio.median.toFixed(3)}x (${row.ratio.min.toFixed(3)}-${row.ratio.max.toFixed(3)}) of ${row.against}${row.limit ? `, limit ${row.limit}` : ''}`
      : '';
    console.log(`${row.id.padEnd(28)} ${row.median.toPrecision(4).padStart(9)} ms${ratio}`);
  }
  const over = results.rows.filter((row) => row.limit && row.ratio.median > row.limit);
  if (over.length) console.log(`Over the limit (median): ${over.map((row) => row.id).join(', ')}`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
