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

export const CLOUD = 'https://api.keygen.sh';
/** A slug: the signature's keyid is the account UUID. */
export const ACCOUNT = 'acme';
export const ACCOUNT_UUID = '1fddcec8-8dd3-4d8d-9b16-215cac0f9b52';
export const TOKEN = 'admin-4f1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8fv3';
export const AUTH = { accountId: ACCOUNT, token: TOKEN };
export const JSON_API = { 'Content-Type': 'application/vnd.api+json; charset=utf-8' };
export const ap = (p: string, account = ACCOUNT) => `/v1/accounts/${account}${p}`;

// The ids the delivery fixtures carry.
export const LICENSE_ID = 'b18e3f3a-330c-4d8d-ae2e-014db21fa827';
export const LICENSE_KEY = '4A5E1C-9F02B7-D3E6A1-0C7B5F-8E21D4-V3';
export const POLICY_ID = '70af414d-6152-4ff1-892b-15a40ada6b4e';
export const PRODUCT_ID = 'c7a96ae1-5c35-4a0c-a2b8-1b3e0a4f0d11';
export const USER_ID = 'e8bf27c0-5f9c-4135-a65c-f52706c5fd4c';
export const ENDPOINT_ID = '5e0c3b4d-2a1f-4c6e-8d9b-0a1b2c3d4e5f';
