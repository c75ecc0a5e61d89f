// `npm start` as a person meets it (the table view) and `npm run sandbox` beside it: output that
// fits 120 columns, the same words for the same mistakes, and nothing left in the temp directory.
import { startProgram, type Run } from '../helpers/process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { build } = require('../../tools/scripts/build') as {
  build: (target: string, overrides?: object) => string;
};

const dir = mkdtempSync(join(tmpdir(), 'start-test-'));
let start: string;
let sandbox: string;

beforeAll(() => {
  // start.js finds the app from its own folder: it is built where `npm start` builds it.
  // A copy of its own under dist/ (node_modules resolve from there): scenario.test.ts builds one too.
  start = build('start', { outfile: 'dist/e2e/start/start.js' });
  sandbox = build('sandbox', { outfile: join(dir, 'cli.js') });
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const run = (program: string, args: string[]): Run =>
  startProgram([process.execPath, program], args);

async function until<T>(what: string, check: () => T | undefined, limitMs: number): Promise<T> {
  const end = Date.now() + limitMs;
  for (;;) {
    const value = check();
    if (value !== undefined) return value;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((done) => setTimeout(done, 50));
  }
}

async function busyPort(): Promise<[Server, number]> {
  const blocker = createServer();
  await new Promise<void>((done) => blocker.listen(0, '127.0.0.1', done));
  return [blocker, (blocker.address() as { port: number }).port];
}

describe('the same message and exit status from npm start and npm run sandbox', () => {
  test('a port in use: what to do, and exit 1', async () => {
    const [blocker, port] = await busyPort();
    try {
      const [viaStart, viaSandbox] = [
        run(start, ['--port', String(port)]),
        run(sandbox, [`--port=${port}`]),
      ];
      expect(await viaStart.exit).toBe(1);
      expect(await viaSandbox.exit).toBe(1);
      const why = `port ${port} is already in use: choose another with --port N, or --port 0 for any free port.\n`;
      expect(viaStart.stderr()).toBe(`npm start failed: ${why}`);
      expect(viaSandbox.stderr()).toBe(`sandbox: ${why}`);
      expect(viaStart.stdout()).not.toContain('EADDRINUSE');
    } finally {
      await new Promise((done) => blocker.close(done));
    }
  }, 60_000);

  test.each([
    [['--port', 'abc'], /^--port needs a port number from 0 to 65535, not "abc"\.\n\nUsage: /],
    [['--port', '65536'], /^--port needs a port number from 0 to 65535, not "65536"\.\n\nUsage: /],
    [['--verbose'], /^Unknown option "--verbose"\.\n\nUsage: /],
  ])(
    '%j is a usage error: the problem, the usage, exit 2',
    async (args, message) => {
      for (const program of [start, sandbox]) {
        const bad = run(program, args);
        expect(await bad.exit).toBe(2);
        expect(bad.stderr()).toMatch(message);
        expect(bad.stdout()).toBe('');
      }
    },
    60_000,
  );

  test.each([['--help'], ['-h']])(
    '%s prints the usage on stdout, exit 0',
    async (flag) => {
      for (const [program, usage] of [
        [start, 'Usage: npm start -- '],
        [sandbox, 'Usage: npm run --silent sandbox -- '],
      ]) {
        const help = run(program, [flag]);
        expect(await help.exit).toBe(0);
        expect(help.stdout()).toMatch(new RegExp(`^${usage.replace(/[-]/g, '\\-')}`));
        expect(help.stdout()).toContain('Exit status: ');
        expect(help.stderr()).toBe('');
      }
    },
    60_000,
  );
});

/** Columns as a terminal counts them (code points, not UTF-16 units or bytes). */
const columns = (line: string) => Array.from(line).length;

function post(url: string, token: string, body: unknown): Promise<number> {
  return new Promise((done, fail) => {
    const req = request(
      url,
      {
        method: 'POST',
        headers: {
          Authorization: `Bearer ${token}`,
          'Content-Type': 'application/vnd.api+json',
        },
      },
      (res) => {
        res.resume();
        res.on('end', () => done(res.statusCode ?? 0));
      },
    );
    req.on('error', fail);
    req.end(JSON.stringify(body));
  });
}

test('the table view with --keep-running: 120 columns, the explanations, and Ctrl-C removes the deliveries folder', async () => {
  const kept = run(start, ['--keep-running']);
  try {
    const printed = await until(
      'the running help',
      () => (kept.stdout().includes('Ctrl-C stops them') ? kept.stdout() : undefined),
      150_000,
    );
    expect(kept.stderr()).toBe('');
    expect(printed).toMatch(/\nAll \d+ steps did what they should\.\n/);
    const wide = printed.split('\n').filter((line) => columns(line) > 120);
    expect(wide).toEqual([]);
    // The idempotency tokens (64 characters) are shortened in the middle, not cut off.
    expect(printed).toMatch(/idempotency_token +[0-9a-f]{8,}…[0-9a-f]{8,}v3/);
    expect(printed).toContain(
      "Answered 503: the relay failed its answers to Keygen's first two attempts",
    );
    expect(printed).toContain('Answered 200: the relay answers as Zapier does');
    // The instructions run the CLI as the README does, not by hand from a hard-coded cache.
    expect(printed).toContain('npm run zapier -- invoke auth test');
    expect(printed).not.toMatch(/npx zapier-platform|\.cache\/keygen-zapier\/node-/);

    const saveDir = /saved in\n\s+(\S+)\n/.exec(printed)?.[1] ?? '';
    expect(saveDir).toContain(join(tmpdir(), 'keygen-zapier-deliveries-'));
    const api = /API=(\S+)/.exec(printed)?.[1] ?? '';
    const token = /TOKEN=(\S+)/.exec(printed)?.[1] ?? '';
    const policy = /POLICY=(\S+)/.exec(printed)?.[1];
    const created = await post(`${api}/licenses`, token, {
      data: {
        type: 'licenses',
        relationships: { policy: { data: { type: 'policies', id: policy } } },
      },
    });
    expect(created).toBe(201);
    const files = await until(
      'a saved delivery',
      () => (readdirSync(saveDir).length > 0 ? readdirSync(saveDir) : undefined),
      30_000,
    );
    expect(files[0]).toMatch(/^0001-new_event\.json$/);

    kept.child.kill('SIGINT');
    expect(await kept.exit).toBe(0);
    expect(existsSync(saveDir)).toBe(false);
  } finally {
    kept.child.kill('SIGKILL');
  }
}, 200_000);
