// The Keygen account every test simulates, unit and contract alike: its connection, and the ids of
// the records the delivery fixtures (test/fixtures/deliveries) carry.
export const CLOUD = 'https://api.keygen.sh';
/** A slug: the signature's keyid is the account UUID. */
export const ACCOUNT = 'acme';
export const ACCOUNT_UUID = '1fddcec8-8dd3-4d8d-9b16-215cac0f9b52';
export const TOKEN = 'admin-4f1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8fv3';
export const authData = { accountId: ACCOUNT, token: TOKEN };
/** Keygen's JSON:API answers, with the charset Keygen adds. */
export const JSON_API = { 'Content-Type': 'application/vnd.api+json; charset=utf-8' };

/** Path under the test account. */
export const at = (path: string, account = ACCOUNT) => `/v1/accounts/${account}${path}`;

export const LICENSE_ID = 'b18e3f3a-330c-4d8d-ae2e-014db21fa827';
export const LICENSE_KEY = '4A5E1C-9F02B7-D3E6A1-0C7B5F-8E21D4-V3';
export const POLICY_ID = '70af414d-6152-4ff1-892b-15a40ada6b4e';
export const PRODUCT_ID = 'c7a96ae1-5c35-4a0c-a2b8-1b3e0a4f0d11';
export const USER_ID = 'e8bf27c0-5f9c-4135-a65c-f52706c5fd4c';
export const ENDPOINT_ID = '5e0c3b4d-2a1f-4c6e-8d9b-0a1b2c3d4e5f';
