// `npm run bench`: each figure is a ratio against a baseline measured in the same run, on the
// same machine, so the numbers compare across machines. Runs the compiled app in dist/.
const { execFileSync } = require('node:child_process');
const { createHash } = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');

const ROOT = path.join(__dirname, '..');
const COLD_RUNS = Number(process.env.BENCH_COLD_RUNS || 21);
const HOT_MS = Number(process.env.BENCH_HOT_MS || 1000);

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

/**
 * Milliseconds a fresh Node process spends in `measure` (after `setup`), median of COLD_RUNS, the
 * cases interleaved so machine noise falls on all of them alike.
 */
function coldLoads(cases) {
  const samples = Object.fromEntries(Object.keys(cases).map((name) => [name, []]));
  for (let i = 0; i < COLD_RUNS; i += 1) {
    for (const [name, { setup = '', measure }] of Object.entries(cases)) {
      const script = `${setup}; const t = process.hrtime.bigint(); ${measure}; process.stdout.write(String(Number(process.hrtime.bigint() - t) / 1e6));`;
      samples[name].push(Number(execFileSync(process.execPath, ['-e', script], { cwd: ROOT })));
    }
  }
  return Object.fromEntries(Object.entries(samples).map(([name, xs]) => [name, median(xs)]));
}

/** Operations per second of `fn` over HOT_MS after a warm-up. */
function throughput(fn) {
  for (let i = 0; i < 200; i += 1) fn();
  let count = 0;
  const end = performance.now() + HOT_MS;
  while (performance.now() < end) {
    for (let i = 0; i < 50; i += 1) fn();
    count += 50;
  }
  return count / (HOT_MS / 1000);
}

async function main() {
  const { verifyDelivery } = require(path.join(ROOT, 'dist/keygen/signature'));
  const { readDelivery } = require(path.join(ROOT, 'dist/keygen/delivery'));
  const { flattenEvent } = require(path.join(ROOT, 'dist/keygen/normalize'));
  const { findEvent } = require(path.join(ROOT, 'dist/keygen/events'));
  const ed = await import('@noble/ed25519');
  const { sha512 } = await import('@noble/hashes/sha2.js');
  ed.hashes.sha512 = sha512;

  const fixture = path.join(ROOT, 'test/fixtures/deliveries/license-created.v1.8.json');
  const body = JSON.stringify(JSON.parse(fs.readFileSync(fixture, 'utf8')));
  const url = 'https://hooks.zapier.com/hooks/standard/1234567/0f1e2d3c4b5a69788796a5b4c3d2e1f0/';
  const secret = ed.utils.randomSecretKey();
  const publicKey = ed.getPublicKey(secret);
  const date = new Date().toUTCString();
  const digest = `sha-256=${createHash('sha256').update(body).digest('base64')}`;
  const message = Buffer.from(
    `(request-target): post /hooks/standard/1234567/0f1e2d3c4b5a69788796a5b4c3d2e1f0/\nhost: hooks.zapier.com\ndate: ${date}\ndigest: ${digest}`,
  );
  const signature = ed.sign(message, secret);
  const headers = {
    'Http-Date': date,
    'Http-Digest': digest,
    'Http-Keygen-Signature': `keyid="acct", algorithm="ed25519", signature="${Buffer.from(signature).toString('base64')}", headers="(request-target) host date digest"`,
  };
  const keys = { ed25519: Buffer.from(Buffer.from(publicKey).toString('hex')).toString('base64') };
  verifyDelivery({ body, headers, endpointUrl: url, keys });

  // What Zapier's handler does next on a cold start: createApp deep-copies the definition.
  const schema = "const { prepareApp } = require('zapier-platform-core/src/tools/schema');";
  const tiny = `{ version: '1.0.0', platformVersion: '19.1.0', triggers: { t: { key: 't', noun: 'T', display: { label: 'T', description: 'Triggers when t.' }, operation: { perform: () => [], sample: { id: 1 } } } } }`;
  const cold = coldLoads({
    core: { measure: "require('zapier-platform-core')" },
    app: { measure: "require('./index.js')" },
    appAfterCore: { setup: "require('zapier-platform-core')", measure: "require('./index.js')" },
    tinyCopy: { setup: `${schema} const app = ${tiny};`, measure: 'prepareApp(app)' },
    appCopy: { setup: `${schema} const app = require('./index.js');`, measure: 'prepareApp(app)' },
  });
  const verify = throughput(() => verifyDelivery({ body, headers, endpointUrl: url, keys }));
  const noble = throughput(() => ed.verify(signature, message, publicKey));
  const event = findEvent('license.created');
  const parse = throughput(() => JSON.parse(JSON.parse(body).data.attributes.payload));
  const normalize = throughput(() => {
    const { event: e, payload } = readDelivery(body);
    return flattenEvent(e, payload, event);
  });

  const rows = [
    ['cold load: zapier-platform-core alone (baseline)', `${cold.core.toFixed(1)} ms`, '1.00'],
    [
      'cold load: the app (core + app)',
      `${cold.app.toFixed(1)} ms`,
      (cold.app / cold.core).toFixed(3),
    ],
    [
      "cold load: the app's own modules, core already loaded",
      `${cold.appAfterCore.toFixed(1)} ms`,
      `${((100 * cold.appAfterCore) / cold.core).toFixed(1)}% of core's load`,
    ],
    [
      'first definition copy (createApp): a one-trigger app (baseline)',
      `${cold.tinyCopy.toFixed(1)} ms`,
      '1.00',
    ],
    [
      'first definition copy (createApp): this app',
      `${cold.appCopy.toFixed(1)} ms`,
      `${(cold.appCopy / cold.tinyCopy).toFixed(1)} (${((100 * cold.appCopy) / cold.core).toFixed(0)}% of core's load)`,
    ],
    ['ed25519 verify: @noble/ed25519 (baseline)', `${Math.round(noble)} /s`, '1.00'],
    [
      'ed25519 verify: verifyDelivery (digest + date + node:crypto)',
      `${Math.round(verify)} /s`,
      (verify / noble).toFixed(1),
    ],
    ['delivery: JSON.parse body + payload (baseline)', `${Math.round(parse)} /s`, '1.00'],
    [
      'delivery: readDelivery (zod) + flattenEvent',
      `${Math.round(normalize)} /s`,
      (normalize / parse).toFixed(2),
    ],
  ];
  console.log(
    `Node ${process.version}, ${COLD_RUNS} cold runs, ${HOT_MS} ms per throughput figure`,
  );
  console.log('| measurement | value | ratio to baseline |');
  console.log('|---|---|---|');
  for (const row of rows) console.log(`| ${row.join(' | ')} |`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
