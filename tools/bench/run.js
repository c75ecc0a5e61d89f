// `npm run bench`: what an invocation, a cold start and the app's own work cost, each figure next to
// a baseline measured in the same round of the same run. Figures that are compared run interleaved:
// invocation by invocation (warm), slice by slice (per-call figures), process by process (cold),
// each time in a rotated order, so a burst of load from elsewhere falls on all of them alike. Each
// ratio is taken within its round; the figures are min / median / max over the rounds. Writes
// tools/bench/results.json and the figures of docs/benchmarks.md. Runs the build in dist/ (npm run bench
// builds first).
const { execFileSync } = require('node:child_process');
const crypto = require('node:crypto');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const cases = require('./cases');
const { formatJson, updateDocument } = require('./report');

const ROUNDS = Number(process.env.BENCH_ROUNDS || 15);
const COLD_ROUNDS = Number(process.env.BENCH_COLD_ROUNDS || 15);
/** Invocations per case per round (warm). */
const INVOCATIONS = Number(process.env.BENCH_INVOCATIONS || 30);
/** Milliseconds each per-call figure runs per round, in SLICES interleaved slices. */
const BOX_MS = Number(process.env.BENCH_BOX_MS || 60);
const SLICES = 4;
const RESULTS = path.join(__dirname, 'results.json');
// Measuring another build (BENCH_ROOT) writes its results there instead, and leaves the docs alone.
const OUT = process.env.BENCH_OUT ? path.resolve(process.env.BENCH_OUT) : RESULTS;
const DOC = path.join(__dirname, '..', '..', 'docs', 'benchmarks.md');

/** Per-round values of every measurement, by id. */
const series = new Map();
const record = (id, value) => {
  if (!series.has(id)) series.set(id, []);
  series.get(id).push(value);
};

/** Runs each group of a round, starting at a different one each round. */
async function round(index, groups) {
  for (let i = 0; i < groups.length; i += 1) {
    const values = await groups[(index + i) % groups.length](index);
    for (const [id, value] of Object.entries(values)) record(id, value);
  }
}

const rotated = (list, by) => list.map((_, i) => list[(i + by) % list.length]);

/** Mean milliseconds per call of each synchronous function, run in interleaved time slices. */
function perCall(fns) {
  return (index) => {
    const ids = Object.keys(fns);
    const spent = Object.fromEntries(ids.map((id) => [id, { calls: 0, ms: 0 }]));
    for (let slice = 0; slice < SLICES; slice += 1) {
      for (const id of rotated(ids, index + slice)) {
        const fn = fns[id];
        const start = performance.now();
        let elapsed = 0;
        do {
          fn();
          spent[id].calls += 1;
          elapsed = performance.now() - start;
        } while (elapsed < BOX_MS / SLICES);
        spent[id].ms += elapsed;
      }
    }
    return Object.fromEntries(ids.map((id) => [id, spent[id].ms / spent[id].calls]));
  };
}

/**
 * Mean milliseconds per invocation through core's handlers, one invocation of each case in turn,
 * each with a fresh event; every answer is checked, so no figure times a failure.
 */
function perInvocation(runs) {
  return async (index) => {
    const ids = Object.keys(runs);
    const ms = Object.fromEntries(ids.map((id) => [id, 0]));
    for (let i = 0; i < INVOCATIONS; i += 1) {
      for (const id of rotated(ids, index + i)) {
        const { handler, event, check } = runs[id];
        const input = event();
        const start = performance.now();
        const output = await handler(input);
        ms[id] += performance.now() - start;
        if (!check(output.results)) {
          throw new Error(`${id} did not answer as expected: ${JSON.stringify(output)}`);
        }
      }
    }
    return Object.fromEntries(ids.map((id) => [id, ms[id] / INVOCATIONS]));
  };
}

function cold(mode) {
  const out = execFileSync(process.execPath, [path.join(__dirname, 'cold.js'), mode], {
    cwd: cases.ROOT,
    encoding: 'utf8',
  });
  return JSON.parse(out);
}

/**
 * Each cold figure of a round is the faster of two fresh processes, run interleaved with the
 * others: what else the machine does only ever adds time to a process.
 */
async function coldRounds() {
  const modes = {
    'cold.core': 'core',
    'cold.app': 'app',
    'first.one-operation': 'first-one-operation',
    'first.app': 'first-app',
  };
  const group = async (index) => {
    const fastest = {};
    for (let rep = 0; rep < 2; rep += 1) {
      for (const id of rotated(Object.keys(modes), index + rep)) {
        const result = cold(modes[id]);
        if (!fastest[id] || result.total < fastest[id].total) fastest[id] = result;
      }
    }
    const values = Object.fromEntries(Object.entries(fastest).map(([id, r]) => [id, r.total]));
    // The app's process again, against its own core load: steadier than two processes.
    values['cold.app.core'] = fastest['cold.app'].core;
    values['cold.app.same-process'] = fastest['cold.app'].total;
    return values;
  };
  for (let r = 0; r < COLD_ROUNDS; r += 1) await round(r, [group]);
}

async function warmRounds() {
  const { core, schema, corePrepareApp, app } = cases.loadCoreThenApp();
  const { verifyDelivery, readDelivery, flattenEvent, findEvent } = require(
    path.join(cases.ROOT, 'dist/tools/bench-floor.js'),
  );
  const prepareRequest = require(
    path.join(
      cases.ROOT,
      'node_modules/zapier-platform-core/src/http-middlewares/before/prepare-request',
    ),
  );

  const definitions = cases.definitions(app, core.version);
  const handlers = Object.fromEntries(
    ['app', 'deliveryOnly', 'suspendOnly', 'authOnly', 'minimal'].map((name) => [
      name,
      core.createAppHandler(definitions[name]),
    ]),
  );
  const key = cases.accountKey();
  const keygen = await cases.startKeygen();
  // Signed afresh every round: the verifier refuses deliveries signed too long ago.
  let delivery = cases.signedDelivery(key);
  const { events, expected } = cases;
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

  const run = (handler, event, check) => ({ handler, event, check });
  const groups = [
    perInvocation({
      'warm.minimal': run(handlers.minimal, events.ping, expected.ping),
      'warm.delivery.one-operation': run(handlers.deliveryOnly, deliveryEvent, expected.delivery),
      'warm.delivery.app': run(handlers.app, deliveryEvent, expected.delivery),
    }),
    perInvocation({
      'warm.suspend.one-operation': run(handlers.suspendOnly, suspendEvent, expected.suspend),
      'warm.suspend.app': run(handlers.app, suspendEvent, expected.suspend),
    }),
    perInvocation({
      'warm.auth.one-operation': run(handlers.authOnly, authEvent, expected.auth),
      'warm.auth.app': run(handlers.app, authEvent, expected.auth),
    }),
    perCall({
      'copy.minimal': () => corePrepareApp(definitions.minimal),
      'copy.one-operation': () => corePrepareApp(definitions.deliveryOnly),
      'copy.app': () => corePrepareApp(definitions.app),
      'copy.app.no-editor-content': () => corePrepareApp(definitions.appWithoutEditorContent),
      'copy.app.installed': () => schema.prepareApp(definitions.app),
    }),
    perCall({
      'merge.off': () => prepareRequest(request(compiled.app, false)),
      'merge.on.one-operation': () => prepareRequest(request(compiled.oneOperation, true)),
      'merge.on.app': () => prepareRequest(request(compiled.app, true)),
    }),
    perCall({
      'verify.raw': () => crypto.verify(null, delivery.message, key.publicKey, delivery.signature),
      'verify.app': () =>
        verifyDelivery({
          body: delivery.body,
          headers: delivery.headers,
          endpointUrl: delivery.url,
          keys: key.keys,
        }),
    }),
    perCall({
      'parse.raw': () => JSON.parse(JSON.parse(delivery.body).data.attributes.payload),
      'normalize.app': () => {
        const { event, payload } = readDelivery(delivery.body);
        return flattenEvent(event, payload, findEvent(event.attributes.event));
      },
    }),
  ];
  try {
    // One untimed round first: first calls compile code paths and build what is built lazily.
    for (const group of groups) await group(0);
    for (let r = 0; r < ROUNDS; r += 1) {
      delivery = cases.signedDelivery(key);
      await round(r, groups);
    }
  } finally {
    keygen.close();
  }
}

/** What each figure is, and what it is compared with (`against`, within the same round). */
const ROWS = [
  ['cold', 'cold.core', 'zapier-platform-core alone'],
  ['cold', 'cold.app', 'core, then the app (another process)', 'cold.core', 1.05],
  ['cold', 'cold.app.core', "core's part of loading core, then the app"],
  ['cold', 'cold.app.same-process', 'core, then the app (same process)', 'cold.app.core', 1.05],
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
  [
    'copy',
    'copy.app.no-editor-content',
    "core's prepareApp, the app without outputFields and samples",
    'copy.one-operation',
  ],
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

/** `--render`: only rewrite the figures of docs/benchmarks.md from tools/bench/results.json. */
async function render() {
  const results = JSON.parse(fs.readFileSync(RESULTS, 'utf8'));
  fs.writeFileSync(DOC, await updateDocument(fs.readFileSync(DOC, 'utf8'), results));
}

(process.argv.includes('--render') ? render() : main()).catch((error) => {
  console.error(error);
  process.exit(1);
});
