/**
 * Takes the connection's token out of text the app passes on (messages, errors): whole or cut
 * short, as typed or encoded the ways a server's answer quotes it (HTML character references,
 * percent-encoding, JSON and JavaScript escapes, and these nested), down to any run of `RUN`
 * characters of it.
 */

/** The shortest run of a token's characters that is taken out; a shorter token goes only whole. */
export const RUN = 12;
/** A token shorter than this is no secret worth a mark (and would match everyday words). */
const MIN_TOKEN = 4;
/** How many times an encoded copy is decoded: `%2526%2397;` is three layers. */
const DECODE_ROUNDS = 3;
const MARK = '[redacted]';

/** Text, and for each of its UTF-16 units the span [from, to] of the original text it stands for. */
interface View {
  text: string;
  from: Int32Array;
  to: Int32Array;
}

/** HTML's named references for the visible ASCII characters (a token holds no others). */
const NAMED: Record<string, string> = {
  excl: '!',
  quot: '"',
  QUOT: '"',
  num: '#',
  dollar: '$',
  percnt: '%',
  amp: '&',
  AMP: '&',
  apos: "'",
  lpar: '(',
  rpar: ')',
  ast: '*',
  midast: '*',
  plus: '+',
  comma: ',',
  period: '.',
  sol: '/',
  colon: ':',
  semi: ';',
  lt: '<',
  LT: '<',
  equals: '=',
  gt: '>',
  GT: '>',
  quest: '?',
  commat: '@',
  lsqb: '[',
  lbrack: '[',
  bsol: '\\',
  rsqb: ']',
  rbrack: ']',
  Hat: '^',
  lowbar: '_',
  UnderBar: '_',
  grave: '`',
  DiacriticalGrave: '`',
  lcub: '{',
  lbrace: '{',
  verbar: '|',
  vert: '|',
  VerticalLine: '|',
  rcub: '}',
  rbrace: '}',
};

/**
 * One encoded character: `&#97;` `&#x61;` (leading zeros and the `;` optional, as browsers read them), `&amp;`,
 * `%61`, `\u0061`, `\x61` and `\"`-style escapes. `+` is not read as a space: a token has none,
 * so in a URL-encoded copy `+` only ever stands for itself.
 */
const ENCODED =
  /&#0*(\d{1,7});?|&#[xX]0*([0-9a-fA-F]{1,6});?|&([a-zA-Z]{2,16});|%([0-9a-fA-F]{2})|\\u([0-9a-fA-F]{4})|\\x([0-9a-fA-F]{2})|\\([\\/"'`])/;

function decoded(match: RegExpExecArray): string | undefined {
  const [, dec, hex, name, percent, unicode, byte, escaped] = match;
  if (name !== undefined) return Object.hasOwn(NAMED, name) ? NAMED[name] : undefined;
  if (escaped !== undefined) return escaped;
  const code = parseInt(dec ?? hex ?? percent ?? unicode ?? byte, dec !== undefined ? 10 : 16);
  return code <= 0x10ffff ? String.fromCodePoint(code) : undefined;
}

const ANY_ENCODED = new RegExp(ENCODED.source, 'g');

/** The view with one layer of encoding taken off, each character keeping its original span. */
function decode(view: View): View {
  const { text } = view;
  // Decoding never lengthens: every encoded form is longer than what it stands for.
  const from = new Int32Array(text.length);
  const to = new Int32Array(text.length);
  const parts: string[] = [];
  let length = 0;
  const keep = (start: number, end: number) => {
    parts.push(text.slice(start, end));
    from.set(view.from.subarray(start, end), length);
    to.set(view.to.subarray(start, end), length);
    length += end - start;
  };
  let done = 0;
  ANY_ENCODED.lastIndex = 0;
  for (let match = ANY_ENCODED.exec(text); match; match = ANY_ENCODED.exec(text)) {
    const value = decoded(match);
    if (value === undefined) {
      ANY_ENCODED.lastIndex = match.index + 1;
      continue;
    }
    keep(done, match.index);
    done = match.index + match[0].length;
    parts.push(value);
    from.fill(view.from[match.index], length, length + value.length);
    to.fill(view.to[done - 1], length, length + value.length);
    length += value.length;
  }
  keep(done, text.length);
  return { text: parts.join(''), from: from.subarray(0, length), to: to.subarray(0, length) };
}

/** The runs to look for, by length: every `RUN`-character run of the token and its pieces. */
function runsOf(token: unknown): Map<number, Set<string>> {
  const runs = new Map<number, Set<string>>();
  if (typeof token !== 'string' || token.trim().length < MIN_TOKEN) return runs;
  const add = (value: string, length: number) => {
    if (!runs.has(length)) runs.set(length, new Set());
    const set = runs.get(length)!;
    for (let i = 0; i + length <= value.length; i += 1) set.add(value.slice(i, i + length));
  };
  const whole = token.trim();
  add(whole, Math.min(RUN, whole.length));
  add(token, Math.min(RUN, token.length));
  // A token pasted with an invisible character inside is sent (and refused) in pieces.
  for (const piece of token.split(/[^\x21-\x7e]+/)) if (piece.length >= RUN) add(piece, RUN);
  return runs;
}

/** A rolling hash of `length` characters: each step adds one character and drops the oldest. */
const BASE = 0x01000193;

function hashOf(text: string, start: number, length: number): number {
  let hash = 0;
  for (let i = start; i < start + length; i += 1)
    hash = (Math.imul(hash, BASE) + text.charCodeAt(i)) | 0;
  return hash;
}

/**
 * Spans [from, to] of the original text to take out, found in one view. A rolling hash finds the
 * candidates in one pass without making a string per position; each is then compared exactly.
 */
function hits(view: View, runs: Map<number, Set<string>>, spans: [number, number][]): void {
  const { text } = view;
  for (const [length, set] of runs) {
    if (text.length < length) continue;
    const hashes = new Set([...set].map((run) => hashOf(run, 0, length)));
    let drop = 1;
    for (let i = 1; i < length; i += 1) drop = Math.imul(drop, BASE);
    let hash = hashOf(text, 0, length);
    for (let i = 0; ; i += 1) {
      if (hashes.has(hash) && set.has(text.slice(i, i + length))) {
        spans.push([view.from[i], view.to[i + length - 1]]);
      }
      if (i + length >= text.length) break;
      hash = Math.imul(hash - Math.imul(text.charCodeAt(i), drop), BASE);
      hash = (hash + text.charCodeAt(i + length)) | 0;
    }
  }
}

/** A function that redacts the token from text; the identity when there is no token. */
export function redactorOf(token: unknown): (text: string) => string {
  const runs = runsOf(token);
  if (runs.size === 0) return (text) => text;
  return (text) => {
    const spans: [number, number][] = [];
    const offsets = new Int32Array(text.length);
    for (let i = 0; i < text.length; i += 1) offsets[i] = i;
    let view: View = { text, from: offsets, to: offsets };
    hits(view, runs, spans);
    for (let round = 0; round < DECODE_ROUNDS; round += 1) {
      const next = decode(view);
      if (next.text === view.text) break;
      view = next;
      hits(view, runs, spans);
    }
    return spans.length === 0 ? text : cut(text, spans);
  };
}

/** The text with each (merged) span replaced by one mark. */
function cut(text: string, spans: [number, number][]): string {
  spans.sort((a, b) => a[0] - b[0]);
  const parts: string[] = [];
  let at = 0;
  for (let i = 0; i < spans.length;) {
    const start = spans[i][0];
    let end = spans[i][1];
    for (i += 1; i < spans.length && spans[i][0] <= end + 1; i += 1)
      end = Math.max(end, spans[i][1]);
    parts.push(text.slice(at, start), MARK);
    at = end + 1;
  }
  parts.push(text.slice(at));
  return parts.join('');
}
