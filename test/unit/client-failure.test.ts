// A failed call carries one typed failure (status, Keygen's errors, action, target) that callers
// read with keygenFailure, never by parsing a message; keygenError is the one place it becomes a
// z.errors error.
import type { Bundle, ZObject } from 'zapier-platform-core';
import {
  keygen,
  keygenError,
  keygenFailure,
  requestLimits,
  type KeygenCall,
  type KeygenFailure,
} from '../../keygen/client';
import { JSON_API, TOKEN, appTester, at, authData, keygenApi } from '../helpers/app';
import { appError, failure, throttled } from '../helpers/errors';

const CREATE: KeygenCall = {
  method: 'POST',
  path: ['webhook-endpoints'],
  body: { data: { type: 'webhook-endpoints' } },
  action: 'create a webhook endpoint for license.created',
  target: 'webhook endpoint',
};

/** What the call threw, and the failure read from it inside the invocation. */
async function attempt(call: KeygenCall = CREATE, auth = authData) {
  const seen: { failure?: KeygenFailure; visible?: PropertyKey[]; json?: string } = {};
  const error = await failure(
    appTester(
      async (z: ZObject, bundle: Bundle) => {
        try {
          return await keygen(z, bundle, call);
        } catch (thrown) {
          seen.failure = keygenFailure(thrown);
          seen.visible = Reflect.ownKeys(thrown as object).filter((key) =>
            Object.prototype.propertyIsEnumerable.call(thrown, key),
          );
          seen.json = JSON.stringify(thrown);
          throw thrown;
        }
      },
      { authData: auth },
    ),
  );
  return { error, ...seen };
}

describe('keygenFailure', () => {
  afterEach(() => {
    requestLimits.timeoutMs = 12_000;
  });

  it("reads a refusal's status, Keygen's errors, action and target, as the message says them", async () => {
    const errors = [
      { title: 'Unprocessable resource', detail: 'must be a valid URL', code: 'URL_INVALID' },
    ];
    keygenApi().post(at('/webhook-endpoints')).reply(422, { errors }, JSON_API);
    const { error, failure: read, visible, json } = await attempt();
    expect(read).toEqual({
      status: 422,
      errors,
      action: CREATE.action,
      target: CREATE.target,
      message:
        'Keygen could not create a webhook endpoint for license.created. Keygen said: Unprocessable resource: must be a valid URL (code URL_INVALID).',
      code: 'URL_INVALID',
      error: 'Error',
    });
    expect(appError(error)).toEqual({ message: read!.message, code: 'URL_INVALID', status: 422 });
    // Not enumerable: nothing that copies or serialises the error carries it along.
    expect(visible!.filter((key) => typeof key === 'symbol')).toEqual([]);
    expect(json).not.toContain('URL_INVALID');
  });

  it.each([
    [500, 'KEYGEN_UNAVAILABLE', 'Error'],
    [429, 'THROTTLED', 'ThrottledError'],
    [401, 'TOKEN_INVALID', 'ExpiredAuthError'],
    [404, 'NOT_FOUND', 'Error'],
  ] as const)('gives a %i its status, code and z.errors class', async (status, code, name) => {
    keygenApi()
      .post(at('/webhook-endpoints'))
      .reply(
        status,
        { errors: [{ title: 'No', code: status === 401 ? 'TOKEN_INVALID' : undefined }] },
        JSON_API,
      );
    const { error, failure: read } = await attempt();
    expect(read).toMatchObject({ status, code, error: name, errors: [{ title: 'No' }] });
    expect(error.name).toBe(name === 'Error' ? 'AppError' : name);
    if (status === 429) expect(throttled(error)).toMatchObject({ delay: 60 });
  });

  it('gives an answer that is not Keygen’s its status and NOT_KEYGEN_API', async () => {
    keygenApi().post(at('/webhook-endpoints')).reply(201, '<html>hi</html>');
    const { failure: read } = await attempt();
    expect(read).toMatchObject({ status: 201, code: 'NOT_KEYGEN_API', errors: [] });
  });

  it('gives no answer status 0: unreachable, and timed out', async () => {
    keygenApi()
      .post(at('/webhook-endpoints'))
      .replyWithError(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }));
    const unreachable = await attempt();
    expect(unreachable.failure).toMatchObject({ status: 0, code: 'KEYGEN_UNREACHABLE' });
    expect(appError(unreachable.error).status).toBeUndefined();

    requestLimits.timeoutMs = 100;
    keygenApi().post(at('/webhook-endpoints')).delayConnection(1_000).reply(201, {});
    const late = await attempt();
    expect(late.failure).toMatchObject({ status: 0, code: 'KEYGEN_TIMEOUT' });
  });

  it('is undefined for any other error, and for what is no error', async () => {
    expect(keygenFailure(new Error('{"status":500}'))).toBeUndefined();
    expect(keygenFailure(undefined)).toBeUndefined();
    expect(keygenFailure('text')).toBeUndefined();
    const error = await failure(
      appTester(
        async (z: ZObject) => {
          const own = new z.errors.Error('not from Keygen', 'OWN', 500);
          expect(keygenFailure(own)).toBeUndefined();
          throw own;
        },
        { authData },
      ),
    );
    expect(appError(error).code).toBe('OWN');
  });

  it("has Keygen's errors redacted, like the message", async () => {
    keygenApi()
      .post(at('/webhook-endpoints'))
      .reply(
        400,
        {
          errors: [
            { title: 'Bad', detail: `token &#${TOKEN.charCodeAt(0)};${TOKEN.slice(1, 30)}` },
          ],
        },
        JSON_API,
      );
    const { error, failure: read } = await attempt();
    expect(read!.errors).toEqual([{ title: 'Bad', detail: 'token [redacted]' }]);
    expect(appError(error).message).toContain('Bad: token [redacted]');
  });
});

describe('keygenError', () => {
  /** A failure a caller extends (subscribe adds what became of the endpoint), thrown again. */
  async function extended(status: number) {
    const out: { failure?: KeygenFailure } = {};
    keygenApi()
      .post(at('/webhook-endpoints'))
      .reply(status, { errors: [{ title: 'Oops', code: 'X' }] }, JSON_API);
    const error = await failure(
      appTester(
        async (z: ZObject, bundle: Bundle) => {
          try {
            await keygen(z, bundle, CREATE);
          } catch (thrown) {
            const read = keygenFailure(thrown)!;
            const again = keygenError(z, bundle, { ...read, message: `${read.message} Note.` });
            out.failure = keygenFailure(again);
            throw again;
          }
        },
        { authData },
      ),
    );
    return { error, failure: out.failure };
  }

  it('makes the same class, code and status with the caller’s message, and carries the failure', async () => {
    const server = await extended(503);
    expect(appError(server.error)).toEqual({
      message: expect.stringMatching(/HTTP 503\. Keygen said: Oops \(code X\)\..* Note\.$/),
      code: 'KEYGEN_UNAVAILABLE',
      status: 503,
    });
    expect(server.failure).toMatchObject({
      status: 503,
      message: expect.stringMatching(/Note\.$/),
    });
    const auth = await extended(401);
    expect(auth.error.name).toBe('ExpiredAuthError');
    expect(auth.error.message).toMatch(
      /^Keygen rejected the API token \(Oops \(code X\)\)\..* Note\.$/,
    );
  });

  it('redacts what the caller adds', async () => {
    const error = await failure(
      appTester(
        async (z: ZObject, bundle: Bundle) => {
          throw keygenError(z, bundle, {
            status: 0,
            errors: [],
            action: 'a',
            target: 't',
            message: `said %${TOKEN.charCodeAt(0).toString(16)}${TOKEN.slice(1, 40)}`,
            code: 'C',
            error: 'Error',
          });
        },
        { authData },
      ),
    );
    expect(appError(error)).toEqual({ message: 'said [redacted]', code: 'C' });
  });
});
