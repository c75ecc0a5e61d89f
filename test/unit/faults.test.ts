// Every way Keygen (or what stands in front of it) can fail an answer, for every kind of
// operation: each gives the Zapier error class that makes Zapier do the right thing, and a
// message a person can act on.
import nock from 'nock';
import type { Bundle, ZObject } from 'zapier-platform-core';
import { requestLimits } from '../../keygen/client';
import { App, appTester, authData, LICENSE_ID } from '../helpers/app';
import { caught } from '../helpers/errors';
import { makeAccountKeys } from '../helpers/keygen-signer';

const DEFAULT_TIMEOUT_MS = requestLimits.timeoutMs;

type Perform = (z: ZObject, bundle: Bundle) => Promise<unknown>;
type Method = 'GET' | 'POST' | 'DELETE';
const operation = (kind: 'triggers' | 'creates', key: string) =>
  (App[kind] as unknown as Record<string, { operation: Record<string, Perform> }>)[key].operation;

const TARGET = 'https://hooks.zapier.com/hooks/standard/1/abc/';
const keys = makeAccountKeys().meta;

interface Operation {
  name: string;
  /** The first request the operation makes, which is the one that fails. */
  method: Method;
  run: () => Promise<unknown>;
  /** What the message says was being tried. */
  doing: string;
}

const OPERATIONS: Operation[] = [
  {
    name: 'the auth test',
    method: 'GET',
    run: () => appTester(App.authentication.test as Perform, { authData }),
    doing: 'read who the token belongs to in account "acme"',
  },
  {
    name: 'an action (suspend_license)',
    method: 'POST',
    run: () =>
      appTester(operation('creates', 'suspend_license').perform, {
        authData,
        inputData: { license: LICENSE_ID },
      }),
    doing: `suspend license "${LICENSE_ID}"`,
  },
  {
    name: 'subscribe',
    method: 'GET',
    run: () =>
      appTester(operation('triggers', 'license_created').performSubscribe, {
        authData,
        targetUrl: TARGET,
      }),
    doing: 'read the account (for its webhook verify keys)',
  },
  {
    name: 'unsubscribe',
    method: 'DELETE',
    run: () =>
      appTester(operation('triggers', 'license_created').performUnsubscribe, {
        authData,
        subscribeData: { id: 'endpoint-1', url: TARGET, events: ['license.created'], keys },
      } as never),
    doing: 'delete webhook endpoint endpoint-1',
  },
  {
    name: 'performList',
    method: 'GET',
    run: () => appTester(operation('triggers', 'license_created').performList, { authData }),
    doing: 'list recent license.created events',
  },
  {
    name: 'a dropdown (list_licenses)',
    method: 'GET',
    run: () =>
      appTester(operation('triggers', 'list_licenses').perform, {
        authData,
        meta: { page: 0 },
      } as never),
    doing: 'list licenses',
  },
];

type Caught = Awaited<ReturnType<typeof caught>>;

interface Fault {
  name: string;
  answer: (request: nock.Interceptor) => nock.Scope;
  check: (error: Caught, op: Operation) => void;
}

/** The answer will be the same next time: the message must not send the user to try again. */
function permanent(error: Caught) {
  expect(error.json.message).not.toMatch(/try again/i);
  expect(error.json.code).not.toMatch(/^HTTP_/);
  expect(error.json.message).toContain('Check the Base URL of the connection');
}

const FAULTS: Fault[] = [
  {
    name: '429 with Retry-After',
    answer: (r) =>
      r.reply(
        429,
        { errors: [{ title: 'Too many requests', code: 'TOO_MANY_REQUESTS' }] },
        {
          'Content-Type': 'application/vnd.api+json',
          'Retry-After': '7',
        },
      ),
    check: (error, op) => {
      expect(error.name).toBe('ThrottledError');
      expect(error.json.delay).toBe(7);
      expect(error.json.message).toContain(`rate limit was reached while trying to ${op.doing}`);
      expect(error.json.message).toContain('Zapier will retry in 7 seconds');
    },
  },
  {
    name: '429 without Retry-After',
    answer: (r) => r.reply(429, '', {}),
    check: (error) => {
      expect(error.name).toBe('ThrottledError');
      expect(error.json.delay).toBe(60);
      expect(error.json.message).toContain('Too many requests');
    },
  },
  {
    name: '500',
    answer: (r) =>
      r.reply(
        500,
        {
          errors: [{ title: 'Internal server error', detail: 'Looks like something went wrong!' }],
        },
        { 'Content-Type': 'application/vnd.api+json' },
      ),
    check: (error, op) => {
      expect(error.name).toBe('AppError');
      expect(error.json).toMatchObject({ code: 'KEYGEN_UNAVAILABLE', status: 500 });
      expect(error.json.message).toContain(`failed while trying to ${op.doing}: HTTP 500`);
      expect(error.json.message).toContain('Looks like something went wrong!');
      expect(error.json.message).toContain('try again in a few minutes');
    },
  },
  {
    name: '502 HTML page',
    answer: (r) =>
      r.reply(502, '<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>', {
        'Content-Type': 'text/html',
      }),
    check: (error) => {
      expect(error.name).toBe('AppError');
      expect(error.json).toMatchObject({ code: 'KEYGEN_UNAVAILABLE', status: 502 });
      expect(error.json.message).toContain('HTTP 502 with an HTML page titled "502 Bad Gateway"');
    },
  },
  {
    name: 'dropped connection',
    answer: (r) =>
      r.replyWithError(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' })),
    check: (error, op) => {
      expect(error.name).toBe('AppError');
      expect(error.json.code).toBe('KEYGEN_UNREACHABLE');
      expect(error.json.message).toContain(
        `Could not reach Keygen at https://api.keygen.sh to ${op.doing}`,
      );
      expect(error.json.message).toContain('socket hang up');
      expect(error.json.message).toContain('Check the Base URL of the connection');
    },
  },
  {
    name: 'timeout',
    answer: (r) => r.delayConnection(2_000).reply(200, {}),
    check: (error, op) => {
      expect(error.name).toBe('AppError');
      expect(error.json.code).toBe('KEYGEN_TIMEOUT');
      expect(error.json.message).toContain(
        `Keygen at https://api.keygen.sh did not answer within 0.2 seconds while trying to ${op.doing}`,
      );
      if (op.method !== 'GET') expect(error.json.message).toContain('may or may not have done it');
    },
  },
  {
    name: 'malformed JSON',
    answer: (r) =>
      r.reply(200, '{"data": {"id": "x", ', { 'Content-Type': 'application/vnd.api+json' }),
    check: (error, op) => {
      expect(error.name).toBe('AppError');
      expect(error.json.code).toBe('NOT_KEYGEN_API');
      expect(error.json.message).toContain(
        'answered HTTP 200 with a body that is not JSON (Content-Type application/vnd.api+json)',
      );
      expect(error.json.message).toContain(`while trying to ${op.doing}`);
      permanent(error);
    },
  },
  {
    name: 'empty 200 body',
    answer: (r) => r.reply(200, '', { 'Content-Type': 'application/vnd.api+json' }),
    check: (error) => {
      expect(error.json.code).toBe('NOT_KEYGEN_API');
      expect(error.json.message).toContain('answered HTTP 200 with an empty body');
      permanent(error);
    },
  },
  {
    name: '200 whose body is not JSON',
    answer: (r) =>
      r.reply(200, '<!DOCTYPE html><html><head><title>Acme Licensing</title></head></html>', {
        'Content-Type': 'text/html',
      }),
    check: (error) => {
      expect(error.json.code).toBe('NOT_KEYGEN_API');
      expect(error.json.message).toContain('HTTP 200 with an HTML page titled "Acme Licensing"');
      expect(error.json.message).toContain('which is not an answer of the Keygen API');
      permanent(error);
    },
  },
];

const MATRIX = OPERATIONS.flatMap((op) =>
  FAULTS.map((fault) => [op.name, fault.name, op, fault] as const),
);

it("gives each request a time limit that leaves room in Zapier's 30 s for a second request", () => {
  expect(DEFAULT_TIMEOUT_MS).toBeGreaterThanOrEqual(5_000);
  expect(DEFAULT_TIMEOUT_MS).toBeLessThanOrEqual(15_000);
});

describe('fault matrix', () => {
  beforeAll(() => {
    requestLimits.timeoutMs = 200;
  });
  afterAll(() => {
    requestLimits.timeoutMs = DEFAULT_TIMEOUT_MS;
  });

  it.each(MATRIX)(
    '%s, %s',
    async (_op, _fault, op, fault) => {
      const scope = fault.answer(nock('https://api.keygen.sh').intercept(() => true, op.method));
      const error = await caught(op.run());
      expect(scope.isDone()).toBe(true);
      fault.check(error, op);
      expect(error.text).not.toContain('HTTP_');
    },
    15_000,
  );
});
