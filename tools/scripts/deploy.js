#!/usr/bin/env node
// Builds build/build.zip and build/source.zip as `zapier-platform push` would, checks them, and
// uploads them (`npm run deploy`; `npm run zip` stops before the upload).
//
// Why not plain `zapier-platform push`: without --skip-dep-install the CLI copies the whole
// project, node_modules included (~30k files), into a temp folder all at once and fails with
// EMFILE (zapier/zapier-platform#820), leaving the partial copy behind. With it, the CLI zips from
// the project itself and leaves definition.json and zapierwrapper.js there when a check fails.
// So this script stages what push's temp folder would hold (the project's files as git sees
// them, the built dist/, and the production dependencies that `npm install --production` would
// give, taken from node_modules per package-lock.json), runs `build --skip-dep-install` there,
// and always removes the staging folder.
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { runZapier } = require('./zapier');
const { checkBuild, productionPackages } = require('./check-build');

const ROOT = path.resolve(__dirname, '..', '..');

function run(command, args, cwd = ROOT) {
  const result = spawnSync(command, args, { cwd, stdio: 'inherit' });
  if (result.status !== 0) throw new Error(`\`${command} ${args.join(' ')}\` failed`);
}

/** The project's files as git sees them: tracked ones that still exist plus untracked, unignored ones. */
function projectFiles() {
  const result = spawnSync(
    'git',
    ['ls-files', '-z', '--cached', '--others', '--exclude-standard'],
    { cwd: ROOT, encoding: 'utf8' },
  );
  if (result.status !== 0) {
    throw new Error(
      'the deploy reads the file list from git: run it from a git clone of the project',
    );
  }
  return result.stdout
    .split('\0')
    .filter(
      (file) => file && fs.statSync(path.join(ROOT, file), { throwIfNoEntry: false })?.isFile(),
    );
}

/** Copies one installed package without its nested node_modules (those are packages of their own). */
function copyPackage(from, to) {
  fs.cpSync(from, to, {
    recursive: true,
    filter: (source) => path.relative(from, source) !== 'node_modules',
  });
}

function stage(dir) {
  for (const file of projectFiles()) {
    fs.cpSync(path.join(ROOT, file), path.join(dir, file));
  }
  fs.cpSync(path.join(ROOT, 'dist'), path.join(dir, 'dist'), { recursive: true });
  // dist/ is built already; without `_zapier-build` the CLI does not rebuild it without devDependencies.
  const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
  delete pkg.scripts['_zapier-build'];
  fs.writeFileSync(path.join(dir, 'package.json'), `${JSON.stringify(pkg, null, 2)}\n`);
  for (const { location } of productionPackages(ROOT)) {
    copyPackage(path.join(ROOT, location), path.join(dir, location));
  }
}

/**
 * The CHANGELOG.md section `zapier-platform promote` shows for `version`: the CLI takes the first
 * heading (levels 1–4) that contains the version, up to the next heading of the same level.
 */
function changelogSection(markdown, version) {
  const lines = markdown.replace(/\r\n?/g, '\n').split('\n');
  const start = lines.findIndex((line) =>
    new RegExp(`^#{1,4} .*${version.split('.').join('\\.')}`).test(line),
  );
  if (start === -1) return '';
  const level = lines[start].match(/^#+/)[0].length;
  const rest = lines.slice(start + 1);
  const end = rest.findIndex((line) => new RegExp(`^#{1,${level}} `).test(line));
  return rest
    .slice(0, end === -1 ? rest.length : end)
    .join('\n')
    .trim();
}

async function main(argv) {
  const upload = !argv.includes('--no-upload');
  const { version } = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
  if (upload) {
    const changelog = fs.readFileSync(path.join(ROOT, 'CHANGELOG.md'), 'utf8');
    if (!changelogSection(changelog, version)) {
      throw new Error(
        `CHANGELOG.md has no "## ${version}" section: add one saying what changed (promote shows it).`,
      );
    }
  }

  console.log('== npm run build');
  run('npm', ['run', 'build']);

  const staging = fs.mkdtempSync(path.join(os.tmpdir(), 'keygen-zapier-build-'));
  const cleanUp = () => fs.rmSync(staging, { recursive: true, force: true });
  // On Ctrl-C or a kill, the CLI is stopped first: it would otherwise go on writing into the
  // staging folder after it is removed.
  let cli;
  const onSignal = (signal) => {
    const exit = () => {
      cleanUp();
      process.kill(process.pid, signal);
    };
    if (cli && cli.exitCode === null && cli.signalCode === null) {
      cli.once('exit', exit);
      cli.kill(signal);
    } else exit();
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    console.log(`== staging the project and its production dependencies in ${staging}`);
    stage(staging);
    console.log('== zapier-platform build --skip-dep-install (in the staging folder)');
    const code = await runZapier(['build', '--skip-dep-install'], {
      cwd: staging,
      onStart: (child) => (cli = child),
    });
    if (code !== 0) {
      throw new Error(
        `zapier-platform build failed (exit ${code}). "fetch failed" means its style check could not reach Zapier's API: check the network, or offline point ZAPIER_ENDPOINT at the local stub as .ci/run does.`,
      );
    }
    fs.mkdirSync(path.join(ROOT, 'build'), { recursive: true });
    for (const zip of ['build.zip', 'source.zip']) {
      fs.copyFileSync(path.join(staging, 'build', zip), path.join(ROOT, 'build', zip));
    }
  } finally {
    cleanUp();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }

  console.log('== checking build/build.zip and build/source.zip');
  const summary = await checkBuild(ROOT);
  console.log(summary);

  if (upload) {
    console.log(`== zapier-platform upload (version ${version})`);
    const code = await runZapier(['upload']);
    if (code !== 0) throw new Error(`zapier-platform upload failed (exit ${code})`);
  } else {
    // The CLI's own closing line says "zapier-platform upload", which needs Node 22 on the PATH.
    console.log(
      `Next: \`npm run zapier -- upload\` uploads exactly these zips as version ${version} (the CLI's "zapier-platform upload" above, on the Node 22 it needs), or \`npm run deploy\` builds, checks and uploads in one step.`,
    );
  }
}

module.exports = { changelogSection };

if (require.main === module) {
  main(process.argv.slice(2)).catch((error) => {
    console.error(`deploy: ${error.message}`);
    process.exit(1);
  });
}
