// `npm run sandbox` as a script uses it: the bundled CLI prints exactly one JSON line on stdout
// once it listens, its token works against the API, and it stops cleanly on SIGINT/SIGTERM.
import { startProgram, type Run } from '../helpers/process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { build } = require('../../tools/scripts/build') as {
  build: (target: string, overrides?: object) => string;
};

const LIMIT_MS = 30_000;
const dir = mkdtempSync(join(tmpdir(), 'sandbox-cli-'));
const cli = join(dir, 'cli.js');

beforeAll(() => {
  build('sandbox', { outfile: cli });
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const run = (args: string[], command = [process.execPath, cli]): Run => startProgram(command, args);

async function firstLine(started: Run): Promise<string> {
  while (!started.stdout().includes('\n')) {
    if (started.child.exitCode !== null) throw new Error(`exited early: ${started.stderr()}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return started.stdout();
}

test.each(['SIGTERM', 'SIGINT'] as const)(
  'one JSON line on stdout with a working admin token; %s stops it with exit 0',
  async (signal) => {
    const started = run([]);
    const stdout = await firstLine(started);
    expect(stdout.endsWith('\n')).toBe(true);
    expect(stdout.trimEnd().split('\n')).toHaveLength(1);
    const printed = JSON.parse(stdout);
    expect(Object.keys(printed)).toEqual(['baseUrl', 'accountId', 'token']);
    expect(printed.baseUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(printed.token).toMatch(/^admin-[0-9a-f]{64}v3$/);
    const me = await fetch(`${printed.baseUrl}/v1/accounts/${printed.accountId}/me`, {
      headers: { Authorization: `Bearer ${printed.token}` },
    });
    expect(me.status).toBe(200);
    expect(started.stderr()).toContain('Keygen sandbox listening on');
    started.child.kill(signal);
    expect(await started.exit).toBe(0);
    expect(started.stdout()).toBe(stdout);
  },
  LIMIT_MS,
);

test(
  '--port N listens there; a port in use is a clear error and exit 1',
  async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as { port: number }).port;
    try {
      const busy = run(['--port', String(port)]);
      expect(await busy.exit).toBe(1);
      expect(busy.stdout()).toBe('');
      expect(busy.stderr()).toBe(
        `sandbox: port ${port} is already in use: choose another with --port N, or --port 0 for any free port.\n`,
      );
    } finally {
      await new Promise((resolve) => blocker.close(resolve));
    }
    const free = run([`--port=${port}`]);
    expect(JSON.parse(await firstLine(free)).baseUrl).toBe(`http://127.0.0.1:${port}`);
    free.child.kill('SIGTERM');
    expect(await free.exit).toBe(0);
  },
  LIMIT_MS,
);

// Bad arguments and --help: test/e2e/start.test.ts, for this CLI and npm start alike.

// npm itself speaks (no loglevel=silent in .npmrc), so the README's command is the --silent one.
test('npm run --silent sandbox: stdout is the one JSON line; without --silent npm prints its banner', async () => {
  const quiet = run(['--port', '0'], ['npm', 'run', '--silent', 'sandbox', '--']);
  const line = await firstLine(quiet);
  expect(Object.keys(JSON.parse(line))).toEqual(['baseUrl', 'accountId', 'token']);
  quiet.child.kill('SIGTERM');
  expect(await quiet.exit).toBe(0);
  expect(quiet.stdout()).toBe(line);

  const help = run(['--help'], ['npm', 'run', 'sandbox', '--']);
  expect(await help.exit).toBe(0);
  expect(help.stdout()).toMatch(/^\n> keygen-zapier@[\d.]+ sandbox\n> .*\n\nUsage: /);
}, 60_000);

test(
  'npm reports its own errors: a missing script',
  async () => {
    const missing = run([], ['npm', 'run', 'no-such-script']);
    expect(await missing.exit).toBe(1);
    expect(missing.stderr()).toContain('Missing script: "no-such-script"');
  },
  LIMIT_MS,
);
