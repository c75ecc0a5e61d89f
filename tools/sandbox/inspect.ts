// `npm run inspect -- FILE`: would the app accept this saved delivery, and if not, why?
// Exit 0 = valid, 1 = rejected, 2 = the input cannot be judged.
import { readFileSync } from 'node:fs';
import { DELIVERY_FILE_HELP, UnusableInput, parseDeliveryFile } from './delivery-file';
import { inspectDelivery, type Verdict } from './inspect-delivery';
import { escapeControls, fieldTable, terminalSafeJson } from './table';

const USAGE = `Usage: npm run inspect -- [--json] FILE

Verifies one saved Keygen webhook delivery exactly as the Zapier app does (Digest, Date within
15 minutes back / 5 minutes ahead, Keygen-Signature over the endpoint URL with the account's
key), then prints the flat fields a Zap would get, or says why the delivery would be halted.

  --json   print the verdict as one JSON document
  --help   this text

Exit status: 0 valid, 1 rejected (the reason is printed), 2 unusable input.

${DELIVERY_FILE_HELP}

\`npm start -- --keep-running\` saves every delivery the local relay receives in this format.`;

interface Output {
  write(text: string): unknown;
}

/**
 * Prints through `stream` with every control character but a line break escaped: the file's
 * values, headers and URL reach the output, and must not drive the terminal.
 */
function terminal(stream: Output): Output {
  return { write: (text: string) => stream.write(escapeControls(text, '\n')) };
}

/** Text taken from the file, line breaks included, as one escaped line. */
const quoted = (text: string) => escapeControls(text);

export function inspectMain(
  argv: readonly string[],
  stdout: Output = process.stdout,
  stderr: Output = process.stderr,
) {
  const out = terminal(stdout);
  const err = terminal(stderr);
  const args = argv.filter((a) => !a.startsWith('--'));
  const flags = argv.filter((a) => a.startsWith('--'));
  const unknown = flags.filter((f) => !['--json', '--help', '-h'].includes(f));
  if (flags.includes('--help') || argv.includes('-h')) {
    out.write(`${USAGE}\n`);
    return 0;
  }
  if (unknown.length > 0 || args.length !== 1) {
    err.write(
      `${unknown.length > 0 ? `Unknown option ${quoted(unknown[0])}.` : 'Give exactly one delivery file.'}\n\n${USAGE}\n`,
    );
    return 2;
  }
  let verdict: Verdict;
  try {
    let text: string;
    try {
      text = readFileSync(args[0], 'utf8');
    } catch (error) {
      throw new UnusableInput(
        `Cannot read ${args[0]}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}.`,
      );
    }
    verdict = inspectDelivery(parseDeliveryFile(text));
  } catch (error) {
    if (!(error instanceof UnusableInput)) throw error;
    err.write(`Cannot inspect: ${quoted(error.message)}\n`);
    return 2;
  }
  if (flags.includes('--json')) {
    out.write(`${terminalSafeJson(JSON.stringify(verdict, null, 2))}\n`);
  } else if (verdict.verdict === 'valid') {
    out.write(
      `VALID: signed with ${quoted(verdict.algorithm)} (keyid ${quoted(verdict.keyId)}) at ${verdict.signedAt}, checked as of ${verdict.checkedAt}.\nA Zap would get these fields (long values shortened in the middle; --json shows them whole):\n\n${fieldTable(verdict.fields)}\n`,
    );
  } else {
    out.write(
      `REJECTED (${verdict.reason}), checked as of ${verdict.checkedAt}:\n${quoted(verdict.message)}\nThe Zap would halt this delivery.\n`,
    );
  }
  return verdict.verdict === 'valid' ? 0 : 1;
}

if (require.main === module) {
  try {
    process.exitCode = inspectMain(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(`inspect failed: ${escapeControls((error as Error).message)}\n`);
    process.exitCode = 2;
  }
}
