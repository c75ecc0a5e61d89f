import nock from 'nock';
import { createAppTester } from 'zapier-platform-core';
import App = require('../../index');

export { App };
export const appTester = createAppTester(App);

export const ACCOUNT = 'acme';
export const TOKEN = 'admin-0123456789abcdef0123456789abcdef0123456789abcdef0123456789abv3';
export const authData = { accountId: ACCOUNT, token: TOKEN };

/** Keygen Cloud (or another root), expecting the headers every request must carry. */
export function keygenApi(root = 'https://api.keygen.sh'): nock.Scope {
  return nock(root, {
    reqheaders: {
      authorization: `Bearer ${TOKEN}`,
      accept: 'application/vnd.api+json',
      'keygen-version': '1.8',
    },
  });
}

/** Path under the test account. */
export const at = (path: string, account = ACCOUNT) => `/v1/accounts/${account}${path}`;

export const JSON_API = { 'Content-Type': 'application/vnd.api+json' };

/** A license of the test account, by id and by key. */
export const LICENSE_ID = '9a1f6c0e-3b7d-4c2a-8e5f-1d2c3b4a5e6f';
export const LICENSE_KEY = 'C1B6DE-39A6E3-DE1A5A-9E7B6B-8E21D4-V3';

type Step = { operation: { perform: unknown } };
const step = (group: Record<string, Step>, key: string) => {
  if (!group[key]) throw new Error(`The app has no operation ${key}`);
  return group[key].operation.perform as Parameters<typeof appTester>[0];
};

/** Runs an action's perform as Zapier does, with the test account's connection. */
export const runCreate = (key: string, inputData: Record<string, unknown>) =>
  appTester(step(App.creates as unknown as Record<string, Step>, key), {
    authData,
    inputData,
  }) as Promise<Record<string, unknown>>;

/** Runs a search's perform as Zapier does, with the test account's connection. */
export const runSearch = (key: string, inputData: Record<string, unknown>) =>
  appTester(step(App.searches as unknown as Record<string, Step>, key), {
    authData,
    inputData,
  }) as Promise<Record<string, unknown>[]>;

/** Requests of the current test that no interceptor matched: none when input is refused first. */
export const unmatched: string[] = [];
const onNoMatch = (req: { method?: string; path?: string; href?: string }) => {
  unmatched.push(`${req.method} ${req.href ?? req.path}`);
};

beforeAll(() => {
  nock.disableNetConnect();
  nock.emitter.on('no match', onNoMatch);
});
beforeEach(() => {
  unmatched.length = 0;
});
afterEach(() => {
  const pending = nock.pendingMocks();
  nock.cleanAll();
  if (pending.length) throw new Error(`Keygen calls expected but not made: ${pending.join(', ')}`);
});
// Each test file loads its own nock, which patches http for the whole worker: undo it so the
// next file's nock is the only one intercepting.
afterAll(() => {
  nock.emitter.removeListener('no match', onNoMatch);
  nock.restore();
});
