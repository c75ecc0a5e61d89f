// Plain-text tables for people reading a terminal.

export function cell(value: unknown, max = 64): string {
  const text =
    value === null || value === undefined
      ? '—'
      : typeof value === 'string'
        ? value
        : JSON.stringify(value);
  const flat = text.replace(/\s+/g, ' ');
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

/** Rows under a header line; columns default to the keys of the rows, in order of appearance. */
export function table(
  rows: readonly Record<string, unknown>[],
  columns?: readonly string[],
  maxCell?: number,
): string {
  const names = columns ?? [...new Set(rows.flatMap((row) => Object.keys(row)))];
  if (names.length === 0) return '';
  const cells = rows.map((row) => names.map((name) => cell(row[name], maxCell)));
  const widths = names.map((name, i) => Math.max(name.length, ...cells.map((r) => r[i].length)));
  const line = (values: readonly string[]) =>
    values
      .map((v, i) => v.padEnd(widths[i]))
      .join('  ')
      .trimEnd();
  return [line(names), line(widths.map((w) => '-'.repeat(w))), ...cells.map(line)].join('\n');
}

/** One record as a two-column field/value table. */
export function fieldTable(record: Record<string, unknown>, keys?: readonly string[]): string {
  const chosen = keys ?? Object.keys(record);
  return table(
    chosen.filter((key) => key in record).map((key) => ({ field: key, value: record[key] })),
    ['field', 'value'],
    // One value per line: room for a whole label or key.
    120,
  );
}
