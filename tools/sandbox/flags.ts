// The command-line flags of `npm start` and `npm run sandbox`: one parser, so both take `--port`
// alike and refuse a bad argument alike (with their usage, exit 2).

export class UsageError extends Error {}

export interface Flags {
  port: number;
  /** The switches given, of those the command knows. */
  switches: Set<string>;
}

function port(value: string | undefined): number {
  const port = Number(value);
  if (!/^\d+$/.test(value ?? '') || port > 65535) {
    throw new UsageError(
      `--port needs a port number from 0 to 65535, not ${JSON.stringify(value ?? '')}.`,
    );
  }
  return port;
}

/** `--port N` (or `--port=N`), the command's switches, or 'help' for `--help`/`-h`. */
export function parseFlags(argv: readonly string[], known: readonly string[]): Flags | 'help' {
  const flags: Flags = { port: 0, switches: new Set() };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--help' || arg === '-h') return 'help';
    if (arg === '--port') flags.port = port(argv[++i]);
    else if (arg.startsWith('--port=')) flags.port = port(arg.slice('--port='.length));
    else if (known.includes(arg)) flags.switches.add(arg);
    else throw new UsageError(`Unknown option ${JSON.stringify(arg)}.`);
  }
  return flags;
}
