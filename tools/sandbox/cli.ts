/**
 * `npm run sandbox -- [--port N]`: the sandbox alone. Once it listens, one line of JSON on stdout
 * (`baseUrl`, `accountId`, `token`) for scripts; everything else goes to stderr.
 */
import { startSandbox } from './server';

function portArgument(args: readonly string[]): number {
  const at = args.findIndex((arg) => arg === '--port' || arg.startsWith('--port='));
  if (at < 0) return 0;
  const raw = args[at].includes('=') ? args[at].split('=')[1] : args[at + 1];
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`--port needs a port number from 0 to 65535 (got ${raw ?? 'nothing'}).`);
  }
  return port;
}

async function main(): Promise<void> {
  const unknown = process.argv
    .slice(2)
    .filter((arg, i, all) => !arg.startsWith('--port') && all[i - 1] !== '--port');
  if (unknown.length > 0)
    throw new Error(`Unknown argument ${unknown[0]}. Usage: npm run sandbox -- [--port N]`);
  const sandbox = await startSandbox({ port: portArgument(process.argv.slice(2)) });
  // Before the JSON line: whoever reads it may stop the sandbox at once.
  const stop = () => {
    void sandbox.close().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  const { baseUrl, accountId, token } = sandbox;
  process.stdout.write(`${JSON.stringify({ baseUrl, accountId, token })}\n`);
  const { licenses } = sandbox.seed;
  process.stderr.write(
    [
      `Keygen sandbox listening on ${baseUrl} (account ${accountId}, slug ${sandbox.accountSlug}).`,
      `Licenses: active ${licenses.active.key}, expiring soon ${licenses.expiringSoon.key}, expired ${licenses.expired.key}, suspended ${licenses.suspended.key}.`,
      'Stop it with Ctrl-C.',
      '',
    ].join('\n'),
  );
}

main().catch((error: unknown) => {
  const { code, message, port } = error as NodeJS.ErrnoException & { port?: number };
  const why =
    code === 'EADDRINUSE'
      ? `port ${port} is already in use: choose another with --port N, or --port 0 for any free port.`
      : message;
  process.stderr.write(`sandbox: ${why}\n`);
  process.exit(1);
});
