// The built app, loaded exactly as Zapier loads it (root index.js -> dist/app.js, so `npm run
// build` first), typed only as far as the black-box contract tests need, and the Keygen account
// those tests simulate. Written from the published contracts (docs/fields.md, docs/actions.md), never from the app's sources.
import path from 'node:path';
import { createAppTester } from 'zapier-platform-core';

export type Dict = Record<string, unknown>;
export interface Field {
  key: string;
  required?: boolean;
  type?: string;
  dict?: boolean;
  list?: boolean;
}
export interface Operation {
  type?: string;
  perform: unknown;
  performList?: unknown;
  performSubscribe?: unknown;
  performUnsubscribe?: unknown;
  inputFields?: unknown[];
  sample?: Dict;
}
export interface Action {
  key: string;
  operation: Operation;
}
export interface AppShape {
  authentication: { type: string; fields: Field[]; test: unknown };
  triggers: Record<string, Action>;
  creates: Record<string, Action>;
  searches: Record<string, Action>;
  hydrators?: Record<string, unknown>;
}

// eslint-disable-next-line @typescript-eslint/no-require-imports
export const App: AppShape = require(path.join(__dirname, '..', '..', 'index.js'));

export type Tester = (method: unknown, bundle: Dict, clearCache?: boolean) => Promise<unknown>;
export const newTester = (): Tester => createAppTester(App) as unknown as Tester;

export {
  CLOUD,
  ACCOUNT,
  ACCOUNT_UUID,
  TOKEN,
  authData as AUTH,
  JSON_API,
  at as ap,
  LICENSE_ID,
  LICENSE_KEY,
  POLICY_ID,
  PRODUCT_ID,
  USER_ID,
  ENDPOINT_ID,
} from './account';
