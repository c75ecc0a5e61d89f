/**
 * `npm run sandbox -- [--port N]`: the sandbox alone. Once it listens, one line of JSON on stdout
 * (`baseUrl`, `accountId`, `token`) for scripts; everything else goes to stderr.
 */
import { UsageError, parseFlags } from './flags';
import { startSandbox } from './server';

const USAGE = `Usage: npm run --silent sandbox -- [--port N]

Serves the embedded Keygen sandbox on 127.0.0.1 until Ctrl-C. Once it listens, it prints one
line of JSON on stdout, {"baseUrl","accountId","token"} (an admin token), and the seeded
license keys on stderr. --silent keeps npm's own "> keygen-zapier@… sandbox" lines off stdout.

  --port N  the port (default: any free port)
  --help    this text

Exit status: 0 once stopped by Ctrl-C (SIGINT) or SIGTERM, 1 when it cannot start, 2 for a bad
argument.`;

async function main(argv: readonly string[]): Promise<void> {
  const flags = parseFlags(argv, []);
  if (flags === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const sandbox = await startSandbox({ port: flags.port });
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

main(process.argv.slice(2)).catch((error: Error) => {
  if (error instanceof UsageError) {
    process.stderr.write(`${error.message}\n\n${USAGE}\n`);
    process.exit(2);
  }
  process.stderr.write(`sandbox: ${error.message}\n`);
  process.exit(1);
});
