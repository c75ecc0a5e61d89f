// Mutation suite: valid signed deliveries, each changed in one way that matters (a byte of the
// body, a signed header, the Date, the endpoint URL, the key; the Keygen-Signature parameters'
// names, case and duplicates), optionally also reordered. Not one may verify. The verifier is
// called directly: at ~0.2 ms per ed25519 check, 12,000 mutations take a few seconds.
import fc from 'fast-check';
import { verifyDelivery, type DeliveryToVerify } from '../../keygen/signature';
import { deliveryFixtures } from '../helpers/fixtures';
import { makeAccountKeys, signDelivery, type AccountKeys } from '../helpers/keygen-signer';

const RUNS = 12_000;
const SIGNED_AT = new Date('2026-06-30T19:51:48Z');
const NOW = SIGNED_AT.getTime() + 30_000;

const keys = makeAccountKeys();
const stranger = makeAccountKeys();

interface Delivery {
  body: string;
  endpointUrl: string;
  /** Header name and value, in order; names as Zapier hands them over (`Http-` prefixed). */
  headers: [string, string][];
  keys: AccountKeys['meta'];
}

/** A few real deliveries, signed once (signing is the slow part). */
const VALID: Delivery[] = deliveryFixtures.slice(0, 8).map((f) => ({
  body: f.body,
  endpointUrl: f.endpointUrl,
  headers: Object.entries(
    signDelivery({ body: f.body, url: f.endpointUrl, keys, date: SIGNED_AT }),
  ),
  keys: keys.meta,
}));

const toVerify = (d: Delivery): DeliveryToVerify => ({
  body: d.body,
  endpointUrl: d.endpointUrl,
  headers: Object.fromEntries(d.headers),
  keys: d.keys,
  now: NOW,
});

function accepted(d: Delivery): boolean {
  try {
    verifyDelivery(toVerify(d));
    return true;
  } catch {
    return false;
  }
}

const SIGNATURE = 'Http-Keygen-Signature';
/** The headers the verifier reads, each with the fallback it would read in its absence. */
const SIGNED_HEADERS = [
  ['Http-Date', 'Http-Keygen-Date'],
  ['Http-Digest', 'Http-Keygen-Digest'],
  [SIGNATURE],
] as const;

const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();
const header = (d: Delivery, name: string) => d.headers.find(([n]) => same(n, name))![1];
const withHeader = (d: Delivery, name: string, value: string): Delivery => ({
  ...d,
  headers: d.headers.map(([n, v]) => [n, same(n, name) ? value : v]),
});

/** `text` with the character at `at` replaced by a different printable one (or any other). */
function replaceChar(text: string, at: number, by: string): string {
  const i = at % text.length;
  const other = by === text[i] ? String.fromCharCode(((by.charCodeAt(0) - 31) % 95) + 32) : by;
  return text.slice(0, i) + other + text.slice(i + 1);
}

const printable = fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c));
const anyChar = fc.oneof(printable, fc.constantFrom('\u00e9', '\u200b', '\n', '\u0000', '"', ','));
const index = fc.nat({ max: 1 << 20 });

type Mutation = (d: Delivery) => Delivery;

/** Any byte of the body, flipped by a non-zero mask; the body stays a (possibly odd) string. */
const bodyByte: fc.Arbitrary<Mutation> = fc
  .tuple(index, fc.integer({ min: 1, max: 255 }))
  .map(([at, mask]) => (d) => {
    const bytes = Buffer.from(d.body, 'utf8');
    bytes[at % bytes.length] ^= mask;
    return { ...d, body: bytes.toString('utf8') };
  });

const bodyEdit: fc.Arbitrary<Mutation> = fc.oneof(
  fc.tuple(index, anyChar).map(([at, c]): Mutation => (d) => ({
    ...d,
    body: d.body.slice(0, at % (d.body.length + 1)) + c + d.body.slice(at % (d.body.length + 1)),
  })),
  index.map((at): Mutation => (d) => ({
    ...d,
    body: d.body.slice(0, at % d.body.length) + d.body.slice((at % d.body.length) + 1),
  })),
  fc
    .tuple(index, anyChar)
    .map(([at, c]): Mutation => (d) => ({ ...d, body: replaceChar(d.body, at, c) })),
);

/**
 * A character of Date, Digest or Keygen-Signature changed (the fallback header too). The keyid
 * value is left alone: Keygen does not sign it and the verifier does not use it.
 */
const headerChar: fc.Arbitrary<Mutation> = fc
  .tuple(fc.constantFrom(...SIGNED_HEADERS), index, anyChar)
  .map(([names, at, c]) => (d) => {
    const original = header(d, names[0]);
    const keyid = names[0] === SIGNATURE ? /keyid="[^"]*"/.exec(original) : null;
    const start = keyid?.index ?? original.length;
    const end = keyid ? start + keyid[0].length : original.length;
    const rest = replaceChar(original.slice(0, start) + original.slice(end), at, c);
    const value = rest.slice(0, start) + original.slice(start, end) + rest.slice(start);
    return names.reduce((out, name) => withHeader(out, name, value), d);
  });

/** A signed header missing (with its fallback), or blank. */
const headerGone: fc.Arbitrary<Mutation> = fc
  .tuple(fc.constantFrom(...SIGNED_HEADERS), fc.boolean())
  .map(
    ([names, blank]) =>
      (d) =>
        blank
          ? names.reduce((out, name) => withHeader(out, name, ''), d)
          : { ...d, headers: d.headers.filter(([n]) => !names.some((name) => same(n, name))) },
  );

/** The Date moved by whole seconds: still a well-formed date, but not the one signed. */
const dateShift: fc.Arbitrary<Mutation> = fc
  .integer({ min: -3 * 86_400, max: 3 * 86_400 })
  .filter((s) => s !== 0)
  .map((seconds) => (d) => {
    const date = new Date(SIGNED_AT.getTime() + seconds * 1000).toUTCString();
    return withHeader(withHeader(d, 'Http-Date', date), 'Http-Keygen-Date', date);
  });

/** A character of the endpoint URL's host, path or query changed. */
const urlChar: fc.Arbitrary<Mutation> = fc.tuple(index, anyChar).map(([at, c]) => (d) => {
  const start = d.endpointUrl.indexOf('://') + 3;
  const rest = d.endpointUrl.slice(start);
  return { ...d, endpointUrl: d.endpointUrl.slice(0, start) + replaceChar(rest, at, c) };
});

/** The URL with a path segment added, dropped or the host swapped. */
const urlEdit: fc.Arbitrary<Mutation> = fc
  .constantFrom(
    (u: string) => `${u}x`,
    (u: string) => u.replace(/\/[^/]*\/?$/, '/'),
    (u: string) => u.replace('://', '://evil.example/'),
    (u: string) => u.replace(/:\/\/[^/]+/, '://hooks.zapier.com.evil.example'),
    (u: string) => `${u}?x=1`,
  )
  .map((edit) => (d) => ({ ...d, endpointUrl: edit(d.endpointUrl) }));

/** Another account's key, or a character of the key changed. */
const keyChange: fc.Arbitrary<Mutation> = fc.oneof(
  fc.constant<Mutation>((d) => ({ ...d, keys: stranger.meta })),
  fc.tuple(index, printable).map(([at, c]): Mutation => (d) => ({
    ...d,
    keys: { ...d.keys, ed25519: replaceChar(d.keys.ed25519, at, c) },
  })),
  fc.constant<Mutation>((d) => ({ ...d, keys: { ...d.keys, ed25519: stranger.meta.ed25519 } })),
);

interface Param {
  name: string;
  value: string;
}
const parseParams = (value: string): Param[] =>
  [...value.matchAll(/([A-Za-z][\w-]*)="([^"]*)"/g)].map(([, name, v]) => ({ name, value: v }));
const writeParams = (params: Param[], separator = ', ') =>
  params.map((p) => `${p.name}="${p.value}"`).join(separator);
const withParams = (d: Delivery, edit: (params: Param[]) => Param[]) =>
  withHeader(d, SIGNATURE, writeParams(edit(parseParams(header(d, SIGNATURE)))));

/** A signed parameter (not keyid, which is not signed) with a changed value. */
const paramValue: fc.Arbitrary<Mutation> = fc
  .tuple(fc.constantFrom('algorithm', 'signature', 'headers'), index, printable)
  .filter(([, , c]) => c !== '"')
  .map(
    ([name, at, c]) =>
      (d) =>
        withParams(d, (ps) =>
          ps.map((p) => (p.name === name ? { ...p, value: replaceChar(p.value, at, c) } : p)),
        ),
  );

/** A parameter name in another case, a duplicate (same or other case, same or other value), one missing. */
const paramShape: fc.Arbitrary<Mutation> = fc
  .tuple(
    fc.constantFrom('keyid', 'algorithm', 'signature', 'headers'),
    fc.nat(),
    fc.constantFrom('rename', 'duplicate', 'duplicate-case', 'drop'),
  )
  .map(
    ([name, seed, kind]) =>
      (d) =>
        withParams(d, (ps) => {
          const cased = (n: string) => {
            const i = seed % n.length;
            const ch = n[i].toUpperCase() === n[i] ? n[i].toLowerCase() : n[i].toUpperCase();
            return n.slice(0, i) + ch + n.slice(i + 1);
          };
          const p = ps.find((x) => x.name === name)!;
          switch (kind) {
            case 'rename':
              return ps.map((x) => (x === p ? { ...x, name: cased(x.name) } : x));
            case 'duplicate':
              return [...ps, { ...p }];
            case 'duplicate-case':
              return [{ ...p, name: cased(p.name) }, ...ps];
            default:
              return ps.filter((x) => x !== p);
          }
        }),
  );

/** Optional, before a mutation: parameters reordered, header names re-cased. Alone these change nothing. */
const reshuffle = fc.tuple(fc.nat(), fc.boolean()).map(([seed, recase]) => (d: Delivery) => {
  const signature = d.headers.find(([n]) => same(n, SIGNATURE))?.[1];
  const reordered =
    signature === undefined
      ? d
      : withHeader(
          d,
          SIGNATURE,
          writeParams(
            parseParams(signature)
              .map((p, i) => ({ p, k: (i * 7 + seed) % 11 }))
              .sort((a, b) => a.k - b.k)
              .map(({ p }) => p),
          ),
        );
  if (!recase) return reordered;
  return {
    ...reordered,
    headers: reordered.headers.map(([n, v]): [string, string] => [n.toLowerCase(), v]),
  };
});

const MUTATIONS = {
  bodyByte,
  bodyEdit,
  headerChar,
  headerGone,
  dateShift,
  urlChar,
  urlEdit,
  keyChange,
  paramValue,
  paramShape,
};

/** What a mutation changed, shortly, for a failure message. */
function difference(original: Delivery, sent: Delivery): string {
  const before = new Map(original.headers);
  const changed = sent.headers
    .filter(([n, v]) => before.get(n) !== v)
    .map(([n, v]) => `${n}: ${v}`);
  return JSON.stringify({
    body: original.body === sent.body ? 'same' : 'changed',
    url: sent.endpointUrl,
    headers: changed,
    key: sent.keys.ed25519,
  });
}

describe('mutation suite', () => {
  it('every unmutated delivery verifies, also reordered and with re-cased header names', () => {
    for (const d of VALID) expect(accepted(d)).toBe(true);
    fc.assert(
      fc.property(fc.constantFrom(...VALID), reshuffle, (d, shuffle) => {
        expect(accepted(shuffle(d))).toBe(true);
      }),
      { numRuns: 200, seed: 11 },
    );
  });

  it(`rejects all of ${RUNS} mutated deliveries`, () => {
    const counts = Object.fromEntries(Object.keys(MUTATIONS).map((k) => [k, 0]));
    let mutated = 0;
    fc.assert(
      fc.property(
        fc.constantFrom(...VALID),
        fc
          .constantFrom(...(Object.keys(MUTATIONS) as (keyof typeof MUTATIONS)[]))
          .chain((kind) => MUTATIONS[kind].map((mutate) => [kind, mutate] as const)),
        fc.option(reshuffle),
        (d, [kind, mutate], shuffle) => {
          // Reordered first, so the mutation is what differs from a valid delivery.
          const sent = mutate(shuffle ? shuffle(d) : d);
          counts[kind] += 1;
          mutated += 1;
          if (accepted(sent))
            throw new Error(`accepted a ${kind} mutation: ${difference(d, sent)}`);
        },
      ),
      { numRuns: RUNS, seed: 8 },
    );
    expect(mutated).toBeGreaterThanOrEqual(10_000);
    // Every kind of mutation was tried in earnest.
    for (const count of Object.values(counts)) expect(count).toBeGreaterThan(RUNS / 20);
  }, 120_000);
});
