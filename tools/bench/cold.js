// One cold measurement in a fresh Node process (run.js starts one per measurement and reads the
// milliseconds it prints). `node tools/bench/cold.js <core|app|first-app|first-one-operation>`
const cases = require('./cases');

const since = (start) => Number(process.hrtime.bigint() - start) / 1e6;

async function main(mode) {
  const start = process.hrtime.bigint();
  if (mode === 'core') {
    require(`${cases.ROOT}/node_modules/zapier-platform-core`);
    return { total: since(start) };
  }
  if (mode === 'app') {
    require(`${cases.ROOT}/node_modules/zapier-platform-core`);
    const afterCore = process.hrtime.bigint();
    require(`${cases.ROOT}/index.js`);
    return { total: since(start), core: Number(afterCore - start) / 1e6 };
  }
  const { core, app } = cases.loadCoreThenApp();
  // The first delivery a fresh process handles, after core and the app are loaded.
  const definitions = cases.definitions(app, core.version);
  const definition = {
    'first-app': definitions.app,
    'first-one-operation': definitions.deliveryOnly,
  }[mode];
  if (!definition) throw new Error(`unknown mode ${mode}`);
  const key = cases.accountKey();
  const event = cases.events.delivery(cases.signedDelivery(key), key.keys);
  const handler = core.createAppHandler(definition);
  const first = process.hrtime.bigint();
  const { results } = await handler(event);
  const elapsed = since(first);
  if (!cases.expected.delivery(results)) throw new Error('the first delivery did not flatten');
  return { total: elapsed };
}

main(process.argv[2]).then(
  (result) => process.stdout.write(JSON.stringify(result)),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
