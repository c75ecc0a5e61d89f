// The app as Zapier loads it: the root index.js, which loads the bundle that `npm run build` made
// (`npm test` builds first). The other tests run the TypeScript sources.
import path from 'node:path';
import { createAppTester, type Bundle, type ZObject } from 'zapier-platform-core';
import { App, authData } from '../helpers/app';
import { fixture } from '../helpers/fixtures';
import { makeAccountKeys, signDelivery } from '../helpers/keygen-signer';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const built = require(path.join(__dirname, '..', '..', 'index.js')) as typeof App;
// eslint-disable-next-line @typescript-eslint/no-require-imports
const schema = require('zapier-platform-core/src/tools/schema');

describe('the built app (root index.js)', () => {
  it('is the app object itself, with every trigger, action and search of the sources', () => {
    expect(built).not.toHaveProperty('default');
    for (const group of ['triggers', 'creates', 'searches', 'searchOrCreates'] as const) {
      expect(Object.keys(built[group]).sort()).toEqual(Object.keys(App[group]).sort());
    }
    expect(built.authentication.fields).toEqual(App.authentication.fields);
  });

  it('passes schema validation', () => {
    expect(schema.validateApp(schema.prepareApp(built))).toEqual([]);
  });

  it('verifies and flattens a signed delivery (zod loads inside the bundle)', async () => {
    const keys = makeAccountKeys();
    const f = fixture('license-created');
    const url = f.endpointUrl;
    const triggers = built.triggers as unknown as Record<
      string,
      { operation: { perform: (z: ZObject, bundle: Bundle) => Promise<unknown> } }
    >;
    const perform = triggers.license_created.operation.perform;
    const result = (await createAppTester(built)(perform, {
      authData,
      subscribeData: { id: 'endpoint-1', url, events: ['license.created'], keys: keys.meta },
      rawRequest: {
        method: 'POST',
        headers: signDelivery({ body: f.body, url, keys }),
        content: f.body,
      },
      cleanedRequest: {},
    } as never)) as Record<string, unknown>[];
    expect(result).toHaveLength(1);
    expect(result[0]).toMatchObject({
      id: f.json.data.id,
      event: 'license.created',
      license_key: '4A5E1C-9F02B7-D3E6A1-0C7B5F-8E21D4-V3',
      license_metadata__stripeCustomerId: 'cus_Q1w2E3r4T5y6U7',
    });
  });
});
