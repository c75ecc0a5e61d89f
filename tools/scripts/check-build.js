#!/usr/bin/env node
// Checks build/build.zip and build/source.zip before they are uploaded (the deploy runs it; CI
// through the deploy's build): the zip holds the bundled app and exactly the production packages
// package-lock.json names, nothing of the tests, dev tools or docs, and it loads on Node 22 as
// Zapier loads it. `node tools/scripts/check-build.js` checks the zips already in build/.
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { node22 } = require('./zapier');

const ROOT = path.resolve(__dirname, '..', '..');

/** Outside node_modules/, everything build.zip may hold: the entry points and the bundle. */
const APP_FILES = [
  'definition.json',
  'dist/app.js',
  'index.js',
  'package.json',
  'zapierwrapper.js',
];

/** What source.zip must not hold: installed, built or generated files. */
const NOT_SOURCE = /^(node_modules|dist|build)\/|^(definition\.json|zapierwrapper\.js)$/;

/**
 * The packages `npm install --production` installs, from package-lock.json: every entry not
 * marked dev. An optional one that is not installed (another platform's) is left out; a missing
 * required one means node_modules is not what the lockfile says.
 */
function productionPackages(root) {
  const lock = JSON.parse(fs.readFileSync(path.join(root, 'package-lock.json'), 'utf8'));
  const packages = [];
  for (const [location, entry] of Object.entries(lock.packages)) {
    if (!location.startsWith('node_modules/') || entry.dev) continue;
    const manifest = path.join(root, location, 'package.json');
    if (!fs.existsSync(manifest)) {
      if (entry.optional) continue;
      throw new Error(`${location} is missing: run \`npm ci\``);
    }
    const { version } = JSON.parse(fs.readFileSync(manifest, 'utf8'));
    // Compared without a leading "v": json-metaschema publishes "v1.3.0" as its version.
    if (String(version).replace(/^v/, '') !== entry.version) {
      throw new Error(
        `${location} is ${version}, package-lock.json says ${entry.version}: run \`npm ci\``,
      );
    }
    packages.push({ location, version: entry.version });
  }
  return packages;
}

function zipLib() {
  // adm-zip comes with zapier-platform-cli (it reads build.zip with it too): no unzip binary needed.
  const cli = path.dirname(require.resolve('zapier-platform-cli/package.json', { paths: [ROOT] }));
  return require(require.resolve('adm-zip', { paths: [cli] }));
}

/**
 * What is wrong with the entries of build.zip (an empty list when nothing is): `packages` are
 * the production packages' locations, `expected` the app files the zip must hold.
 */
function buildZipProblems(entries, packages) {
  const problems = [];
  const files = entries.filter((name) => !name.endsWith('/'));
  const outside = files.filter((name) => !name.startsWith('node_modules/'));
  for (const name of outside) {
    if (!APP_FILES.includes(name)) problems.push(`unexpected file outside node_modules: ${name}`);
  }
  for (const name of APP_FILES) {
    if (!files.includes(name)) problems.push(`missing ${name}`);
  }
  // The CLI adds every package.json it finds, so they name the packages the zip carries.
  const zipped = new Set(
    files
      .filter((name) => name.startsWith('node_modules/') && name.endsWith('/package.json'))
      .map((name) => name.slice(0, -'/package.json'.length))
      .filter((dir) => /(^|\/)node_modules\/(@[^/]+\/)?[^/@]+$/.test(dir)),
  );
  const wanted = new Set(packages);
  for (const dir of wanted) if (!zipped.has(dir)) problems.push(`missing package ${dir}`);
  for (const dir of zipped) {
    if (!wanted.has(dir)) problems.push(`package ${dir} is not a production dependency`);
  }
  return problems;
}

function sourceZipProblems(entries) {
  const problems = [];
  for (const name of entries) {
    if (NOT_SOURCE.test(name)) problems.push(`source.zip holds ${name}`);
  }
  for (const name of ['package.json', 'package-lock.json', 'index.ts', 'README.md']) {
    if (!entries.includes(name)) problems.push(`source.zip misses ${name}`);
  }
  return problems;
}

/** Loads the unzipped app on Node 22 the way Zapier's wrapper does (a plain require of index.js). */
function loadOnNode22(dir) {
  const script = `
    const app = require('./index.js');
    const n = (o) => Object.keys(o || {}).length;
    if (!app.authentication || !app.triggers || !app.triggers.license_created) {
      throw new Error('index.js does not export the app object');
    }
    require('zod/mini'); // loaded on the first delivery only: it must be in the zip all the same
    require('./zapierwrapper.js');
    console.log(n(app.triggers) + ' triggers, ' + n(app.creates) + ' creates, ' + n(app.searches) + ' searches');
  `;
  const result = spawnSync(node22(), ['-e', script], { cwd: dir, encoding: 'utf8' });
  if (result.status !== 0) {
    throw new Error(`the built app does not load on Node 22:\n${result.stderr.trim()}`);
  }
  return result.stdout.trim();
}

/** Checks both zips in root/build; throws listing every problem, else returns a summary line. */
async function checkBuild(root) {
  const AdmZip = zipLib();
  const buildZip = new AdmZip(path.join(root, 'build', 'build.zip'));
  const sourceZip = new AdmZip(path.join(root, 'build', 'source.zip'));
  const packages = productionPackages(root).map((p) => p.location);
  const entries = buildZip.getEntries().map((e) => e.entryName);
  const problems = [
    ...buildZipProblems(entries, packages),
    ...sourceZipProblems(sourceZip.getEntries().map((e) => e.entryName)),
  ];
  if (problems.length)
    throw new Error(`the build is not fit to upload:\n  ${problems.join('\n  ')}`);

  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'keygen-zapier-check-'));
  try {
    buildZip.extractAllTo(dir, true);
    const loaded = loadOnNode22(dir);
    return `build.zip: the app (${loaded}) and ${packages.length} production packages, nothing else`;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

module.exports = { checkBuild, productionPackages, buildZipProblems, sourceZipProblems, APP_FILES };

if (require.main === module) {
  checkBuild(ROOT).then(
    (summary) => console.log(summary),
    (error) => {
      console.error(error.message);
      process.exit(1);
    },
  );
}
