/**
 * What a test file's run let out: console and z.console lines, process output, results and errors
 * of every app invocation. test/setup-output.ts fills it for every test file and, at the end of
 * each, fails the file if a test token appears anywhere in it.
 */
interface Recorder {
  lines: string[];
  /** The connection tokens seen in the file's invocations, and any registered by hand. */
  secrets: Set<string>;
}

/** One per test file: jest gives each file its own module registry, shared with its setup files. */
export const recorder: Recorder = { lines: [], secrets: new Set() };

export function record(text: string): void {
  recorder.lines.push(text);
}

/** Makes a token recognisable: every piece of at least 12 characters that is not blank. */
export function recognise(token: unknown): void {
  if (typeof token !== 'string') return;
  for (const piece of token.split(/[^\x21-\x7e]+/))
    if (piece.length >= 12) recorder.secrets.add(piece);
}

/**
 * What identifies a secret in text: its first 20 characters (all of it if shorter). A token cut
 * short in a message keeps its start; its tail alone is no fingerprint, as test data holds other
 * hex strings (idempotency tokens) that share long runs with test tokens.
 */
function fragments(secret: string): string[] {
  return [secret.slice(0, 20)];
}

/** The recorded lines holding a piece of a recognised token, with the piece masked. */
export function leaks(
  lines: readonly string[] = recorder.lines,
  secrets: Iterable<string> = recorder.secrets,
): string[] {
  const pieces = [...secrets].flatMap(fragments);
  const found: string[] = [];
  for (const line of lines) {
    const hits = pieces.filter((piece) => line.includes(piece));
    if (hits.length === 0) continue;
    found.push(hits.reduce((text, piece) => text.split(piece).join('[TOKEN]'), line).slice(0, 500));
  }
  return found;
}

/** Everything recorded since `from` (an index taken from `mark()`), as one text. */
export function recordedSince(from: number): string {
  return recorder.lines.slice(from).join('\n');
}

export function mark(): number {
  return recorder.lines.length;
}
