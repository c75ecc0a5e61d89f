// `npm start`: the scenario, printed for a person (tables) or a program (--json, JSON Lines).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UsageError, parseFlags } from './flags';
import type { Relay } from './relay';
import { runScenario, type RunRow, type Step } from './scenario';
import { fieldTable, table, wrap } from './table';

const USAGE = `Usage: npm start -- [--keep-running] [--json] [--port N]

Starts the embedded Keygen sandbox and the local hook relay (Zapier's part), then runs the real
app through zapier-platform-core: connect, five Zaps on, actions and a search whose webhooks
start them, a delivery Keygen retries, forged deliveries, the Zaps off.

  --keep-running  leave the sandbox and the relay up (Ctrl-C stops them), with a New Event Zap
                  on that saves every delivery for \`npm run inspect\`; prints how to use them
  --json          JSON Lines on stdout: one object per step
                  {"type":"step","index":1,"name":"connect","title":…,"ok":true,"problems":[],
                   "output":{…},"runs":[…],"rows":[…]}, then {"type":"summary","ok":…,"steps":N,
                   "failed":[names]} (and {"type":"running",…} with --keep-running); run it as
                  \`npm run --silent start -- --json\` to keep npm's "> keygen-zapier@…" lines off
  --port N        the sandbox's port (default: any free port); the relay takes another free port

Exit status: 0 when every step did what it should, 1 otherwise (the failed checks are printed)
or when it cannot start, 2 for a bad argument.`;

/**
 * What a reader may not guess from a step's tables, by step name: why a Zap run was answered 503
 * or skipped, and why a halted delivery was answered 200.
 */
const EXPLAINED: Record<string, string> = {
  retry:
    "Answered 503: the relay failed its answers to Keygen's first two attempts on purpose, as when " +
    "Zapier's answer never reaches Keygen, so Keygen retried. The first attempt ran the Zap; the " +
    'retries carry the same idempotency token, so the app returned nothing for them (skipped: no Zap ' +
    'run).',
  forged:
    'Answered 200: the relay answers as Zapier does, 200 for every delivery it takes in, so the ' +
    'sender learns nothing and nothing is retried. The Zap run is halted: nothing after the ' +
    'trigger runs, and Zap history shows the run as Halted, with the reason above.',
};

/** One column per Zap run, one row per field: runs have too many fields for a row each. */
function runsTable(runs: readonly RunRow[]): string {
  const fields = [...new Set(runs.flatMap((run) => Object.keys(run)))];
  return table(
    fields.map((field) =>
      Object.fromEntries([['field', field], ...runs.map((run, i) => [`run ${i + 1}`, run[field]])]),
    ),
    ['field', ...runs.map((_, i) => `run ${i + 1}`)],
  );
}

function printStep(step: Step, index: number, out: NodeJS.WritableStream) {
  const heading = `${index}. ${step.title}  [${step.ok ? 'OK' : 'FAILED'}]`;
  const parts = [`\n${wrap(heading, `${index}. `.length)}`];
  if (step.output) parts.push(fieldTable(step.output));
  if (step.rows?.length) parts.push(table(step.rows));
  if (step.runs.length) parts.push(`Zap runs caused:\n${runsTable(step.runs)}`);
  else if (step.output && step.name !== 'connect') parts.push('Zap runs caused: none');
  const notes = [...(step.notes ?? []), ...(EXPLAINED[step.name] ? [EXPLAINED[step.name]] : [])];
  if (notes.length) parts.push(notes.map((note) => wrap(note)).join('\n'));
  for (const problem of step.problems) parts.push(wrap(`  ✗ ${problem}`, 4));
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
  return `
The sandbox and the relay keep running (Ctrl-C stops them).

  Keygen sandbox  ${info.baseUrl}   account ${info.accountId}
  admin token     ${info.token}
                  (this local sandbox's own token)
  hook relay      ${info.relayUrl}   a New Event Zap listens at ${info.zapUrl}
  deliveries      every delivery the Zap receives is saved in
                  ${info.saveDir}
                  (removed when this stops: copy a file elsewhere to keep it)

Call the sandbox with curl: create a license, and its license.created delivery is saved.
  API=${info.baseUrl}/v1/accounts/${info.accountId}
  TOKEN=${info.token}
  POLICY=${info.policyId}
  curl -s -H "Authorization: Bearer $TOKEN" -H 'Accept: application/vnd.api+json' $API/licenses
  curl -s -X POST -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/vnd.api+json' $API/licenses \\
    -d '{"data":{"type":"licenses","relationships":{"policy":{"data":{"type":"policies","id":"'$POLICY'"}}}}}'
  npm run inspect -- ${join(info.saveDir, '0001-new_event.json')}

Run the app with Zapier's own CLI: put these lines in .env
  authData_baseUrl=${info.baseUrl}
  authData_accountId=${info.accountId}
  authData_token=${info.token}
then, in another terminal (the app is already built; after changing it, npm run build first):
  npm run zapier -- invoke auth test
  npm run zapier -- invoke trigger list_products
  npm run zapier -- invoke create suspend_license -i '{"license":"${info.licenseKey}"}'
(npm run zapier runs the project's Zapier CLI on the Node 22 it needs, installing that Node once
into $KEYGEN_ZAPIER_CACHE, by default ~/.cache/keygen-zapier.)
`;
}

export async function startMain(argv: readonly string[]): Promise<number> {
  let flags;
  try {
    flags = parseFlags(argv, ['--keep-running', '--json']);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`${error.message}\n\n${USAGE}\n`);
    return 2;
  }
  if (flags === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const json = flags.switches.has('--json');
  const keepRunning = flags.switches.has('--keep-running');
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
  // Deliveries from here on are saved; the scenario's own Zaps are off.
  const saveDir = mkdtempSync(join(tmpdir(), 'keygen-zapier-deliveries-'));
  // One folder per run would pile up in the temp directory: it goes when the run stops (the
  // help says so, and to copy a file elsewhere to keep it).
  const stop = async () => {
    await relay.close();
    await sandbox.close();
    rmSync(saveDir, { recursive: true, force: true });
    process.exit(result.ok ? 0 : 1);
  };
  process.once('SIGINT', () => void stop());
  process.once('SIGTERM', () => void stop());
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
  await relay.saveTo(saveDir);
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
