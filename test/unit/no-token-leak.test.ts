// No test token may appear in any output, result or error of the suite. test/setup-output.ts
// checks every test file at its end; this file checks that check, and sweeps the ways a token
// used to get out.
import nock from 'nock';
import type { Bundle, ZObject } from 'zapier-platform-core';
import { requestLimits } from '../../keygen/client';
import { App, TOKEN, appTester, at, authData, keygenApi } from '../helpers/app';
import { failure } from '../helpers/errors';
import { leaks, mark, recognise, recorder } from '../helpers/output';

const DEFAULT_TIMEOUT_MS = requestLimits.timeoutMs;

type Perform = (z: ZObject, bundle: Bundle) => Promise<unknown>;
const creates = App.creates as unknown as Record<string, { operation: { perform: Perform } }>;

describe('the leak check', () => {
  const secret = 'admin-fedcba9876543210fedcba9876543210fedcba9876543210fedcba98v3';

  it('finds a token, its first 20 characters, and a token split by an invisible character', () => {
    expect(leaks([`Bearer ${secret}`], [secret])).toHaveLength(1);
    expect(leaks([`Bearer ${secret.slice(0, 20)}…`], [secret])).toHaveLength(1);
    expect(leaks(['nothing here', secret.slice(0, 10)], [secret])).toEqual([]);
    const split = `${secret.slice(0, 30)}\u200b${secret.slice(30)}`;
    const before = new Set(recorder.secrets);
    recognise(split);
    const pieces = [...recorder.secrets].filter((s) => !before.has(s));
    expect(pieces).toEqual([secret.slice(0, 30), secret.slice(30)]);
    expect(leaks([`x ${secret.slice(30)} y`], pieces)).toHaveLength(1);
    expect(leaks([`x ${secret.slice(0, 30)} y`], pieces)).toHaveLength(1);
    for (const piece of pieces) recorder.secrets.delete(piece);
  });

  it('masks the token in what it reports', () => {
    const [line] = leaks([`token ${secret}!`], [secret]);
    expect(line).toContain('[TOKEN]');
    expect(line).not.toContain(secret.slice(0, 20));
  });

  it('learns the token of every app invocation and records its output, results and errors', async () => {
    const from = mark();
    await appTester(
      (z: ZObject) => {
        z.console.warn('a warning from the app');
        return { answer: 42 };
      },
      { authData },
    );
    await failure(
      appTester(
        (z: ZObject) => {
          throw new z.errors.Error('an error from the app', 'SOME_CODE');
        },
        { authData },
      ),
    );
    expect(recorder.secrets.has(TOKEN)).toBe(true);
    const recorded = recorder.lines.slice(from).join('\n');
    expect(recorded).toContain('a warning from the app');
    expect(recorded).toContain('{"answer":42}');
    expect(recorded).toContain('an error from the app');
  });
});

describe('no token in any output, whatever goes wrong', () => {
  afterAll(() => {
    requestLimits.timeoutMs = DEFAULT_TIMEOUT_MS;
  });

  const broken = [
    `${TOKEN.slice(0, 24)}\u200b${TOKEN.slice(24)}`,
    `${TOKEN}\n`.repeat(2),
    `\u201c${TOKEN}\u201d`,
  ];

  it('with a token holding characters no header can carry, in actions and the auth test', async () => {
    for (const token of broken) {
      await failure(
        appTester(App.authentication.test as Perform, { authData: { ...authData, token } }),
      );
      await failure(
        appTester(creates.suspend_license.operation.perform, {
          authData: { ...authData, token },
          inputData: { license: 'L-1' },
        }),
      );
      await failure(
        appTester(creates.suspend_license.operation.perform, {
          authData: { ...authData, environment: `env\u200b${TOKEN}` },
          inputData: { license: 'L-1' },
        }),
      );
    }
    expect(leaks()).toEqual([]);
  });

  it('with every kind of failed answer and network fault', async () => {
    requestLimits.timeoutMs = 150;
    const answers: ((i: nock.Interceptor) => nock.Scope)[] = [
      (i) => i.reply(401, { errors: [{ title: 'Unauthorized', detail: `Token ${TOKEN} is bad` }] }),
      (i) => i.reply(500, `<title>${TOKEN}</title>`, { 'Content-Type': 'text/html' }),
      (i) => i.replyWithError(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' })),
      (i) => i.delayConnection(1_000).reply(200, {}),
      (i) => i.reply(200, 'not json'),
    ];
    for (const answer of answers) {
      answer(keygenApi().post(at('/licenses/L-1/actions/suspend')));
      await failure(
        appTester(creates.suspend_license.operation.perform, {
          authData,
          inputData: { license: 'L-1' },
        }),
      );
      nock.cleanAll();
    }
    // Even where Keygen's detail or a proxy's page quotes the token back.
    expect(leaks()).toEqual([]);
  });

  it('with a refusal an action explains itself (a check-out option Keygen refuses)', async () => {
    keygenApi()
      .post(at('/licenses/L-1/actions/check-out'))
      .reply(400, {
        errors: [
          { title: 'Bad request', detail: `ttl bad for ${TOKEN}`, code: 'CHECKOUT_TTL_INVALID' },
        ],
      });
    const error = await failure(
      appTester(creates.checkout_license_file.operation.perform, {
        authData,
        inputData: { license: 'L-1', ttl: '7200' },
      }),
    );
    expect(error.message).toContain('CHECKOUT_TTL_INVALID');
    expect(error.message).toContain('Change TTL in Seconds');
    expect(leaks()).toEqual([]);
  });
});
