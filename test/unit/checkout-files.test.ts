import fc from 'fast-check';
import nock from 'nock';
import type { Bundle, ZObject } from 'zapier-platform-core';
import { flattenResource, type JsonApiResource } from '../../keygen/normalize';
import {
  App,
  appTester,
  at,
  authData,
  keygenApi,
  TOKEN,
  runCreate,
  LICENSE_ID,
  LICENSE_KEY,
} from '../helpers/app';
import { caught } from '../helpers/errors';

type Hydrator = (z: ZObject, bundle: Bundle) => Promise<string>;
const hydrators = (App as unknown as { hydrators: Record<string, Hydrator> }).hydrators;
const run = runCreate;

const MACHINE_ID = '3e2d1c0b-9a8f-4e7d-8c6b-5a4f3e2d1c0b';
const FILE_ID = 'f1e2d3c4-b5a6-4978-8a9b-0c1d2e3f4a5b';
const KEY = LICENSE_KEY;
const FINGERPRINT = 'a3f5c2e1b4d6978812ab34cd56ef7890';
const ISSUED = '2026-11-29T10:00:00.000Z';
const MONTH = 2_629_746;

const license = (attributes: Record<string, unknown> = {}): JsonApiResource => ({
  id: LICENSE_ID,
  type: 'licenses',
  attributes: {
    name: 'Pro License (ACME Inc.)',
    key: KEY,
    expiry: '2027-11-29T10:00:00.000Z',
    status: 'ACTIVE',
    suspended: false,
    scheme: 'ED25519_SIGN',
    metadata: { stripeSubscriptionId: 'sub_123' },
    ...attributes,
  },
  relationships: {
    policy: { data: { type: 'policies', id: 'policy-1' } },
    owner: { data: { type: 'users', id: 'user-1' } },
  },
});

const machine = (attributes: Record<string, unknown> = {}): JsonApiResource => ({
  id: MACHINE_ID,
  type: 'machines',
  attributes: { fingerprint: FINGERPRINT, name: 'Build server', platform: 'Linux', ...attributes },
  relationships: { license: { data: { type: 'licenses', id: LICENSE_ID } } },
});

const base64 = (text: string) => Buffer.from(text, 'utf8').toString('base64');

/**
 * A certificate as Keygen's checkout service writes one: `enc` (base64 of the document, or an
 * AES-GCM `ciphertext.iv.tag`), a signature, the algorithm, all base64'd again in 60-column lines.
 */
function certificate(
  kind: 'LICENSE' | 'MACHINE',
  data: JsonApiResource,
  { encrypted = false, included = [] as JsonApiResource[], ttl = MONTH as number | null } = {},
): string {
  const document = { meta: { issued: ISSUED, ttl }, data, included };
  const enc = encrypted
    ? ['Y2lwaGVydGV4dA==', 'aXYxMjM0NTY3ODkw', 'dGFnMTIzNDU2Nzg5MGFi'].join('.')
    : base64(JSON.stringify(document));
  const alg = `${encrypted ? 'aes-256-gcm' : 'base64'}+ed25519`;
  const body = base64(JSON.stringify({ enc, sig: base64('signature'), alg }));
  const lines = body.match(/.{1,60}/g) ?? [];
  return [`-----BEGIN ${kind} FILE-----`, ...lines, `-----END ${kind} FILE-----`, ''].join('\n');
}

/** Keygen's 200 answer to a check-out: the file resource, never the record itself. */
function fileAnswer(
  type: 'license-files' | 'machine-files',
  cert: string,
  attributes: Record<string, unknown> = {},
) {
  const relationships: JsonApiResource['relationships'] = {
    account: { data: { type: 'accounts', id: 'account-1' } },
    environment: { data: null },
    license: { data: { type: 'licenses', id: LICENSE_ID } },
  };
  if (type === 'machine-files') {
    relationships.machine = { data: { type: 'machines', id: MACHINE_ID } };
  }
  return {
    data: {
      id: FILE_ID,
      type,
      attributes: {
        certificate: cert,
        algorithm: 'base64+ed25519',
        includes: [],
        ttl: MONTH,
        expiry: '2026-12-29T20:29:06.000Z',
        issued: ISSUED,
        ...attributes,
      },
      relationships,
    },
  };
}

const JSON_API = { 'Content-Type': 'application/vnd.api+json; charset=utf-8' };
const checkOut = (path: string) => at(`${path}/actions/check-out`);
/** The record as Keygen answers the read after a check-out: this check-out already stamped. */
const afterCheckOut = (record: JsonApiResource): { data: JsonApiResource } => ({
  data: { ...record, attributes: { ...record.attributes, lastCheckOut: ISSUED } },
});
const LICENSE_PATH = `/licenses/${LICENSE_ID}`;
const MACHINE_PATH = `/machines/${MACHINE_ID}`;
/** nock body matcher for a request without a body. */
const NO_BODY = (body: unknown) => body === '';

/** `hydrate|||{…}|||hydrate` as core writes it without a one-time secret (tests, local runs). */
function dehydrated(value: unknown): {
  type: string;
  method: string;
  bundle: Record<string, unknown>;
} {
  expect(typeof value).toBe('string');
  const match = /^hydrate\|\|\|(.*)\|\|\|hydrate$/s.exec(value as string);
  expect(match).not.toBeNull();
  return JSON.parse((match as RegExpExecArray)[1]);
}

describe('checkout_license_file', () => {
  it.each([
    ['checkout_license_file', 'license', 'license_file'],
    ['checkout_machine_file', 'machine', 'machine_file'],
  ])(
    '%s declares %s (required), ttl, include (a list), encrypt and a file output',
    (key, input, file) => {
      type Fields = { key: string; required?: boolean; list?: boolean; type?: string }[];
      const { inputFields, outputFields } = (
        App.creates as unknown as Record<
          string,
          { operation: { inputFields: Fields; outputFields: Fields } }
        >
      )[key].operation;
      const inputs = Object.fromEntries(inputFields.map((f) => [f.key, f]));
      expect(Object.keys(inputs)).toEqual([input, 'ttl', 'include', 'encrypt']);
      expect(inputs[input].required).toBe(true);
      for (const name of ['ttl', 'include', 'encrypt'])
        expect(inputs[name].required).not.toBe(true);
      expect(inputs.include.list).toBe(true);
      // Text: Zapier turns text typed into an integer field into 0, which would mean "no expiry".
      expect(inputs.ttl.type).toBeUndefined();
      expect(inputs.encrypt.type).toBe('boolean');
      expect(outputFields.find((f) => f.key === file)).toMatchObject({ type: 'file' });
    },
  );

  it('POSTs …/licenses/{id}/actions/check-out without a body when no option is set, and returns the file flat with the license and the file', async () => {
    const cert = certificate('LICENSE', license());
    const answer = fileAnswer('license-files', cert);
    const scope = keygenApi()
      .post(checkOut(`/licenses/${LICENSE_ID}`), NO_BODY)
      .reply(200, answer, JSON_API)
      .get(at(LICENSE_PATH))
      .reply(200, afterCheckOut(license()), JSON_API);
    const result = await run('checkout_license_file', { license: LICENSE_ID });
    expect(scope.isDone()).toBe(true);
    const { license_file, ...fields } = result;
    expect(fields).toEqual({
      id: FILE_ID,
      license_file_id: FILE_ID,
      license_file_certificate: cert,
      license_file_algorithm: 'base64+ed25519',
      license_file_includes: [],
      license_file_ttl: MONTH,
      license_file_expiry: '2026-12-29T20:29:06.000Z',
      license_file_issued: ISSUED,
      license_file_environment_id: null,
      license_file_license_id: LICENSE_ID,
      ...flattenResource(afterCheckOut(license()).data),
      license_days_until_expiry: expect.any(Number),
    });
    expect(fields.license_last_check_out).toBe(ISSUED);
    expect(fields).toMatchObject({
      license_key: KEY,
      license_name: 'Pro License (ACME Inc.)',
      license_expiry: '2027-11-29T10:00:00.000Z',
      license_metadata__stripeSubscriptionId: 'sub_123',
    });
    expect(dehydrated(license_file)).toEqual({
      type: 'file',
      method: 'hydrators.certificateFile',
      bundle: { certificate: cert, name: `${KEY}.lic` },
    });
  });

  it('accepts the license key in place of the id (Keygen resolves it in the path)', async () => {
    const scope = keygenApi()
      .post(checkOut(`/licenses/${KEY}`), NO_BODY)
      .reply(200, fileAnswer('license-files', certificate('LICENSE', license())), JSON_API)
      .get(at(LICENSE_PATH))
      .reply(200, afterCheckOut(license()), JSON_API);
    const result = await run('checkout_license_file', { license: ` ${KEY} ` });
    expect(scope.isDone()).toBe(true);
    expect(result.license_id).toBe(LICENSE_ID);
  });

  it.each([
    ['a TTL', { ttl: '86400' }, { ttl: 86400 }],
    ['a TTL given as a number', { ttl: 3600 }, { ttl: 3600 }],
    ['TTL 0: a file that never expires', { ttl: '0' }, { ttl: null }],
    ['includes', { include: ['entitlements', 'policy'] }, { include: ['entitlements', 'policy'] }],
    ['includes mapped as text', { include: 'owner, users' }, { include: ['owner', 'users'] }],
    ['encrypt', { encrypt: 'true' }, { encrypt: true }],
    ['encrypt off', { encrypt: false }, { encrypt: false }],
    [
      'every option',
      { ttl: '31536000', include: ['product', 'group', 'environment'], encrypt: 'yes' },
      { ttl: 31536000, include: ['product', 'group', 'environment'], encrypt: true },
    ],
  ])('sends %s as meta', async (_name, inputData, meta) => {
    const scope = keygenApi()
      .matchHeader('content-type', 'application/vnd.api+json')
      .post(checkOut(`/licenses/${LICENSE_ID}`), { meta })
      .reply(200, fileAnswer('license-files', certificate('LICENSE', license())), JSON_API);
    const read = keygenApi().get(at(LICENSE_PATH)).reply(200, afterCheckOut(license()), JSON_API);
    const result = await run('checkout_license_file', { license: LICENSE_ID, ...inputData });
    expect(scope.isDone() && read.isDone()).toBe(true);
    expect(result.license_key).toBe(KEY);
  });

  it('echoes what Keygen answers for a file without expiry', async () => {
    const cert = certificate('LICENSE', license(), { ttl: null });
    keygenApi()
      .post(checkOut(`/licenses/${LICENSE_ID}`), { meta: { ttl: null } })
      .reply(200, fileAnswer('license-files', cert, { ttl: null, expiry: null }), JSON_API)
      .get(at(LICENSE_PATH))
      .reply(200, afterCheckOut(license()), JSON_API);
    const result = await run('checkout_license_file', { license: LICENSE_ID, ttl: 0 });
    expect(result).toMatchObject({ license_file_ttl: null, license_file_expiry: null });
  });

  it('reads the license after an encrypted check-out too', async () => {
    const cert = certificate('LICENSE', license(), { encrypted: true });
    const scope = keygenApi()
      .post(checkOut(`/licenses/${KEY}`), { meta: { encrypt: true } })
      .reply(200, fileAnswer('license-files', cert, { algorithm: 'aes-256-gcm+ed25519' }), JSON_API)
      .get(at(LICENSE_PATH))
      .reply(200, afterCheckOut(license({ name: 'Read back' })), JSON_API);
    const result = await run('checkout_license_file', { license: KEY, encrypt: true });
    expect(scope.isDone()).toBe(true);
    expect(result).toMatchObject({
      license_file_algorithm: 'aes-256-gcm+ed25519',
      license_file_certificate: cert,
      license_name: 'Read back',
      license_key: KEY,
    });
    expect(dehydrated(result.license_file).bundle).toEqual({
      certificate: cert,
      name: `${KEY}.lic`,
    });
  });

  it('names the file by the id when the key is not safe as a file name (a signed key)', async () => {
    const signedKey = 'key/eyJhY2NvdW50Ijp7ImlkIjoiMSJ9fQ==.c2lnbmF0dXJl';
    keygenApi()
      .post(checkOut(`/licenses/${LICENSE_ID}`))
      .reply(
        200,
        fileAnswer('license-files', certificate('LICENSE', license({ key: signedKey }))),
        JSON_API,
      )
      .get(at(LICENSE_PATH))
      .reply(200, afterCheckOut(license({ key: signedKey })), JSON_API);
    const result = await run('checkout_license_file', { license: LICENSE_ID });
    expect(result.license_key).toBe(signedKey);
    expect(dehydrated(result.license_file).bundle.name).toBe(`${LICENSE_ID}.lic`);
  });

  it.each([
    ['suspended', { status: 'SUSPENDED', suspended: true }],
    ['expired', { status: 'EXPIRED', expiry: '2025-01-01T00:00:00.000Z' }],
  ])(
    'checks out a file for a %s license, as Keygen does, with the status to filter on',
    async (_state, attributes) => {
      const cert = certificate('LICENSE', license(attributes));
      keygenApi()
        .post(checkOut(`/licenses/${LICENSE_ID}`))
        .reply(200, fileAnswer('license-files', cert), JSON_API)
        .get(at(LICENSE_PATH))
        .reply(200, afterCheckOut(license(attributes)), JSON_API);
      const result = await run('checkout_license_file', { license: LICENSE_ID });
      expect(result).toMatchObject({
        license_status: attributes.status,
        license_file_certificate: cert,
      });
      expect(dehydrated(result.license_file).bundle.certificate).toBe(cert);
    },
  );
});

describe('the record fields describe it after the check-out', () => {
  const LATER = '2026-11-29T10:00:00.250Z';

  it.each([
    ['has not stamped it yet (none before)', null],
    ['has not stamped it yet (an older check-out)', '2026-10-01T08:00:00.000Z'],
  ])(
    'license_last_check_out is the check-out just made when the read after it %s',
    async (_name, before) => {
      // The certificate holds the license as it was before: never the source of its fields.
      const cert = certificate('LICENSE', license({ lastCheckOut: before, status: 'INACTIVE' }));
      const scope = keygenApi()
        .post(checkOut(LICENSE_PATH))
        .reply(200, fileAnswer('license-files', cert), JSON_API)
        .get(at(LICENSE_PATH))
        .reply(200, { data: license({ lastCheckOut: before, status: 'ACTIVE' }) }, JSON_API);
      const result = await run('checkout_license_file', { license: LICENSE_ID });
      expect(scope.isDone()).toBe(true);
      expect(result).toMatchObject({
        license_last_check_out: ISSUED,
        license_file_issued: ISSUED,
        license_status: 'ACTIVE',
      });
    },
  );

  it("keeps Keygen's own stamp when the read already has it", async () => {
    keygenApi()
      .post(checkOut(LICENSE_PATH))
      .reply(200, fileAnswer('license-files', certificate('LICENSE', license())), JSON_API)
      .get(at(LICENSE_PATH))
      .reply(200, { data: license({ lastCheckOut: LATER, updated: LATER }) }, JSON_API);
    const result = await run('checkout_license_file', { license: LICENSE_ID });
    expect(result).toMatchObject({ license_last_check_out: LATER, license_updated: LATER });
  });

  it('machine_last_check_out is the check-out just made too', async () => {
    keygenApi()
      .post(checkOut(MACHINE_PATH))
      .reply(200, fileAnswer('machine-files', certificate('MACHINE', machine())), JSON_API)
      .get(at(MACHINE_PATH))
      .reply(200, { data: machine({ lastCheckOut: null }) }, JSON_API);
    const result = await run('checkout_machine_file', { machine: MACHINE_ID });
    expect(result.machine_last_check_out).toBe(ISSUED);
  });
});

describe('file names: the same safe-name rule for the key, the fingerprint and the id', () => {
  const SAFE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}\.lic$/;
  const nameFor = async (subject: 'license' | 'machine', read: JsonApiResource) => {
    const [path, type, kind] =
      subject === 'license'
        ? ([LICENSE_PATH, 'license-files', 'LICENSE'] as const)
        : ([MACHINE_PATH, 'machine-files', 'MACHINE'] as const);
    keygenApi()
      .post(checkOut(path))
      .reply(200, fileAnswer(type, certificate(kind, read)), JSON_API)
      .get(at(path))
      .reply(200, { data: read }, JSON_API);
    const result = await run(`checkout_${subject}_file`, {
      [subject]: path.split('/')[2],
    });
    return dehydrated(result[`${subject}_file`]).bundle.name as string;
  };
  const UNSAFE_KEY = 'key/eyJhY2NvdW50Ijp7fX0=.c2ln';

  it.each([
    ['a path', '../../x'],
    ['CR/LF', 'abc\r\nContent-Type: text/html'],
    ['quotes', 'a"b\'c'],
    ['2,000 characters', 'a'.repeat(2000)],
    ['a leading dot', '.hidden'],
    ['nothing', ''],
  ])('an id with %s is not used as the name: license.lic', async (_name, id) => {
    const name = await nameFor('license', { ...license({ key: UNSAFE_KEY }), id });
    expect(name).toBe('license.lic');
  });

  it('a machine with an unsafe fingerprint and id is machine.lic', async () => {
    const name = await nameFor('machine', {
      ...machine({ fingerprint: 'a:b:c' }),
      id: '..\\..\\x',
    });
    expect(name).toBe('machine.lic');
  });

  it('property: the name is the key if safe, else the id if safe, else license.lic; always safe', async () => {
    const candidate = fc.oneof(
      fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9._-]{0,30}$/),
      fc.string({ unit: 'binary', maxLength: 40 }),
      fc.constantFrom('../x', 'a/b', 'a\\b', 'x\n', '"q"', 'a'.repeat(101), 'CON'),
    );
    await fc.assert(
      fc.asyncProperty(candidate, candidate, async (key, id) => {
        nock.cleanAll();
        const name = await nameFor('license', { ...license({ key }), id });
        const safe = (text: string) => SAFE.test(`${text}.lic`);
        expect(name).toMatch(SAFE);
        expect(name).toBe(`${safe(key) ? key : safe(id) ? id : 'license'}.lic`);
      }),
      { numRuns: 50 },
    );
  }, 60_000);
});

describe('checkout_license_file: what Keygen refuses reads as what to change', () => {
  const badRequest = (detail: string, code: string, parameter: string) => ({
    errors: [{ title: 'Bad request', detail, code, source: { parameter } }],
  });

  it.each([
    [
      'a TTL under an hour',
      { ttl: '60' },
      { meta: { ttl: 60 } },
      badRequest('must be greater than or equal to 3600 (1 hour)', 'CHECKOUT_TTL_INVALID', 'ttl'),
      'CHECKOUT_TTL_INVALID',
      'Change TTL in Seconds: at least 3600 (one hour), 0 for a file that never expires, or empty for one month.',
    ],
    [
      'an include Keygen does not accept',
      { include: ['account'] },
      { meta: { include: ['account'] } },
      badRequest('invalid includes', 'CHECKOUT_INCLUDE_INVALID', 'include'),
      'CHECKOUT_INCLUDE_INVALID',
      'Change Include: choose only from entitlements, product, policy, owner, users, group, environment.',
    ],
    [
      'an algorithm Keygen cannot sign with',
      { encrypt: true },
      { meta: { encrypt: true } },
      badRequest('invalid signing algorithm', 'CHECKOUT_ALGORITHM_INVALID', 'algorithm'),
      'CHECKOUT_ALGORITHM_INVALID',
      'Change Encrypt (turn it off)',
    ],
  ])('%s', async (_name, inputData, body, answer, code, change) => {
    keygenApi()
      .post(checkOut(`/licenses/${LICENSE_ID}`), body)
      .reply(400, answer, JSON_API);
    const error = await caught(run('checkout_license_file', { license: LICENSE_ID, ...inputData }));
    expect(error.name).toBe('AppError');
    expect(error.json).toMatchObject({ code, status: 400 });
    const message = error.json.message as string;
    const [keygenError] = answer.errors;
    expect(message).toContain(
      `Keygen said: Bad request: ${keygenError.detail} (code ${code}, at ${keygenError.source.parameter}).`,
    );
    expect(message).toContain(change);
    expect(message).toContain(`check out a license file for license "${LICENSE_ID}"`);
    expect(error.text).not.toContain(TOKEN);
  });

  it('refuses a TTL that is not a whole number before asking Keygen', async () => {
    const error = await caught(run('checkout_license_file', { license: LICENSE_ID, ttl: '1 day' }));
    expect(error.json).toMatchObject({
      code: 'INPUT_INVALID',
      message: 'TTL in Seconds must be a whole number, not "1 day".',
    });
  });

  it('refuses an Encrypt that is not true or false before asking Keygen', async () => {
    const error = await caught(
      run('checkout_license_file', { license: LICENSE_ID, encrypt: 'maybe' }),
    );
    expect(error.json).toMatchObject({ code: 'INPUT_INVALID' });
    expect(error.json.message).toContain('Encrypt must be true or false');
  });

  it('asks for the license when it is empty', async () => {
    const error = await caught(run('checkout_license_file', { license: '  ' }));
    expect(error.json).toMatchObject({
      code: 'INPUT_MISSING',
      message: 'License is required: enter or map a value.',
    });
  });

  it('names the license Keygen does not know', async () => {
    keygenApi()
      .post(checkOut('/licenses/NOPE-KEY'))
      .reply(
        404,
        {
          errors: [
            {
              title: 'Not found',
              detail: 'The requested license resource was not found',
              code: 'NOT_FOUND',
              source: { parameter: 'id' },
            },
          ],
        },
        JSON_API,
      );
    const error = await caught(run('checkout_license_file', { license: 'NOPE-KEY' }));
    expect(error.json).toMatchObject({ code: 'NOT_FOUND', status: 404 });
    expect(error.json.message).toContain('Keygen found no license "NOPE-KEY"');
    expect(error.json.message).toContain('The requested license resource was not found');
  });

  it("quotes Keygen's 403 for an account without an active subscription", async () => {
    keygenApi()
      .post(checkOut(`/licenses/${LICENSE_ID}`))
      .reply(
        403,
        {
          errors: [
            {
              title: 'Account does not have an active subscription',
              detail: 'must have an active subscription to access this resource',
            },
          ],
        },
        JSON_API,
      );
    const error = await caught(run('checkout_license_file', { license: LICENSE_ID }));
    expect(error.json).toMatchObject({ code: 'FORBIDDEN', status: 403 });
    expect(error.json.message).toContain(
      'Account does not have an active subscription: must have an active subscription to access this resource',
    );
  });

  it('refuses an answer that is not a license file', async () => {
    keygenApi()
      .post(checkOut(`/licenses/${LICENSE_ID}`))
      .reply(200, { data: license() }, JSON_API);
    const error = await caught(run('checkout_license_file', { license: LICENSE_ID }));
    expect(error.json).toMatchObject({ code: 'UNEXPECTED_RESPONSE' });
    expect(error.json.message).toContain('without a license file');
  });
});

describe('checkout_machine_file', () => {
  it('POSTs …/machines/{fingerprint}/actions/check-out and returns the machine file, the machine and the file', async () => {
    const cert = certificate('MACHINE', machine());
    const answer = fileAnswer('machine-files', cert, { includes: ['license'] });
    const scope = keygenApi()
      .post(checkOut(`/machines/${FINGERPRINT}`), {
        meta: { ttl: 7200, include: ['license', 'license.entitlements'], encrypt: false },
      })
      .reply(200, answer, JSON_API)
      .get(at(MACHINE_PATH))
      .reply(200, afterCheckOut(machine()), JSON_API);
    const result = await run('checkout_machine_file', {
      machine: FINGERPRINT,
      ttl: '7200',
      include: ['license', 'license.entitlements'],
      encrypt: 'false',
    });
    expect(scope.isDone()).toBe(true);
    const { machine_file, ...fields } = result;
    expect(fields).toEqual({
      id: FILE_ID,
      machine_file_id: FILE_ID,
      machine_file_certificate: cert,
      machine_file_algorithm: 'base64+ed25519',
      machine_file_includes: ['license'],
      machine_file_ttl: MONTH,
      machine_file_expiry: '2026-12-29T20:29:06.000Z',
      machine_file_issued: ISSUED,
      machine_file_environment_id: null,
      machine_file_license_id: LICENSE_ID,
      machine_file_machine_id: MACHINE_ID,
      ...flattenResource(afterCheckOut(machine()).data),
    });
    expect(fields.machine_last_check_out).toBe(ISSUED);
    expect(dehydrated(machine_file).bundle).toEqual({
      certificate: cert,
      name: `${FINGERPRINT}.lic`,
    });
  });

  it('reads the machine for an encrypted file and names a file by the id when the fingerprint has colons', async () => {
    const mac = '4f:1a:9c:2e:7b:d0';
    const cert = certificate('MACHINE', machine({ fingerprint: mac }), { encrypted: true });
    const scope = keygenApi()
      .post(checkOut(`/machines/${MACHINE_ID}`), { meta: { encrypt: true } })
      .reply(200, fileAnswer('machine-files', cert), JSON_API)
      .get(at(MACHINE_PATH))
      .reply(200, afterCheckOut(machine({ fingerprint: mac })), JSON_API);
    const result = await run('checkout_machine_file', { machine: MACHINE_ID, encrypt: true });
    expect(scope.isDone()).toBe(true);
    expect(result.machine_fingerprint).toBe(mac);
    expect(dehydrated(result.machine_file).bundle.name).toBe(`${MACHINE_ID}.lic`);
  });

  it("maps a bad include to the machine file's own choices", async () => {
    keygenApi()
      .post(checkOut(`/machines/${MACHINE_ID}`), { meta: { include: ['entitlements'] } })
      .reply(
        400,
        {
          errors: [
            {
              title: 'Bad request',
              detail: 'invalid includes',
              code: 'CHECKOUT_INCLUDE_INVALID',
              source: { parameter: 'include' },
            },
          ],
        },
        JSON_API,
      );
    const error = await caught(
      run('checkout_machine_file', { machine: MACHINE_ID, include: 'entitlements' }),
    );
    expect(error.json.message).toContain(
      'Change Include: choose only from license, license.entitlements, license.product, license.policy, license.owner, license.users, components, environment, group, owner.',
    );
  });
});

// ---------------------------------------------------------------------------------------------
// The file: stashed through Zapier's RPC (mocked here) and an S3 form upload (mocked too).
// ---------------------------------------------------------------------------------------------

const RPC = 'https://rpc.zapier.com';
const S3 = 'https://zapier-files.s3.example.com';

/** Answers `get_presigned_upload_post_data`, then records what is uploaded to S3. */
function mockStash(key: string) {
  const uploads: string[] = [];
  nock(RPC)
    .post('/cli', (body: { method?: string }) => body.method === 'get_presigned_upload_post_data')
    .reply(200, (_uri, body) => ({
      id: (JSON.parse(body as string) as { id: string }).id,
      result: { url: `${S3}/`, fields: { key } },
    }));
  nock(S3)
    .post('/', (body: string) => {
      uploads.push(body);
      return true;
    })
    .reply(204);
  return uploads;
}

/** The file part of a multipart upload: its headers and its exact content. */
function filePart(upload: string): { headers: string; content: string } {
  const boundary = upload.slice(0, upload.indexOf('\r\n'));
  const part = upload.split(boundary).find((p) => p.includes('name="file"'));
  expect(part).toBeDefined();
  const text = part as string;
  const split = text.indexOf('\r\n\r\n');
  return { headers: text.slice(0, split), content: text.slice(split + 4, -2) };
}

describe('the license file', () => {
  const deployKey = process.env.ZAPIER_DEPLOY_KEY;
  beforeAll(() => {
    // core calls its RPC only with a deploy key (or a token) set; the RPC itself is nock'd.
    process.env.ZAPIER_DEPLOY_KEY = 'test-deploy-key';
  });
  afterAll(() => {
    if (deployKey === undefined) delete process.env.ZAPIER_DEPLOY_KEY;
    else process.env.ZAPIER_DEPLOY_KEY = deployKey;
  });

  it('the hydrator stashes exactly the certificate bytes as <key>.lic', async () => {
    const cert = certificate('LICENSE', license());
    const uploads = mockStash('stash/abc/C1B6DE.lic');
    const url = await appTester(hydrators.certificateFile, {
      authData,
      inputData: { certificate: cert, name: `${KEY}.lic` },
    });
    expect(url).toBe(`${S3}/stash/abc/C1B6DE.lic`);
    expect(uploads).toHaveLength(1);
    const { headers, content } = filePart(uploads[0]);
    expect(content).toBe(cert);
    expect(headers).toContain(`filename="${KEY}.lic"`);
    expect(headers).toContain('Content-Type: application/octet-stream');
  }, 30_000);

  it('the hydrator applies the same rule to the name it is given', async () => {
    const cert = certificate('LICENSE', license());
    const uploads = mockStash('stash/ghi/certificate.lic');
    await appTester(hydrators.certificateFile, {
      authData,
      inputData: { certificate: cert, name: '../../etc/x"\r\n.lic' },
    });
    expect(filePart(uploads[0]).headers).toContain('filename="certificate.lic"');
  }, 30_000);

  it('the hydrator refuses a payload without its certificate', async () => {
    const error = await caught(
      appTester(hydrators.certificateFile, { authData, inputData: { name: 'x.lic' } }),
    );
    expect(error.json).toMatchObject({ code: 'FILE_MISSING' });
  });

  it('a certificate too large to dehydrate (over 12,000 characters) is stashed at once', async () => {
    const entitlements = Array.from({ length: 80 }, (_, i) => ({
      id: `entitlement-${String(i).padStart(4, '0')}-4000-8000-000000000001`,
      type: 'entitlements',
      attributes: { name: `Feature ${i}`, code: `FEATURE_${i}`, metadata: {} },
    }));
    const cert = certificate('LICENSE', license(), { included: entitlements });
    expect(cert.length).toBeGreaterThan(12_000);
    keygenApi()
      .post(checkOut(`/licenses/${LICENSE_ID}`), { meta: { include: ['entitlements'] } })
      .reply(200, fileAnswer('license-files', cert, { includes: ['entitlements'] }), JSON_API)
      .get(at(LICENSE_PATH))
      .reply(200, afterCheckOut(license()), JSON_API);
    const uploads = mockStash('stash/def/big.lic');
    const result = await run('checkout_license_file', {
      license: LICENSE_ID,
      include: 'entitlements',
    });
    expect(result.license_file).toBe(`${S3}/stash/def/big.lic`);
    expect(result.license_file_certificate).toBe(cert);
    const { headers, content } = filePart(uploads[0]);
    expect(content).toBe(cert);
    expect(headers).toContain(`filename="${KEY}.lic"`);
  }, 30_000);
});
