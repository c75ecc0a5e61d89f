// Input and payload edge cases that used to be passed on silently changed, or thrown as a stack
// trace: each is now either kept exactly or refused with a message saying what to fix.
import fc from 'fast-check';
import type { Bundle, ZObject } from 'zapier-platform-core';
import { flattenResource, MAX_FLAT_DEPTH, TOO_DEEP } from '../../keygen/normalize';
import { SignatureError, verifyDelivery } from '../../keygen/signature';
import { jsonValue } from '../../steps/values';
import {
  App,
  JSON_API,
  appTester,
  at,
  authData,
  keygenApi,
  unmatched,
  runCreate,
  LICENSE_ID,
} from '../helpers/app';
import { caught } from '../helpers/errors';
import { fixture } from '../helpers/fixtures';
import { makeAccountKeys, signDelivery } from '../helpers/keygen-signer';

type Perform = (z: ZObject, bundle: Bundle) => Promise<unknown>;
const triggers = App.triggers as unknown as Record<string, { operation: { perform: Perform } }>;
const run = runCreate;

const license = { data: { id: LICENSE_ID, type: 'licenses', attributes: { metadata: {} } } };

/** A JSON number as someone may type it: sign, up to `maxDigits` digits, fraction, exponent. */
function typedNumber(maxDigits: number) {
  const digits = fc.string({
    unit: fc.constantFrom(...'0123456789'),
    minLength: 1,
    maxLength: maxDigits,
  });
  return fc
    .tuple(fc.boolean(), digits, fc.option(digits), fc.option(fc.integer({ min: -400, max: 400 })))
    .map(([negative, whole, fraction, exponent]) => {
      const int = whole.replace(/^0+(?=\d)/, '');
      return `${negative ? '-' : ''}${int}${fraction === null ? '' : `.${fraction}`}${exponent === null ? '' : `e${exponent}`}`;
    });
}

describe('metadata numbers are sent exactly as typed, or as text', () => {
  it.each([
    ['1e400', '1e400'],
    ['-1e400', '-1e400'],
    ['9007199254740993.0', '9007199254740993.0'],
    ['9007199254740993', '9007199254740993'],
    ['0.1000000000000000055511151231257827', '0.1000000000000000055511151231257827'],
    ['12345678901234567890', '12345678901234567890'],
    ['1.00000000000000001', '1.00000000000000001'],
    ['3', 3],
    ['3.0', 3],
    ['-0.5', -0.5],
    ['0.1', 0.1],
    ['1e3', 1000],
    ['2.5E-3', 0.0025],
    ['9007199254740991', 9007199254740991],
    ['1e21', 1e21],
  ])('%s is sent as %j', async (typed, sent) => {
    keygenApi()
      .post(at('/licenses'), (body) => {
        expect(body.data.attributes.metadata).toEqual({ value: sent });
        return true;
      })
      .reply(201, license, JSON_API);
    await run('create_license', { policy: 'policy-1', metadata: { value: typed } });
  });

  it('property: a number typed in any JSON form is sent as a number only if it means the same value', () => {
    const typed = typedNumber(25);
    fc.assert(
      fc.property(typed, (text) => {
        const value = jsonValue(text);
        if (typeof value === 'number') {
          // What goes out, read back the way Keygen reads JSON, is the number typed.
          expect(Number.isFinite(value)).toBe(true);
          expect(JSON.parse(JSON.stringify(value)) === Number(text)).toBe(true);
          expect(exactly(JSON.stringify(value), text)).toBe(true);
        } else {
          expect(value).toBe(text);
          expect(exactly(JSON.stringify(Number(text)), text)).toBe(false);
        }
      }),
      { numRuns: 2000, seed: 8 },
    );
  });

  it('says in the help text that such numbers stay text', () => {
    const field = (
      App.creates.create_license.operation.inputFields as { key: string; helpText?: string }[]
    ).find((f) => f.key === 'metadata');
    expect(field?.helpText).toContain('A number that cannot be stored exactly');
    expect(field?.helpText).toContain('stays text so it is never rounded');
  });
});

describe('metadata numbers inside JSON objects and lists are kept exactly too', () => {
  it.each([
    ['{"id":12345678901234567890}', '{"id":12345678901234567890}'],
    ['[9007199254740993]', '[9007199254740993]'],
    ['{"a":{"b":1e400}}', '{"a":{"b":1e400}}'],
    ['{"a":[1,2,{"b":-1e400}]}', '{"a":[1,2,{"b":-1e400}]}'],
    ['{"ok":3,"big":1.00000000000000001}', '{"ok":3,"big":1.00000000000000001}'],
    [' {"id": "12345678901234567890"} ', { id: '12345678901234567890' }],
    [
      '{"n":[1.5,2e3,-0.25],"s":"9007199254740993"}',
      { n: [1.5, 2000, -0.25], s: '9007199254740993' },
    ],
    ['{"plan":{"tier":"pro","seats":3}}', { plan: { tier: 'pro', seats: 3 } }],
    ['[]', []],
    ['{"a":1,"a":2}', '{"a":1,"a":2}'],
    ['[{"b":{"c":1}},{"b":{"c":1,"c":1}}]', '[{"b":{"c":1}},{"b":{"c":1,"c":1}}]'],
    [
      '{"a":"x:y","b":"\\":","c":{"__proto__":1}}',
      { a: 'x:y', b: '":', c: JSON.parse('{"__proto__":1}') },
    ],
  ])('%s is sent as %j', async (typed, sent) => {
    keygenApi()
      .post(at('/licenses'), (body) => {
        expect(body.data.attributes.metadata).toEqual({ value: sent });
        return true;
      })
      .reply(201, license, JSON_API);
    await run('create_license', { policy: 'policy-1', metadata: { value: typed } });
  });

  it('metadata typed as one JSON object with such a number is refused, saying how to keep it', async () => {
    const error = await caught(
      run('create_license', {
        policy: 'policy-1',
        metadata: '{"order":{"id":12345678901234567890}}',
      }),
    );
    expect(error.json).toMatchObject({
      code: 'INPUT_INVALID',
      message:
        'Metadata holds the number 12345678901234567890, which JSON would not send exactly: put it in quotes ("12345678901234567890") to keep it as text, or enter the metadata as key-value pairs.',
    });
  });

  it.each([
    [
      '{"a":1,"a":2}',
      'Metadata gives the same key twice, and JSON would keep only the last: remove one, or enter the metadata as key-value pairs.',
    ],
    ['[1,2]', 'Metadata must be key-value pairs (or a JSON object), not "[1,2]".'],
    [
      '[12345678901234567890]',
      'Metadata must be key-value pairs (or a JSON object), not "[12345678901234567890]".',
    ],
  ])('metadata typed as %s is refused: %s', async (typed, message) => {
    const error = await caught(run('create_license', { policy: 'policy-1', metadata: typed }));
    expect(error.json).toMatchObject({ code: 'INPUT_INVALID', message });
  });

  it('deeply nested JSON is checked without running out of stack', () => {
    const deep = `${'['.repeat(100_000)}${']'.repeat(100_000)}`;
    expect(Array.isArray(jsonValue(deep))).toBe(true);
    const nested = (inner: string) => `${'{"a":'.repeat(5000)}${inner}${'}'.repeat(5000)}`;
    expect(jsonValue(nested('{"b":1,"b":2}'))).toBe(nested('{"b":1,"b":2}'));
    expect(jsonValue(nested('1e400'))).toBe(nested('1e400'));
    expect(typeof jsonValue(nested('{"b":1}'))).toBe('object');
  });

  it('property: JSON is sent as JSON only when every number in it reads back as typed', () => {
    type Typed = { text: string; numbers: string[] };
    const number = typedNumber(22).map((text): Typed => ({ text, numbers: [text] }));
    const other = fc
      .constantFrom('true', 'false', 'null', '"9007199254740993"', '"a \\" 1e400"')
      .map((text): Typed => ({ text, numbers: [] }));
    const join = (parts: Typed[], open: string, close: string): Typed => ({
      text: `${open}${parts.map((p) => p.text).join(', ')}${close}`,
      numbers: parts.flatMap((p) => p.numbers),
    });
    const { list, object } = fc.letrec<{ node: Typed; list: Typed; object: Typed }>((tie) => ({
      node: fc.oneof({ depthSize: 'small' }, number, other, tie('list'), tie('object')),
      list: fc.array(tie('node'), { maxLength: 4 }).map((items) => join(items, '[', ']')),
      object: fc
        .uniqueArray(fc.tuple(fc.stringMatching(/^k[a-z]{0,3}$/), tie('node')), {
          maxLength: 4,
          selector: ([key]) => key,
        })
        .map((entries) =>
          join(
            entries.map(([key, value]) => ({ ...value, text: `"${key}": ${value.text}` })),
            '{',
            '}',
          ),
        ),
    }));
    fc.assert(
      fc.property(fc.oneof(list, object), ({ text, numbers }) => {
        const sent = jsonValue(text);
        const exact = numbers.every((n) => exactly(JSON.stringify(Number(n)), n));
        if (!exact) {
          expect(sent).toBe(text);
          return;
        }
        expect(sent).toEqual(JSON.parse(text));
        // What goes out on the wire, number by number, is the number typed.
        const out = JSON.stringify(sent).match(/"(?:[^"\\]|\\.)*"|-?\d[\d.eE+-]*/g) ?? [];
        const outNumbers = out.filter((token) => !token.startsWith('"'));
        expect(outNumbers).toHaveLength(numbers.length);
        outNumbers.forEach((n, i) => expect(exactly(n, numbers[i])).toBe(true));
      }),
      { numRuns: 200 },
    );
  });
});

/** Whether two decimal texts denote the same value, by exact rational comparison (BigInt). */
function exactly(a: string, b: string): boolean {
  const rational = (text: string) => {
    const m = /^(-?)(\d+)(?:\.(\d+))?(?:e([+-]?\d+))?$/i.exec(text);
    if (!m) return undefined;
    const [, sign, whole, fraction = '', exponent = '0'] = m;
    const scale = Number(exponent) - fraction.length;
    let n = BigInt(`${sign}${whole}${fraction}`);
    let d = 1n;
    if (scale >= 0) n *= 10n ** BigInt(scale);
    else d = 10n ** BigInt(-scale);
    return [n, d] as const;
  };
  const x = rational(a);
  const y = rational(b);
  return x !== undefined && y !== undefined && x[0] * y[1] === y[0] * x[1];
}

describe('counts, dates and days are refused unless they are what they claim', () => {
  it.each([
    ['increment_license_usage', { increment: '0' }, 'Increment must be 1 or more, not 0.'],
    ['increment_license_usage', { increment: -2 }, 'Increment must be 1 or more, not -2.'],
    ['decrement_license_usage', { decrement: '-1' }, 'Decrement must be 1 or more, not -1.'],
    [
      'increment_license_usage',
      { increment: '1e2' },
      'Increment must be a whole number, not "1e2".',
    ],
  ])('%s with %j', async (key, input, message) => {
    const error = await caught(run(key, { license: LICENSE_ID, ...input }));
    expect(error.json).toMatchObject({ code: 'INPUT_INVALID', message });
    expect(unmatched).toEqual([]);
  });

  it.each(['next tuesday', 'soon', '1', '2026-13-45', '31/12/2026', '2026-02-30T00:00:00Z'])(
    'create_license refuses the expiry %j',
    async (expiry) => {
      const error = await caught(run('create_license', { policy: 'policy-1', expiry }));
      expect(error.json).toMatchObject({
        code: 'INPUT_INVALID',
        message: `Expiry must be a date and time such as 2026-12-31T23:59:59Z (ISO 8601), not "${expiry}".`,
      });
      expect(unmatched).toEqual([]);
    },
  );

  it.each(['2027-06-30T00:00:00Z', '2027-06-30', '2027-06-30T12:30:00.123+02:00'])(
    'create_license sends the expiry %j as typed',
    async (expiry) => {
      keygenApi()
        .post(at('/licenses'), (body) => body.data.attributes.expiry === expiry)
        .reply(201, license, JSON_API);
      await run('create_license', { policy: 'policy-1', expiry });
    },
  );

  it.each(['0x1F', '1e2', true, '3.5', '0', '366', '-5', ' 1 0 '])(
    'license_expiring_within refuses days %j',
    async (days) => {
      const error = await caught(
        appTester(triggers.license_expiring_within.operation.perform, {
          authData,
          inputData: { days },
        }),
      );
      expect(error.json).toMatchObject({ code: 'INVALID_DAYS' });
      expect(error.json.message).toContain('Days must be a whole number from 1 to 365');
      expect(unmatched).toEqual([]);
    },
  );
});

describe('hostile deliveries halt instead of throwing', () => {
  const keys = makeAccountKeys();
  const TARGET = 'https://hooks.zapier.com/hooks/standard/1/abc/';
  const subscribeData = {
    id: 'endpoint-1',
    url: TARGET,
    events: ['license.created'],
    keys: keys.meta,
  };
  const deliver = (body: string, headers: Record<string, string>) =>
    appTester(triggers.license_created.operation.perform, {
      authData,
      subscribeData,
      rawRequest: { method: 'POST', querystring: '', headers, content: body },
      cleanedRequest: {},
    } as never);

  it('an oversized signature= parameter is a malformed signature, not a RangeError', () => {
    const body = '{"data":{}}';
    const headers = signDelivery({ body, url: TARGET, keys, zapierHeaders: false });
    headers['Keygen-Signature'] = headers['Keygen-Signature'].replace(
      /signature="[^"]*"/,
      `signature="${'A'.repeat(4_500_000)}"`,
    );
    let error: unknown;
    try {
      verifyDelivery({ body, headers, endpointUrl: TARGET, keys: keys.meta });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(SignatureError);
    expect((error as SignatureError).reason).toBe('malformed-signature');
  });

  it('perform halts on it with a clear message', async () => {
    const body = '{"data":{}}';
    const headers = signDelivery({ body, url: TARGET, keys });
    headers['Http-Keygen-Signature'] =
      `keyid="x", algorithm="ed25519", signature="${'QUFB'.repeat(1_200_000)}", headers="(request-target) host date digest"`;
    const error = await caught(deliver(body, headers));
    expect(error.name).toBe('HaltedError');
    expect(error.text).toContain('more than any real signature');
  });

  it(`a payload nested 5,000 deep is flattened to ${MAX_FLAT_DEPTH} levels with a note`, async () => {
    // Built as text: JSON.stringify itself would run out of stack on it.
    const deep = `${'{"k":'.repeat(5000)}"bottom"${'}'.repeat(5000)}`;
    const event = JSON.parse(fixture('license-created').body);
    const payload = JSON.parse(event.data.attributes.payload);
    payload.data.attributes.metadata = { deep: 'DEEP' };
    payload.data.attributes.extra = ['DEEP'];
    event.data.attributes.payload = JSON.stringify(payload).replaceAll('"DEEP"', deep);
    const body = JSON.stringify(event);
    const [result] = (await deliver(body, signDelivery({ body, url: TARGET, keys }))) as Record<
      string,
      unknown
    >[];
    const key = `license_metadata__deep${'__k'.repeat(MAX_FLAT_DEPTH - 1)}`;
    expect(result[key]).toBe(TOO_DEEP);
    expect(result.license_extra).toBe(TOO_DEEP);
    expect(Object.keys(result).some((k) => k.length > key.length)).toBe(false);
  });

  it('keeps nesting up to the cap as fields', () => {
    let value: unknown = 'bottom';
    for (let i = 0; i < MAX_FLAT_DEPTH; i += 1) value = { k: value };
    const flat = flattenResource({ id: '1', type: 'licenses', attributes: { metadata: value } });
    expect(flat[`license_metadata${'__k'.repeat(MAX_FLAT_DEPTH)}`]).toBe('bottom');
  });
});
