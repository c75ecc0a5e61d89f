import { createHash, generateKeyPairSync } from 'node:crypto';
import fc from 'fast-check';
import {
  MAX_AGE_MS,
  MAX_SKEW_AHEAD_MS,
  SignatureError,
  headerValue,
  verifyDelivery,
  type DeliveryToVerify,
  type SignatureFailureReason,
} from '../../keygen/signature';
import {
  makeAccountKeys,
  signDelivery,
  type AccountKeys,
  type Algorithm,
} from '../helpers/keygen-signer';
import { deliveryFixtures } from '../helpers/fixtures';

const fixtures = deliveryFixtures;

const ALGORITHMS: Algorithm[] = ['ed25519', 'rsa-pss-sha256', 'rsa-sha256', 'ecdsa-p256'];
const ACCOUNT_ID = '4f3b1f52-7d3c-4a8e-9a43-0b5c2e6d7f10';
const URL = 'https://hooks.zapier.com/hooks/standard/1234567/0f1e2d3c4b5a69788796a5b4c3d2e1f0/';
const BODY = fixtures.find((f) => f.file.startsWith('license-created'))!.body;
// Whole seconds: the Date header has no milliseconds.
const SIGNED_AT = new Date('2026-06-30T19:51:48Z');
const NOW = SIGNED_AT.getTime() + 30_000;

// RSA key generation is slow: one account and one stranger for the whole file.
const keys: AccountKeys = makeAccountKeys();
const otherKeys: AccountKeys = makeAccountKeys();

function delivery(
  overrides: Partial<Omit<DeliveryToVerify, 'headers'>> = {},
  algorithm?: Algorithm,
) {
  const body = overrides.body ?? BODY;
  const endpointUrl = overrides.endpointUrl ?? URL;
  const headers = signDelivery({
    body,
    url: endpointUrl,
    keys,
    algorithm,
    date: SIGNED_AT,
    accountId: ACCOUNT_ID,
  });
  return { body, endpointUrl, headers, keys: keys.meta, now: NOW, ...overrides };
}

function without(headers: Record<string, string>, ...names: string[]) {
  return Object.fromEntries(Object.entries(headers).filter(([name]) => !names.includes(name)));
}

function withSignatureHeader(value: string) {
  const d = delivery();
  return { ...d, headers: { ...d.headers, 'Http-Keygen-Signature': value } };
}

function failure(input: DeliveryToVerify): SignatureError {
  try {
    verifyDelivery(input);
  } catch (error) {
    if (error instanceof SignatureError) return error;
    throw error;
  }
  throw new Error('expected verifyDelivery to throw a SignatureError');
}

function expectFailure(input: DeliveryToVerify, reason: SignatureFailureReason, message: RegExp) {
  const error = failure(input);
  expect(error.reason).toBe(reason);
  expect(error.message).toMatch(message);
}

const b64 = (text: string) => Buffer.from(text).toString('base64');

describe('valid deliveries', () => {
  describe.each(ALGORITHMS)('%s', (algorithm) => {
    test.each(fixtures.map((f) => [f.file, f] as const))('%s verifies', (_, fixture) => {
      const headers = signDelivery({
        body: fixture.body,
        url: fixture.endpointUrl,
        keys,
        algorithm,
        date: SIGNED_AT,
        accountId: ACCOUNT_ID,
      });
      const result = verifyDelivery({
        body: fixture.body,
        headers,
        endpointUrl: fixture.endpointUrl,
        keys: keys.meta,
        now: NOW,
      });
      expect(result).toEqual({ algorithm, keyId: ACCOUNT_ID, date: SIGNED_AT });
    });
  });

  test('the endpoint URL with a query string is signed with its query', () => {
    const fixture = fixtures.find((f) => f.file.startsWith('license-validation-succeeded'))!;
    expect(fixture.endpointUrl).toContain('?source=keygen&tenant=42');
    const d = delivery({ body: fixture.body, endpointUrl: fixture.endpointUrl });
    expect(verifyDelivery(d).algorithm).toBe('ed25519');
    expectFailure(
      { ...d, endpointUrl: fixture.endpointUrl.replace(/\?.*$/, '') },
      'bad-signature',
      /another URL/,
    );
  });

  test('the body digest is over UTF-8 bytes', () => {
    const body = '{"data":{"name":"Lizenz für Jürgen 🚀"}}';
    expect(verifyDelivery(delivery({ body })).keyId).toBe(ACCOUNT_ID);
  });

  test('now defaults to the current time and may be a Date', () => {
    const date = new Date(Math.floor(Date.now() / 1000) * 1000);
    const headers = signDelivery({ body: BODY, url: URL, keys, date });
    expect(verifyDelivery({ body: BODY, headers, endpointUrl: URL, keys: keys.meta }).date).toEqual(
      date,
    );
    expect(verifyDelivery({ ...delivery(), now: new Date(NOW) }).date).toEqual(SIGNED_AT);
  });

  test('the signature parameters may come in any order with any whitespace', () => {
    const d = delivery();
    const params = [...d.headers['Http-Keygen-Signature'].matchAll(/(\w+)="([^"]*)"/g)];
    const reordered = params
      .reverse()
      .map(([, name, value]) => ` ${name} =\t"${value}" `)
      .join(',');
    expect(verifyDelivery(withSignatureHeader(reordered)).keyId).toBe(ACCOUNT_ID);
    expect(
      verifyDelivery(
        withSignatureHeader(
          d.headers['Http-Keygen-Signature'].replace(
            'headers="(request-target) host date digest"',
            'headers="  (request-target)   host\tdate digest "',
          ),
        ),
      ).keyId,
    ).toBe(ACCOUNT_ID);
  });

  test('Keygen-Date and Keygen-Digest stand in for Date and Digest', () => {
    const d = delivery();
    expect(
      verifyDelivery({ ...d, headers: without(d.headers, 'Http-Date', 'Http-Digest') }).date,
    ).toEqual(SIGNED_AT);
  });
});

describe('header names', () => {
  test('Zapier form (Http- prefix) verifies', () => {
    const d = delivery();
    expect(Object.keys(d.headers)).toEqual(
      expect.arrayContaining(['Http-Keygen-Signature', 'Http-Date', 'Http-Digest', 'Content-Type']),
    );
    expect(verifyDelivery(d).keyId).toBe(ACCOUNT_ID);
  });

  test('lower-case plain names verify', () => {
    const headers = signDelivery({
      body: BODY,
      url: URL,
      keys,
      date: SIGNED_AT,
      zapierHeaders: false,
    });
    expect(headers).toHaveProperty('Keygen-Signature');
    const lower = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
    expect(verifyDelivery({ ...delivery(), headers: lower }).algorithm).toBe('ed25519');
  });

  test('mixed-case names verify', () => {
    const d = delivery();
    const mixed = {
      'HTTP-KEYGEN-SIGNATURE': d.headers['Http-Keygen-Signature'],
      'http-DaTe': d.headers['Http-Date'],
      DIGEST: d.headers['Http-Digest'],
    };
    expect(verifyDelivery({ ...d, headers: mixed }).algorithm).toBe('ed25519');
  });

  test('headerValue prefers the plain name, then the Http- form, and ignores non-strings', () => {
    const headers = { 'http-date': 'zapier', DATE: 'plain', 'X-N': 1 as unknown as string };
    expect(headerValue(headers, 'Date')).toBe('plain');
    expect(headerValue({ 'Http-Keygen-Date': 'k' }, 'keygen-date')).toBe('k');
    expect(headerValue(headers, 'x-n')).toBeUndefined();
    expect(headerValue(headers, 'Digest')).toBeUndefined();
  });
});

describe('failure reasons', () => {
  test('missing-signature', () => {
    const d = delivery();
    expectFailure(
      { ...d, headers: without(d.headers, 'Http-Keygen-Signature') },
      'missing-signature',
      /no Keygen-Signature header/,
    );
    expectFailure(withSignatureHeader('  '), 'missing-signature', /no Keygen-Signature/);
  });

  test.each([
    ['garbage', 'Signature abc', /not a list of name="value" pairs/],
    ['unquoted value', 'keyid=abc, algorithm="ed25519"', /not a list/],
    ['quote inside a value', 'keyid="a"b", algorithm="ed25519"', /not a list|missing a comma/],
    ['duplicate parameter', 'keyid="a", keyid="b"', /"keyid" twice/],
    ['trailing comma', 'keyid="a", algorithm="ed25519",', /ends with a comma/],
    ['missing comma', 'keyid="a" algorithm="ed25519"', /missing a comma/],
    ['missing parameters', 'keyid="a", algorithm="ed25519"', /lacks "signature", "headers"/],
    [
      'empty signature',
      `keyid="a", algorithm="ed25519", signature="", headers="(request-target) host date digest"`,
      /empty signature/,
    ],
    [
      'signature not base64',
      `keyid="a", algorithm="ed25519", signature="ab$d", headers="(request-target) host date digest"`,
      /not valid base64/,
    ],
    [
      'signature is base64url',
      `keyid="a", algorithm="ed25519", signature="ab-_", headers="(request-target) host date digest"`,
      /not valid base64/,
    ],
  ])('malformed-signature: %s', (_, header, message) => {
    expectFailure(withSignatureHeader(header), 'malformed-signature', message);
  });

  test('unsupported-algorithm', () => {
    const header = delivery().headers['Http-Keygen-Signature'];
    for (const algorithm of ['hmac-sha256', 'ED25519', 'constructor', '__proto__']) {
      expectFailure(
        withSignatureHeader(header.replace('algorithm="ed25519"', `algorithm="${algorithm}"`)),
        'unsupported-algorithm',
        new RegExp(`unsupported algorithm "${algorithm}"`),
      );
    }
  });

  test('unsigned-headers', () => {
    const header = delivery().headers['Http-Keygen-Signature'];
    for (const signed of ['date digest', '(request-target) host date', 'host date digest']) {
      expectFailure(
        withSignatureHeader(header.replace(/headers="[^"]*"/, `headers="${signed}"`)),
        'unsigned-headers',
        new RegExp(`covers "${signed.replace(/[()]/g, '\\$&')}"`),
      );
    }
  });

  test('missing-digest', () => {
    const d = delivery();
    expectFailure(
      { ...d, headers: without(d.headers, 'Http-Digest', 'Http-Keygen-Digest') },
      'missing-digest',
      /no Digest header/,
    );
  });

  test('digest-mismatch', () => {
    expectFailure({ ...delivery(), body: `${BODY} ` }, 'digest-mismatch', /body was altered/);
  });

  test('missing-date', () => {
    const d = delivery();
    expectFailure(
      { ...d, headers: without(d.headers, 'Http-Date', 'Http-Keygen-Date') },
      'missing-date',
      /no Date header/,
    );
  });

  test.each([
    'yesterday',
    '2026-06-30T19:51:48Z',
    'Tuesday, 30-Jun-26 19:51:48 GMT',
    'Tue, 30 Jun 2026 19:51:48 +0000',
    'Tue, 30 Jun 2026 25:61:48 GMT',
  ])('invalid-date: %s', (date) => {
    const d = delivery();
    expectFailure(
      { ...d, headers: { ...d.headers, 'Http-Date': date } },
      'invalid-date',
      /not an RFC 7231 date/,
    );
  });

  test('stale-date and future-date', () => {
    expectFailure(
      { ...delivery(), now: SIGNED_AT.getTime() + 2 * 3600_000 },
      'stale-date',
      /is 2h old; deliveries are accepted for 15m/,
    );
    expectFailure(
      { ...delivery(), now: SIGNED_AT.getTime() - 3600_000 },
      'future-date',
      /1h in the future; at most 5m/,
    );
  });

  test('an invalid now fails closed', () => {
    expectFailure({ ...delivery(), now: new Date(NaN) }, 'stale-date', /Date check failed/);
  });

  test('missing-key', () => {
    expectFailure({ ...delivery(), keys: {} }, 'missing-key', /signed with ed25519.*"ed25519"/);
    expectFailure(
      delivery({ keys: { ...keys.meta, rsa2048: null } }, 'rsa-pss-sha256'),
      'missing-key',
      /"rsa2048"/,
    );
    expectFailure(
      delivery({ keys: { ...keys.meta, ecdsa: '' } }, 'ecdsa-p256'),
      'missing-key',
      /"ecdsa"/,
    );
  });

  test.each<[Algorithm, Partial<AccountKeys['meta']>, RegExp]>([
    ['ed25519', { ed25519: b64('not hex at all') }, /64-digit hex/],
    ['ed25519', { ed25519: Buffer.alloc(32, 7).toString('base64') }, /64-digit hex/],
    [
      'rsa-sha256',
      { rsa2048: b64('-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----') },
      /cannot be imported/,
    ],
    ['rsa-pss-sha256', { rsa2048: keys.meta.ecdsa }, /is a ec key, not the expected rsa2048/],
    ['ecdsa-p256', { ecdsa: keys.meta.rsa2048 }, /is a rsa key, not the expected ecdsa/],
  ])('invalid-key: %s with %j', (algorithm, meta, message) => {
    expectFailure(delivery({ keys: { ...keys.meta, ...meta } }, algorithm), 'invalid-key', message);
  });

  test('invalid-key: an ECDSA key on another curve', () => {
    const { publicKey } = generateKeyPairSync('ec', {
      namedCurve: 'secp384r1',
    });
    const pem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
    expectFailure(
      delivery({ keys: { ...keys.meta, ecdsa: b64(pem) } }, 'ecdsa-p256'),
      'invalid-key',
      /not the expected ecdsa/,
    );
  });

  test.each(ALGORITHMS)('bad-signature: %s with another account’s keys', (algorithm) => {
    expectFailure(
      { ...delivery({}, algorithm), keys: otherKeys.meta },
      'bad-signature',
      new RegExp(
        `the ${algorithm} signature does not match this account's key for this endpoint URL`,
      ),
    );
  });

  test('bad-signature: a signature of the wrong length or encoding', () => {
    const header = delivery({}, 'ecdsa-p256').headers['Http-Keygen-Signature'];
    expectFailure(
      withSignatureHeader(header.replace(/signature="[^"]*"/, 'signature="AAAA"')),
      'bad-signature',
      /another URL, another account, or the content was altered/,
    );
  });

  test.each([
    'ftp://hooks.example.com/x',
    'hooks.example.com/x',
    '/hooks/standard/1/abc/',
    '',
    'https://',
    'https:///path',
    'https://host:port/x',
    'https://hooks.example.com/a b',
    'javascript:alert(1)',
  ])('invalid-endpoint-url: %j', (endpointUrl) => {
    expectFailure({ ...delivery(), endpointUrl }, 'invalid-endpoint-url', /endpoint URL saved/);
  });
});

describe('date tolerance', () => {
  const at = (ms: number) => ({ ...delivery(), now: SIGNED_AT.getTime() + ms });
  const sec = 1000;
  const min = 60 * sec;

  test('the exported tolerances are 15 minutes old and 5 minutes ahead', () => {
    expect(MAX_AGE_MS).toBe(15 * min);
    expect(MAX_SKEW_AHEAD_MS).toBe(5 * min);
  });

  test('14m59s old and exactly 15m old are accepted', () => {
    expect(verifyDelivery(at(14 * min + 59 * sec)).date).toEqual(SIGNED_AT);
    expect(verifyDelivery(at(15 * min)).date).toEqual(SIGNED_AT);
  });

  test('15m01s old is stale', () => {
    expectFailure(at(15 * min + sec), 'stale-date', /is 15m 1s old; .* accepted for 15m/);
  });

  test('4m59s ahead and exactly 5m ahead are accepted', () => {
    expect(verifyDelivery(at(-(4 * min + 59 * sec))).date).toEqual(SIGNED_AT);
    expect(verifyDelivery(at(-5 * min)).date).toEqual(SIGNED_AT);
  });

  test('5m01s ahead is in the future', () => {
    expectFailure(at(-(5 * min + sec)), 'future-date', /is 5m 1s in the future; at most 5m/);
  });
});

describe('endpoint URL, split as Ruby URI does', () => {
  // Signed for one URL, verified with the URL stored at subscribe time.
  const verifies = (signedFor: string, stored: string) => {
    const headers = signDelivery({ body: BODY, url: signedFor, keys, date: SIGNED_AT });
    return () =>
      verifyDelivery({ body: BODY, headers, endpointUrl: stored, keys: keys.meta, now: NOW });
  };

  test('the reference example: port, userinfo and fragment are not signed; case and escapes kept', () => {
    expect(
      verifies(
        'https://Hooks.Example.COM/Path/%7Efoo?x=1',
        'https://user:pw@Hooks.Example.COM:8443/Path/%7Efoo?x=1#f',
      ),
    ).not.toThrow();
  });

  test('the port is ignored', () => {
    expect(
      verifies('https://hooks.example.com/x', 'https://hooks.example.com:8443/x'),
    ).not.toThrow();
  });

  test('the host keeps its case: Keygen signs the URL exactly as we registered it', () => {
    expect(verifies('https://Hooks.Example.COM/x', 'https://Hooks.Example.COM/x')).not.toThrow();
    // A stored URL that differs from the registered one only in case is another URL to Keygen.
    expect(verifies('https://Hooks.Example.COM/x', 'https://hooks.example.com/x')).toThrow(
      /another URL/,
    );
  });

  test('the path keeps its case and escapes', () => {
    expect(
      verifies('https://h.example.com/Path/%7Efoo', 'https://h.example.com/Path/~foo'),
    ).toThrow(/another URL/);
    expect(verifies('https://h.example.com/Path', 'https://h.example.com/path')).toThrow(
      /another URL/,
    );
  });

  test('the query is included', () => {
    expect(verifies('https://h.example.com/x?a=1', 'https://h.example.com/x?a=1')).not.toThrow();
    expect(verifies('https://h.example.com/x?a=1', 'https://h.example.com/x?a=2')).toThrow(
      /another URL/,
    );
    expect(verifies('https://h.example.com/x?a=1', 'https://h.example.com/x')).toThrow(
      /another URL/,
    );
  });

  test('an empty query is not signed', () => {
    expect(verifies('https://h.example.com/x', 'https://h.example.com/x?')).not.toThrow();
    expect(verifies('https://h.example.com/x', 'https://h.example.com/x?#frag')).not.toThrow();
  });

  test('the fragment is dropped', () => {
    expect(
      verifies('https://h.example.com/x?a=1', 'https://h.example.com/x?a=1#top'),
    ).not.toThrow();
    expect(verifies('https://h.example.com/x', 'https://h.example.com/x#a?b=1')).not.toThrow();
  });

  test('an empty path is signed as /', () => {
    expect(verifies('https://h.example.com/', 'https://h.example.com')).not.toThrow();
    expect(verifies('https://h.example.com/?a=1', 'https://h.example.com?a=1')).not.toThrow();
    expect(verifies('https://h.example.com/a', 'https://h.example.com')).toThrow(/another URL/);
  });

  test('the scheme is not signed and may be http', () => {
    expect(verifies('https://h.example.com/x', 'HTTP://h.example.com/x')).not.toThrow();
  });
});

describe('properties', () => {
  const algorithm = fc.constantFrom(...ALGORITHMS);
  const signed = (alg: Algorithm, url = URL) =>
    signDelivery({ body: BODY, url, keys, algorithm: alg, date: SIGNED_AT });
  const base = (alg: Algorithm) => ({
    body: BODY,
    headers: signed(alg),
    endpointUrl: URL,
    keys: keys.meta,
    now: NOW,
  });
  const rejects = (input: DeliveryToVerify) => {
    expect(() => verifyDelivery(input)).toThrow(SignatureError);
  };

  test('a different body is rejected, even with a matching Digest', () => {
    fc.assert(
      fc.property(
        algorithm,
        fc.string({ unit: 'grapheme' }).filter((b) => b !== BODY),
        (alg, body) => {
          const d = base(alg);
          expect(failure({ ...d, body }).reason).toBe('digest-mismatch');
          const digest = `sha-256=${createHash('sha256').update(body).digest('base64')}`;
          expect(
            failure({ ...d, body, headers: { ...d.headers, 'Http-Digest': digest } }).reason,
          ).toBe('bad-signature');
        },
      ),
      { numRuns: 60 },
    );
  });

  test('any other valid Date inside the tolerance is rejected', () => {
    const offset = fc
      .integer({ min: -MAX_SKEW_AHEAD_MS / 1000 + 1, max: MAX_AGE_MS / 1000 - 1 })
      // Every second but the one Keygen signed (NOW is 30 s after it).
      .filter((s) => NOW - s * 1000 !== SIGNED_AT.getTime());
    fc.assert(
      fc.property(algorithm, offset, (alg, seconds) => {
        const d = base(alg);
        const date = new Date(NOW - seconds * 1000).toUTCString();
        expect(date).not.toBe(d.headers['Http-Date']);
        const error = failure({ ...d, headers: { ...d.headers, 'Http-Date': date } });
        expect(error.reason).toBe('bad-signature');
      }),
      { numRuns: 60 },
    );
  });

  test('any other endpoint host, path or query is rejected', () => {
    const segment = fc.stringMatching(/^[A-Za-z0-9._~%-]{1,8}$/);
    const endpoint = fc.record({
      host: fc.oneof(fc.domain(), fc.constant('hooks.zapier.com')),
      path: fc.array(segment, { maxLength: 4 }).map((s) => `/${s.join('/')}`),
      query: fc.option(fc.stringMatching(/^[a-z0-9=&]{1,10}$/), { nil: undefined }),
    });
    const original = { host: 'hooks.zapier.com', path: new globalThis.URL(URL).pathname };
    fc.assert(
      fc.property(
        algorithm,
        endpoint.filter(
          (e) => e.host !== original.host || e.path !== original.path || e.query !== undefined,
        ),
        (alg, e) => {
          const endpointUrl = `https://${e.host}${e.path}${e.query === undefined ? '' : `?${e.query}`}`;
          expect(failure({ ...base(alg), endpointUrl }).reason).toBe('bad-signature');
        },
      ),
      { numRuns: 80 },
    );
  });

  test('a flipped signature bit or another account’s keys are rejected', () => {
    fc.assert(
      fc.property(algorithm, fc.nat(), fc.integer({ min: 0, max: 7 }), (alg, at, bit) => {
        const d = base(alg);
        rejects({ ...d, keys: otherKeys.meta });
        const header = d.headers['Http-Keygen-Signature'];
        const sig = Buffer.from(/signature="([^"]*)"/.exec(header)![1], 'base64');
        sig[at % sig.length] ^= 1 << bit;
        const tampered = header.replace(
          /signature="[^"]*"/,
          `signature="${sig.toString('base64')}"`,
        );
        rejects({ ...d, headers: { ...d.headers, 'Http-Keygen-Signature': tampered } });
      }),
      { numRuns: 60 },
    );
  });

  // Anything that is not a verified delivery must surface as a SignatureError, never a TypeError.
  const onlySignatureErrors = (input: DeliveryToVerify) => {
    try {
      verifyDelivery(input);
    } catch (error) {
      if (!(error instanceof SignatureError)) throw error;
    }
  };

  test('garbage header maps only ever raise SignatureError', () => {
    const name = fc.oneof(
      fc.constantFrom(
        'Http-Keygen-Signature',
        'keygen-signature',
        'Http-Date',
        'date',
        'Http-Keygen-Date',
        'Http-Digest',
        'digest',
        '__proto__',
        'constructor',
        'toString',
      ),
      fc.string(),
    );
    const value = fc.oneof(fc.string(), fc.constant(undefined), fc.anything());
    fc.assert(
      // Merged over a valid delivery's headers too, so garbage also reaches the later checks.
      fc.property(fc.dictionary(name, value), fc.boolean(), (garbage, merge) => {
        const d = base('ed25519');
        const headers = (merge ? { ...d.headers, ...garbage } : garbage) as Record<
          string,
          string | undefined
        >;
        onlySignatureErrors({ ...d, headers });
        expect(['undefined', 'string']).toContain(typeof headerValue(headers, 'Keygen-Signature'));
      }),
      { numRuns: 300 },
    );
  });

  test('garbage Keygen-Signature values only ever raise SignatureError', () => {
    const paramName = fc.oneof(
      fc.constantFrom('keyid', 'algorithm', 'signature', 'headers', '__proto__', 'constructor'),
      fc.string(),
    );
    const paramValue = fc.oneof(
      fc.constantFrom(...ALGORITHMS, '(request-target) host date digest', '', 'AAAA', '===='),
      fc.base64String(),
      fc.string(),
    );
    const structured = fc
      .tuple(
        fc.array(fc.tuple(paramName, paramValue), { maxLength: 6 }),
        fc.constantFrom(',', ', ', ' ,', ''),
      )
      .map(([params, sep]) => params.map(([n, v]) => `${n}="${v}"`).join(sep));
    fc.assert(
      fc.property(
        algorithm,
        fc.oneof(fc.string(), structured),
        fc.oneof(
          fc.constant(keys.meta),
          fc.record({ ed25519: fc.string(), rsa2048: fc.string(), ecdsa: fc.base64String() }),
        ),
        fc.oneof(fc.constant(URL), fc.string(), fc.webUrl()),
        (alg, header, meta, endpointUrl) => {
          const d = base(alg);
          onlySignatureErrors({
            ...d,
            keys: meta,
            endpointUrl,
            headers: { ...d.headers, 'Http-Keygen-Signature': header },
          });
        },
      ),
      { numRuns: 300 },
    );
  });
});
