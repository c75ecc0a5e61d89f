/**
 * Keygen 1.8 fields end to end: relationship meta, a validation's nonce and scope, and payloads an
 * endpoint on an older API version stored, through a signed delivery (perform) and through the
 * editor's list (performList over GET /webhook-events).
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Bundle, ZObject } from 'zapier-platform-core';
import { resourceOutputFields } from '../../keygen/normalize';
import { App, appTester, at, authData, keygenApi, JSON_API } from '../helpers/app';
import { makeAccountKeys, signDelivery } from '../helpers/keygen-signer';

type Perform = (z: ZObject, bundle: Bundle) => Promise<unknown>;
type Flat = Record<string, unknown>;
const triggers = App.triggers as unknown as Record<
  string,
  { operation: { perform: Perform; performList: Perform; outputFields: { key: string }[] } }
>;

const keys = makeAccountKeys();
const TARGET = 'https://hooks.zapier.com/hooks/standard/1234567/fidelity/';

/** A delivery body (`{ data: <webhook event> }`), compact as Keygen sends it. */
function fixtureBody(name: string): string {
  const file = path.join(__dirname, '..', 'fixtures', 'fidelity', `${name}.json`);
  return JSON.stringify(JSON.parse(fs.readFileSync(file, 'utf8')));
}
const listed = (name: string) => JSON.parse(fixtureBody(name)).data;

async function deliver(trigger: string, events: string[], body: string): Promise<Flat> {
  const subscribeData = { id: 'endpoint-1', url: TARGET, events, keys: keys.meta };
  const headers = signDelivery({ body, url: TARGET, keys });
  const rawRequest = { method: 'POST', querystring: '', headers, content: body };
  const result = await appTester(
    triggers[trigger].operation.perform,
    { authData, subscribeData, rawRequest, cleanedRequest: {} } as never,
    true,
  );
  const flats = result as Flat[];
  expect(flats).toHaveLength(1);
  return flats[0];
}

async function list(trigger: string, inputData: object, items: unknown[]): Promise<Flat[]> {
  keygenApi()
    .get(at('/webhook-events'))
    .query(true)
    .reply(200, { data: items, links: { next: null } }, JSON_API);
  return (await appTester(triggers[trigger].operation.performList, {
    authData,
    inputData,
  })) as Flat[];
}

const VALIDATION_FAILED = {
  license_machines_count: 2,
  license_machines_cores: 12,
  license_machines_memory: 34359738368,
  license_machines_disk: 512110190592,
  license_users_count: 1,
  validation_valid: false,
  validation_code: 'NO_MACHINE',
  validation_nonce: 1751313106,
  validation_scope_fingerprint: '4d:Eq:UV:D3:XZ:tL:WN:Bz:mA:Eg:E6:Mk:YX:dK:NC',
  validation_scope_entitlements: ['FEATURE_A', 'FEATURE_B'],
  validation_scope_product: 'c7a96ae1-5c35-4a0c-a2b8-1b3e0a4f0d11',
  validation_scope_policy: null,
  validation_scope_machine: null,
};

describe('relationship meta and a validation’s nonce and scope', () => {
  const body = fixtureBody('license-validation-failed.v1.8');

  it('reach the user through a signed delivery, lists as lists', async () => {
    const flat = await deliver('license_validation_failed', ['license.validation.failed'], body);
    expect(flat).toMatchObject(VALIDATION_FAILED);
    // Every declared field is present, and the declared ones are all the delivery has.
    const declared = triggers.license_validation_failed.operation.outputFields.map((f) => f.key);
    expect(Object.keys(flat).sort()).toEqual(
      [...declared, 'license_metadata__stripeCustomerId', 'license_metadata__seats'].sort(),
    );
  });

  it('reach the user through performList, the same as a delivery', async () => {
    const [flat] = await list('license_validation_failed', {}, [
      listed('license-validation-failed.v1.8'),
    ]);
    expect(flat).toMatchObject(VALIDATION_FAILED);
  });
});

describe('events stored at older API versions (another endpoint of the account)', () => {
  const current = {
    policy_process_leasing_strategy: 'PER_MACHINE',
    policy_machine_leasing_strategy: 'PER_LICENSE',
    policy_machine_uniqueness_strategy: 'UNIQUE_PER_LICENSE',
    policy_machine_matching_strategy: 'MATCH_ANY',
  };
  const oldNames = [
    'policy_leasing_strategy',
    'policy_fingerprint_uniqueness_strategy',
    'policy_fingerprint_matching_strategy',
  ];

  it('performList reads 1.2, 1.4 and 1.8 payloads in 1.8 names, never null for an old name', async () => {
    const results = await list('new_event', { events: ['policy.updated'] }, [
      listed('policy-updated.v1.2'),
      listed('policy-updated.v1.4'),
      listed('policy-updated.v1.8'),
    ]);
    expect(results.map((r) => r.api_version)).toEqual(['1.2', '1.4', '1.8']);
    const policyKeys = resourceOutputFields('policies').map((f) => f.key);
    for (const flat of results) {
      expect(flat).toMatchObject(current);
      for (const key of oldNames) expect(flat).not.toHaveProperty(key);
      // The three versions give the same policy fields.
      expect(Object.fromEntries(policyKeys.map((k) => [k, flat[k]]))).toEqual(
        Object.fromEntries(policyKeys.map((k) => [k, results[2][k]])),
      );
    }
  });

  it('a signed delivery of a 1.4 payload is read in 1.8 names too', async () => {
    const flat = await deliver('new_event', ['policy.updated'], fixtureBody('policy-updated.v1.4'));
    expect(flat).toMatchObject({ api_version: '1.4', ...current });
    expect(flat).not.toHaveProperty('policy_leasing_strategy');
  });
});
