// Plain text for people reading a terminal: tables and prose fitted to a width, and values
// printed so that nothing they hold can steer the terminal.

/** The width `npm start` and `npm run inspect` fit their output to. */
export const WIDTH = 120;

// C0 and C1 controls, DEL, and the bidirectional overrides and isolates that reorder what a
// terminal shows: a saved delivery may hold any of them.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;
const NAMED: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

function escaped(char: string): string {
  const code = char.charCodeAt(0);
  return (
    NAMED[char] ??
    (code < 0x100 ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16)}`)
  );
}

/** Every control character as an escape (`\x1b`, `\n`, `\u202e`); `keep` lists ones to leave. */
export function escapeControls(text: string, keep = ''): string {
  return text.replace(CONTROL, (char) => (keep.includes(char) ? char : escaped(char)));
}

// What JSON.stringify leaves unescaped of CONTROL (it escapes U+0000–U+001F itself).
const RAW_IN_JSON = /[\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/** JSON text with the control characters JSON.stringify leaves raw as \u escapes: the same JSON. */
export function terminalSafeJson(json: string): string {
  return json.replace(
    RAW_IN_JSON,
    (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

/** `text` cut to `max` characters by an ellipsis in the middle, so both ends stay readable. */
export function shorten(text: string, max: number): string {
  if (text.length <= max) return text;
  const chars = Array.from(text);
  if (chars.length <= max) return text;
  const head = Math.ceil((max - 1) / 2);
  return `${chars.slice(0, head).join('')}…${chars.slice(chars.length - (max - 1 - head)).join('')}`;
}

export function cell(value: unknown): string {
  const text =
    value === null || value === undefined
      ? '—'
      : typeof value === 'string'
        ? value
        : JSON.stringify(value);
  return escapeControls(text);
}

/**
 * Column widths that fit `width` once separated: the widest columns are narrowed to one level
 * (never below `floor`), the others keep their natural width.
 */
function fitted(natural: readonly number[], width: number, floor = 10): number[] {
  let budget = width - 2 * (natural.length - 1);
  const total = natural.reduce((sum, w) => sum + w, 0);
  if (total <= budget) return [...natural];
  const order = natural.map((w, i) => [w, i] as const).sort((a, b) => a[0] - b[0]);
  const widths = [...natural];
  for (let k = 0; k < order.length; k++) {
    const [w, i] = order[k];
    const share = Math.max(floor, Math.floor(budget / (order.length - k)));
    widths[i] = Math.min(w, share);
    budget -= widths[i];
  }
  return widths;
}

/**
 * Rows under a header line, fitted to `width`: a value too long for its column is shortened in
 * the middle. Columns default to the keys of the rows, in order of appearance.
 */
export function table(
  rows: readonly Record<string, unknown>[],
  columns?: readonly string[],
  width = WIDTH,
): string {
  const names = columns ?? [...new Set(rows.flatMap((row) => Object.keys(row)))];
  if (names.length === 0) return '';
  const cells = rows.map((row) => names.map((name) => cell(row[name])));
  const header = names.map((name) => cell(name));
  // A loop, not Math.max(...column): a spread of many rows overflows the call stack.
  const natural = header.map((name, i) => {
    let widest = name.length;
    for (const row of cells) widest = Math.max(widest, row[i].length);
    return widest;
  });
  const widths = fitted(natural, width);
  const line = (values: readonly string[]) =>
    values
      .map((v, i) => shorten(v, widths[i]).padEnd(widths[i]))
      .join('  ')
      .trimEnd();
  const lines = [line(header), line(widths.map((w) => '-'.repeat(w)))];
  for (const row of cells) lines.push(line(row));
  return lines.join('\n');
}

/** One record as a two-column field/value table. */
export function fieldTable(record: Record<string, unknown>, keys?: readonly string[]): string {
  const chosen = keys ?? Object.keys(record);
  return table(
    chosen.filter((key) => key in record).map((key) => ({ field: key, value: record[key] })),
    ['field', 'value'],
  );
}

/** Prose wrapped at spaces to `width`, continuation lines indented by `indent` spaces. */
export function wrap(text: string, indent = 2, width = WIDTH): string {
  const lines: string[] = [];
  let current = '';
  for (const word of text.split(' ')) {
    const candidate = current === '' ? word : `${current} ${word}`;
    if (candidate.length <= width || current.trim() === '') current = candidate;
    else {
      lines.push(current);
      current = `${' '.repeat(indent)}${word}`;
    }
  }
  lines.push(current);
  return lines.join('\n');
}
