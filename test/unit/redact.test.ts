// The token never leaves in a message, whole or cut short, as typed or encoded the ways an error
// page or a JSON body quotes it.
import fc from 'fast-check';
import { RUN, redactorOf } from '../../keygen/redact';

const TOKEN = 'admin-5f3c9a0e7d2b.4c6a8e1f0b9d7c5a3e1f2d4b6c8a0e9f7d5b3c1a2e4f6d8b0c9a_v3';

/** Every run of RUN characters of the token: none may be left in redacted text. */
function runsLeft(text: string, token: string): string[] {
  const left: string[] = [];
  for (let i = 0; i + RUN <= token.length; i += 1) {
    if (text.includes(token.slice(i, i + RUN))) left.push(token.slice(i, i + RUN));
  }
  return left;
}

const decimal = (s: string) => [...s].map((c) => `&#${c.codePointAt(0)};`).join('');
const hex = (s: string) => [...s].map((c) => `&#x${c.codePointAt(0)!.toString(16)};`).join('');
const percent = (s: string) =>
  [...s].map((c) => `%${c.codePointAt(0)!.toString(16).padStart(2, '0')}`).join('');

/** A copy of the token in each form a server's answer may quote it. */
const ENCODINGS: Record<string, (s: string) => string> = {
  plain: (s) => s,
  'HTML decimal references': decimal,
  'HTML hex references': hex,
  'HTML references without ;': (s) => [...s].map((c) => `&#${c.codePointAt(0)}`).join(''),
  'HTML references with leading zeros': (s) =>
    [...s]
      .map((c, i) => {
        const code = c.codePointAt(0)!;
        return i % 2 ? `&#x0000${code.toString(16)};` : `&#00000000${code};`;
      })
      .join(''),
  'the first letter as an entity': (s) => `&#${s.codePointAt(0)};${s.slice(1)}`,
  'named entities for punctuation': (s) =>
    s.replace(/[._!*]/g, (c) => `&${{ '.': 'period', _: 'lowbar', '!': 'excl', '*': 'ast' }[c]};`),
  'percent-encoded': percent,
  'percent-encoded, upper case': (s) => percent(s).toUpperCase(),
  'form-encoded (+ for a space)': (s) => encodeURIComponent(s).replace(/%20/g, '+'),
  'JSON \\u escapes': (s) =>
    [...s].map((c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`).join(''),
  'percent-encoded HTML': (s) => percent(decimal(s)),
  'HTML-escaped percent-encoding': (s) => percent(s).replace(/%/g, '&percnt;'),
  'double percent-encoding': (s) => percent(percent(s)),
};

describe('redactorOf', () => {
  const redact = redactorOf(TOKEN);

  it.each(Object.entries(ENCODINGS))(
    'takes out the token %s, whole and cut short',
    (_name, encode) => {
      for (const copy of [
        TOKEN,
        TOKEN.slice(0, RUN),
        TOKEN.slice(20, 20 + RUN + 3),
        TOKEN.slice(-RUN),
      ]) {
        const text = `<p>Token ${encode(copy)} is not valid</p>`;
        const out = redact(text);
        expect(out).toBe('<p>Token [redacted] is not valid</p>');
      }
    },
  );

  it('leaves shorter runs of the token, and text around it, as they are', () => {
    const short = TOKEN.slice(10, 10 + RUN - 1);
    expect(redact(`id ${short} here`)).toBe(`id ${short} here`);
    expect(redact(`a &amp; b %zz &#xZZ; \\q ${percent(short)}`)).toBe(
      `a &amp; b %zz &#xZZ; \\q ${percent(short)}`,
    );
    expect(redact(`Bearer ${TOKEN}, again ${TOKEN}.`)).toBe('Bearer [redacted], again [redacted].');
  });

  it('takes out each piece of a token pasted with an invisible character inside', () => {
    const pasted = `${TOKEN.slice(0, 30)}\u200b${TOKEN.slice(30)}`;
    expect(redactorOf(pasted)(`a ${TOKEN.slice(2, 28)} b ${TOKEN.slice(31)}`)).toBe(
      'a [redacted] b [redacted]',
    );
  });

  it('takes out a short token only whole, and leaves text alone without a token', () => {
    expect(redactorOf('abcdef')('x abcdef y abcde')).toBe('x [redacted] y abcde');
    expect(redactorOf(undefined)(`Bearer ${TOKEN}`)).toBe(`Bearer ${TOKEN}`);
    expect(redactorOf('  ab ')('ab')).toBe('ab');
  });

  it('is linear in the length of the text', () => {
    const page = `<html>${'&#97;%41\\u0041 lorem ipsum '.repeat(8_000)}</html>`;
    const start = performance.now();
    expect(redact(page)).toBe(page);
    // ~200 kB full of encoded characters: ~0.2 s on a busy machine; a quadratic scan takes minutes.
    expect(performance.now() - start).toBeLessThan(5_000);
  }, 20_000);

  it('never leaves RUN characters of a token, whatever the token, encoding, slice and text', () => {
    const tokenChar = fc.constantFrom(...'abcdef0123456789-_ABCDEFXYZ.~!*'.split(''));
    // Text around a copy: none of the characters that start or continue an encoded one.
    const filler = fc.string({
      unit: fc.constantFrom(...'ghijklmnopqrstuvw <>/="'.split('')),
      maxLength: 40,
    });
    fc.assert(
      fc.property(
        fc.string({ unit: tokenChar, minLength: 16, maxLength: 80 }),
        fc.array(
          fc.record({
            encoding: fc.constantFrom(...Object.keys(ENCODINGS)),
            start: fc.nat(),
            length: fc.integer({ min: RUN, max: 80 }),
            before: filler,
            after: filler,
          }),
          { minLength: 1, maxLength: 4 },
        ),
        (token, copies) => {
          const text = copies
            .map(({ encoding, start, length, before, after }) => {
              const from = start % (token.length - RUN + 1);
              return `${before}${ENCODINGS[encoding](token.slice(from, from + length))}${after}`;
            })
            .join(' ');
          const out = redactorOf(token)(text);
          // Decoded as a browser or a URL parser would, the output still holds no run of it.
          for (const view of [out, decodeAll(out)]) expect(runsLeft(view, token)).toEqual([]);
        },
      ),
      { numRuns: 150 },
    );
  });
});

/** The text with every encoding above taken off, as often as it changes. */
function decodeAll(text: string): string {
  let out = text;
  for (let i = 0; i < 4; i += 1) {
    const next = out
      .replace(/&#x([0-9a-f]+);?/gi, (_, h: string) => String.fromCodePoint(parseInt(h, 16)))
      .replace(/&#(\d+);?/g, (_, d: string) => String.fromCodePoint(Number(d)))
      .replace(/&percnt;/g, '%')
      .replace(/\\u([0-9a-f]{4})/gi, (_, h: string) => String.fromCharCode(parseInt(h, 16)))
      .replace(/%([0-9a-f]{2})/gi, (_, h: string) => String.fromCharCode(parseInt(h, 16)));
    if (next === out) break;
    out = next;
  }
  return out;
}
