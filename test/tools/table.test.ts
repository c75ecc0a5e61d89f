// The terminal text of `npm start` and `npm run inspect` (tools/sandbox/table.ts): tables and prose
// fitted to a width, long values shortened in the middle, control characters escaped.
import fc from 'fast-check';
import {
  escapeControls,
  fieldTable,
  shorten,
  table,
  terminalSafeJson,
  wrap,
} from '../../tools/sandbox/table';

const columns = (line: string) => Array.from(line).length;

describe('shorten', () => {
  test('keeps both ends around one ellipsis', () => {
    const token = '24730c6f29eeca480eaf2b22ba006fb08057cab1ea086352e27d65c9e34ecdv3';
    expect(shorten(token, 17)).toBe('24730c6f…e34ecdv3');
    expect(shorten('short', 17)).toBe('short');
  });

  test('any text fits, and a text that fits is left alone', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), fc.integer({ min: 3, max: 40 }), (text, max) => {
        const short = shorten(text, max);
        const length = Array.from(text).length;
        if (length <= max) expect(short).toBe(text);
        else {
          expect(columns(short)).toBe(max);
          expect(short).toContain('…');
        }
      }),
      { numRuns: 200 },
    );
  });
});

describe('table', () => {
  test('a table wider than 120 columns is fitted, the widest columns narrowed first', () => {
    const rows = [
      {
        zap: 'license_created',
        event: 'license.created',
        token: 'a'.repeat(64),
        url: 'u'.repeat(60),
      },
    ];
    const lines = table(rows).split('\n');
    expect(lines.map(columns)).toEqual([expect.any(Number), 120, 120]);
    // Short columns keep their width; the long ones share what is left.
    expect(lines[2]).toMatch(/^license_created {2}license\.created {2}a+…a+ +u+…u+$/);
  });

  test('every line of a fitted table is at most the width, whatever the values', () => {
    const row = fc.dictionary(
      fc.constantFrom('a', 'bb', 'ccc', 'dddd'),
      fc.oneof(fc.string({ maxLength: 200 }), fc.integer(), fc.constant(null)),
    );
    fc.assert(
      fc.property(fc.array(row, { minLength: 1, maxLength: 6 }), (rows) => {
        for (const line of table(rows).split('\n')) expect(columns(line)).toBeLessThanOrEqual(120);
      }),
      { numRuns: 100 },
    );
  });

  test('a table of 300,000 rows (a column is never spread into a call)', () => {
    const record = Object.fromEntries(Array.from({ length: 300_000 }, (_, i) => [`k${i}`, i]));
    const text = fieldTable(record);
    expect(text.split('\n')).toHaveLength(300_002);
    expect(text).toMatch(/\nk299999 +299999$/);
  }, 60_000);

  test('values print their control characters escaped', () => {
    expect(table([{ name: 'a\u001b[2Jb\nc\u009b\u202e' }])).toContain('a\\x1b[2Jb\\nc\\x9b\\u202e');
  });
});

describe('control characters', () => {
  test('escapeControls: C0, DEL, C1 and bidi controls escaped, printable text kept', () => {
    expect(escapeControls('\u0007\u001b\u007f\u0085\u200f\u2066 ok é ✓')).toBe(
      '\\x07\\x1b\\x7f\\x85\\u200f\\u2066 ok é ✓',
    );
    expect(escapeControls('line\nnext\r', '\n')).toBe('line\nnext\\r');
  });

  test('terminalSafeJson leaves the same JSON with no raw control character', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.string({ unit: 'binary' }), (value, text) => {
        const json = terminalSafeJson(JSON.stringify({ value, text }));
        // eslint-disable-next-line no-control-regex
        expect(json).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/);
        expect(JSON.parse(json)).toEqual(JSON.parse(JSON.stringify({ value, text })));
      }),
      { numRuns: 200 },
    );
  });
});

test('wrap breaks prose at spaces within the width, continuation lines indented', () => {
  const text = Array.from({ length: 60 }, (_, i) => `word${i}`).join(' ');
  const lines = wrap(text, 2, 40).split('\n');
  expect(lines.length).toBeGreaterThan(1);
  for (const line of lines) expect(columns(line)).toBeLessThanOrEqual(40);
  expect(lines.slice(1).every((line) => line.startsWith('  word'))).toBe(true);
  expect(lines.join(' ').replace(/ +/g, ' ')).toBe(text);
});
