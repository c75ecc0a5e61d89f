// The check-out actions against the sandbox over real HTTP on 127.0.0.1 (no nock): the record's
// fields are the record after this check-out, and the file is named by the key or fingerprint.
import { createAppTester, type Bundle, type ZObject } from 'zapier-platform-core';
import App = require('../../index');
import type { Sandbox } from '../../tools/sandbox/server';
import { activateMachine, useSandbox } from '../helpers/sandbox-http';

type Perform = (z: ZObject, bundle: Bundle) => Promise<Record<string, unknown>>;
const creates = App.creates as unknown as Record<string, { operation: { perform: Perform } }>;
const appTester = createAppTester(App);
const LIMIT_MS = 30_000;
let sandbox: Sandbox;

useSandbox((started) => (sandbox = started));

const run = (key: string, inputData: Record<string, unknown>) =>
  appTester(creates[key].operation.perform, {
    authData: { baseUrl: sandbox.baseUrl, accountId: sandbox.accountId, token: sandbox.token },
    inputData,
  });

/** The name in a dehydrated file: `hydrate|||{…}|||hydrate`. */
const fileName = (file: unknown) =>
  JSON.parse(/^hydrate\|\|\|(.*)\|\|\|hydrate$/s.exec(String(file))![1]).bundle.name;

test(
  'checkout_license_file: license_last_check_out is this check-out, not the one before',
  async () => {
    const { id, key } = sandbox.seed.licenses.active;
    const first = await run('checkout_license_file', { license: id });
    expect(first.license_last_check_out).toBe(first.license_file_issued);
    await new Promise((resolve) => setTimeout(resolve, 5));
    const second = await run('checkout_license_file', { license: key });
    expect(second.license_last_check_out).toBe(second.license_file_issued);
    expect(second.license_last_check_out).not.toBe(first.license_last_check_out);
    expect(fileName(second.license_file)).toBe(`${key}.lic`);
  },
  LIMIT_MS,
);

test(
  'checkout_machine_file: machine_last_check_out is this check-out',
  async () => {
    const created = await activateMachine(sandbox, 'e2e-checkout-fp');
    expect(created.status).toBe(201);
    const result = await run('checkout_machine_file', { machine: created.body.data.id });
    expect(result.machine_last_check_out).toBe(result.machine_file_issued);
    expect(fileName(result.machine_file)).toBe('e2e-checkout-fp.lic');
  },
  LIMIT_MS,
);
