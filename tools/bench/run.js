// `npm run bench`: what an invocation, a cold start and the app's own work cost, each figure next to
// a baseline measured in the same round of the same run. Figures that are compared run interleaved:
// invocation by invocation (warm), slice by slice (per-call figures), process by process (cold),
// each time in a rotated order, so a burst of load from elsewhere falls on all of them alike. Each
// ratio is taken within its round; the figures are min / median / max over the rounds. It also
// counts the entries core's HTTP log makes per request the app sends. Writes
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
/** Fresh processes per cold figure and round; the figure is the fastest of them. */
const COLD_PROCESSES = Number(process.env.BENCH_COLD_PROCESSES || 3);
/** Invocations per case per round (warm). */
const INVOCATIONS = Number(process.env.BENCH_INVOCATIONS || 30);
/** Invocations per case per round of the scoped performList, which reads three pages. */
const LIST_INVOCATIONS = Number(process.env.BENCH_LIST_INVOCATIONS || 3);
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
function perInvocation(runs, invocations = INVOCATIONS) {
  return async (index) => {
    const ids = Object.keys(runs);
    const ms = Object.fromEntries(ids.map((id) => [id, 0]));
    for (let i = 0; i < invocations; i += 1) {
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
    return Object.fromEntries(ids.map((id) => [id, ms[id] / invocations]));
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
 * Each cold figure of a round is the fastest of COLD_PROCESSES fresh processes, run interleaved
 * with the others: what else the machine does only ever adds time to a process.
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
    for (let rep = 0; rep < COLD_PROCESSES; rep += 1) {
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

/** A module of zapier-platform-core that the bench measures or calls directly. */
const coreModule = (name) =>
  require(path.join(cases.ROOT, 'node_modules/zapier-platform-core/src', name));

/** The floor of a scoped performList: fetching and parsing the pages it reads, without Zapier. */
function pagesFloor(fetchPage, baseUrl) {
  return async () => {
    const results = [];
    for (let number = 1; number <= cases.SCOPED_PAGES; number += 1) {
      const response = await fetchPage(`${baseUrl}${cases.webhookEventsPage(number)}`, {
        headers: { Accept: 'application/vnd.api+json', Authorization: 'Bearer bench' },
      });
      results.push(JSON.parse(await response.text()));
    }
    return { results };
  };
}

const fullPages = (pages) =>
  pages?.length === cases.SCOPED_PAGES &&
  pages.every((page) => page.data.length === cases.PAGE_SIZE);

/**
 * How often core logs each request the app sends: one invocation of each case, with Zapier's
 * `customLogger` (what `zapier invoke` shows) counting HTTP entries, and the stand-in counting
 * requests.
 */
async function logEntries(handler, keygen) {
  const { events, expected } = cases;
  const probes = [
    ['auth test', events.auth(keygen.baseUrl), expected.auth],
    ['suspend_license', events.suspend(keygen.baseUrl), expected.suspend],
    ['scoped performList', events.scoped(keygen.baseUrl), expected.scoped],
  ];
  const counts = [];
  for (const [label, event, check] of probes) {
    let entries = 0;
    const before = keygen.requests();
    const { results } = await handler({
      ...event,
      customLogger: (_message, data) => {
        if (data.log_type === 'http') entries += 1;
      },
    });
    if (!check(results)) throw new Error(`${label} did not answer as expected`);
    counts.push({ case: label, requests: keygen.requests() - before, entries });
  }
  return counts;
}

async function warmRounds() {
  // Taken before any invocation: core's handler wraps global fetch with its HTTP log.
  const fetchPage = globalThis.fetch;
  const { core, schema, corePrepareApp, app } = cases.loadCoreThenApp();
  const { verifyDelivery, readDelivery, flattenEvent, findEvent } = require(
    path.join(cases.ROOT, 'dist/tools/bench-floor.js'),
  );
  const prepareRequest = coreModule('http-middlewares/before/prepare-request');
  const { prepareRequestLog } = coreModule('http-middlewares/after/log-response');
  const createLogger = coreModule('tools/create-logger');

  const definitions = cases.definitions(app, core.version);
  const handlers = Object.fromEntries(
    ['app', 'deliveryOnly', 'suspendOnly', 'authOnly', 'minimal'].map((name) => [
      name,
      core.createAppHandler(definitions[name]),
    ]),
  );
  // The app's handler with core's own prepareApp for the length of one invocation.
  const withoutCompileOnce = async (event) => {
    const installed = schema.prepareApp;
    schema.prepareApp = corePrepareApp;
    try {
      return await handlers.app(event);
    } finally {
      schema.prepareApp = installed;
    }
  };
  const key = cases.accountKey();
  const keygen = await cases.startKeygen();
  // Signed afresh every round: the verifier refuses deliveries signed too long ago.
  let delivery = cases.signedDelivery(key);
  const { events, expected } = cases;
  const deliveryEvent = () => events.delivery(delivery, key.keys);
  const suspendEvent = () => events.suspend(keygen.baseUrl);
  const authEvent = () => events.auth(keygen.baseUrl);
  const scopedEvent = () => events.scoped(keygen.baseUrl);

  // The request the app's client makes, in the input core hands to request middlewares.
  const compiled = {
    app: corePrepareApp(definitions.app),
    oneOperation: corePrepareApp(definitions.deliveryOnly),
  };
  const headers = {
    Accept: 'application/vnd.api+json',
    Authorization: 'Bearer admin-token',
    'Keygen-Version': '1.8',
    'User-Agent': 'keygen-zapier/bench',
  };
  const request = (app, merge) => ({
    url: `${keygen.baseUrl}/v1/accounts/acme/me`,
    method: 'GET',
    headers,
    skipThrowForStatus: true,
    throwForThrottlingEarly: false,
    merge,
    input: { _zapier: { app, event: { bundle: deliveryEvent().bundle } } },
  });

  // What core's log is handed for one request (as z.request logs it), and a logger like the
  // handler's: it scrubs every entry for secrets, whether or not the entry is sent anywhere.
  const page = await (await fetchPage(`${keygen.baseUrl}${cases.webhookEventsPage(1)}`)).text();
  const me = await (await fetchPage(`${keygen.baseUrl}/v1/accounts/acme/me`)).text();
  const logOf = (url, content) =>
    prepareRequestLog(
      { url, method: 'GET', headers },
      { status: 200, headers: { 'content-type': 'application/vnd.api+json' }, content },
    );
  const pageLog = logOf(`${keygen.baseUrl}${cases.webhookEventsPage(1)}`, page);
  const meLog = logOf(`${keygen.baseUrl}/v1/accounts/acme/me`, me);
  const logger = (event) => createLogger({ ...events[event](keygen.baseUrl), calledFromCli: true });
  const loggers = { scoped: logger('scoped'), auth: logger('auth') };

  const run = (handler, event, check) => ({ handler, event, check });
  const groups = [
    perInvocation({
      'warm.minimal': run(handlers.minimal, events.ping, expected.ping),
      'warm.delivery.one-operation': run(handlers.deliveryOnly, deliveryEvent, expected.delivery),
      'warm.delivery.app': run(handlers.app, deliveryEvent, expected.delivery),
      'warm.delivery.app.core-compile': run(withoutCompileOnce, deliveryEvent, expected.delivery),
    }),
    perInvocation({
      'warm.suspend.one-operation': run(handlers.suspendOnly, suspendEvent, expected.suspend),
      'warm.suspend.app': run(handlers.app, suspendEvent, expected.suspend),
    }),
    perInvocation({
      'warm.auth.one-operation': run(handlers.authOnly, authEvent, expected.auth),
      'warm.auth.app': run(handlers.app, authEvent, expected.auth),
    }),
    perInvocation(
      {
        'list.floor': run(pagesFloor(fetchPage, keygen.baseUrl), () => undefined, fullPages),
        'list.one-operation': run(handlers.deliveryOnly, scopedEvent, expected.scoped),
        'list.app': run(handlers.app, scopedEvent, expected.scoped),
      },
      LIST_INVOCATIONS,
    ),
    perCall({
      'log.parse.page': () => JSON.parse(page),
      'log.page': () => loggers.scoped(pageLog.message, pageLog.data),
      'log.auth': () => loggers.auth(meLog.message, meLog.data),
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
    for (let r = 0; r < ROUNDS; r += 1) {
      record(
        'warm.delivery.saved',
        series.get('warm.delivery.app.core-compile')[r] - series.get('warm.delivery.app')[r],
      );
    }
    return { logs: await logEntries(handlers.app, keygen) };
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
  [
    'warm',
    'warm.delivery.app.core-compile',
    "license.created delivery, the app with core's prepareApp (no compile-once)",
    'warm.delivery.app',
  ],
  [
    'warm',
    'warm.delivery.saved',
    'saved per delivery by compile-once (difference of the two above)',
  ],
  ['warm', 'warm.suspend.one-operation', 'suspend_license, one-operation definition'],
  ['warm', 'warm.suspend.app', 'suspend_license, the app', 'warm.suspend.one-operation', 1.5],
  ['warm', 'warm.auth.one-operation', 'auth test, authentication only'],
  ['warm', 'warm.auth.app', 'auth test, the app', 'warm.auth.one-operation', 1.5],
  ['list', 'list.floor', 'fetch and JSON.parse of the same 3 pages (no Zapier)'],
  ['list', 'list.one-operation', 'scoped performList, one-operation definition', 'list.floor'],
  ['list', 'list.app', 'scoped performList, the app', 'list.floor', 8],
  ['log', 'log.parse.page', 'JSON.parse of one page of 100 webhook events'],
  ['log', 'log.page', "core's log entry of a request answered with that page", 'log.parse.page'],
  ['log', 'log.auth', "core's log entry of the auth test's request and answer"],
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
  const { logs } = await warmRounds();
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
      coldProcesses: COLD_PROCESSES,
      invocationsPerRound: INVOCATIONS,
      listInvocationsPerRound: LIST_INVOCATIONS,
      boxMs: BOX_MS,
      seconds: Math.round((Date.now() - started) / 1000),
    },
    rows: rows(),
    logs,
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
