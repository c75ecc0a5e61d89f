// The one build: every bundle the project makes, with the flags in one place.
// `node tools/scripts/build.js TARGET...` builds the named targets; `app` type-checks first.
// Tests and `npm start` call build() so their bundles are the ones the scripts make.
const path = require('node:path');
const { execFileSync } = require('node:child_process');

const ROOT = path.resolve(__dirname, '..', '..');

const node = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  logLevel: 'warning',
};

/** What each target bundles, and where to. */
const TARGETS = {
  // The Zapier app: index.js loads dist/app.js. Core and zod stay outside (zod loads on first use).
  app: {
    entryPoints: ['index.ts'],
    outfile: 'dist/app.js',
    external: ['zapier-platform-core', 'zod'],
  },
  // `npm run sandbox`: one file that needs nothing of node_modules at run time.
  sandbox: { entryPoints: ['tools/sandbox/cli.ts'], outfile: 'dist/sandbox/cli.js' },
  start: {
    entryPoints: ['tools/sandbox/start.ts'],
    outfile: 'dist/sandbox/start.js',
    packages: 'external',
  },
  inspect: {
    entryPoints: ['tools/sandbox/inspect.ts'],
    outfile: 'dist/sandbox/inspect.js',
    packages: 'external',
  },
  docs: {
    entryPoints: ['tools/scripts/write-docs.ts'],
    outfile: 'dist/tools/write-docs.js',
    packages: 'external',
  },
  // The bench's floor: the app's verifier, reader and normalizer without Zapier around them.
  'bench-floor': {
    entryPoints: ['tools/bench/floor.ts'],
    outfile: 'dist/tools/bench-floor.js',
    packages: 'external',
  },
};

/** Type-checks the app (tsconfig.build.json: what index.ts reaches) without emitting anything. */
function typecheck() {
  execFileSync(
    process.execPath,
    [require.resolve('typescript/bin/tsc'), '-p', 'tsconfig.build.json'],
    {
      cwd: ROOT,
      stdio: 'inherit',
    },
  );
}

/** Builds one target; `outfile` may be overridden (tests build into a temporary folder). */
function build(target, overrides = {}) {
  const spec = TARGETS[target];
  if (!spec)
    throw new Error(`Unknown build target "${target}": one of ${Object.keys(TARGETS).join(', ')}.`);
  const options = { ...node, ...spec, ...overrides };
  options.entryPoints = options.entryPoints.map((entry) => path.resolve(ROOT, entry));
  options.outfile = path.resolve(ROOT, options.outfile);
  require('esbuild').buildSync(options);
  return options.outfile;
}

module.exports = { build, typecheck, TARGETS, ROOT };

if (require.main === module) {
  const targets = process.argv.slice(2);
  if (!targets.length) {
    console.error(
      `usage: node tools/scripts/build.js TARGET... (${Object.keys(TARGETS).join(', ')})`,
    );
    process.exit(2);
  }
  try {
    if (targets.includes('app')) typecheck();
    for (const target of targets) build(target);
  } catch (error) {
    // tsc and esbuild have printed what is wrong already.
    if (!error.status && !error.errors) console.error(error.message);
    process.exit(1);
  }
}
