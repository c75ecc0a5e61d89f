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

/** Text, and for each of its UTF-16 units the span of the original text it stands for. */
interface View {
  text: string;
  from: number[];
  to: number[];
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
 * One encoded character: `&#97;` `&#x61;` (the `;` optional, as browsers read them), `&amp;`,
 * `%61`, `\u0061`, `\x61` and `\"`-style escapes. `+` is not read as a space: a token has none,
 * so in a URL-encoded copy `+` only ever stands for itself.
 */
const ENCODED =
  /&#(\d{1,7});?|&#[xX]([0-9a-fA-F]{1,6});?|&([a-zA-Z]{2,16});|%([0-9a-fA-F]{2})|\\u([0-9a-fA-F]{4})|\\x([0-9a-fA-F]{2})|\\([\\/"'`])/y;

function decoded(match: RegExpExecArray): string | undefined {
  const [, dec, hex, name, percent, unicode, byte, escaped] = match;
  if (name !== undefined) return Object.hasOwn(NAMED, name) ? NAMED[name] : undefined;
  if (escaped !== undefined) return escaped;
  const code = parseInt(dec ?? hex ?? percent ?? unicode ?? byte, dec !== undefined ? 10 : 16);
  return code <= 0x10ffff ? String.fromCodePoint(code) : undefined;
}

/** The view with one layer of encoding taken off, each character keeping its original span. */
function decode(view: View): View {
  const out: View = { text: '', from: [], to: [] };
  const parts: string[] = [];
  const { text } = view;
  for (let i = 0; i < text.length;) {
    let char = text[i];
    let length = 1;
    if (char === '&' || char === '%' || char === '\\') {
      ENCODED.lastIndex = i;
      const match = ENCODED.exec(text);
      const value = match ? decoded(match) : undefined;
      if (match && value !== undefined) {
        char = value;
        length = match[0].length;
      }
    }
    parts.push(char);
    for (let k = 0; k < char.length; k += 1) {
      out.from.push(view.from[i]);
      out.to.push(view.to[i + length - 1]);
    }
    i += length;
  }
  out.text = parts.join('');
  return out;
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

/** Spans [from, to] of the original text to take out, found in one view. */
function hits(view: View, runs: Map<number, Set<string>>, spans: [number, number][]): void {
  for (const [length, set] of runs) {
    for (let i = 0; i + length <= view.text.length; i += 1) {
      if (set.has(view.text.slice(i, i + length)))
        spans.push([view.from[i], view.to[i + length - 1]]);
    }
  }
}

/** A function that redacts the token from text; the identity when there is no token. */
export function redactorOf(token: unknown): (text: string) => string {
  const runs = runsOf(token);
  if (runs.size === 0) return (text) => text;
  return (text) => {
    const spans: [number, number][] = [];
    const offsets = Array.from({ length: text.length }, (_, i) => i);
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
