import nock from 'nock';
import { createAppTester } from 'zapier-platform-core';
import App = require('../../index');
import { unmatched, useNock } from './nock-hooks';
import { authData, CLOUD, TOKEN } from './account';

export { ACCOUNT, at, authData, JSON_API, LICENSE_ID, LICENSE_KEY, TOKEN } from './account';
export { App };
export const appTester = createAppTester(App);

/** Keygen Cloud (or another root), expecting the headers every request must carry. */
export function keygenApi(root = CLOUD): nock.Scope {
  return nock(root, {
    reqheaders: {
      authorization: `Bearer ${TOKEN}`,
      accept: 'application/vnd.api+json',
      'keygen-version': '1.8',
    },
  });
}

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

export { unmatched };
useNock();
