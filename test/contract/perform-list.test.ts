// Black-box contract tests (built app, nock for Keygen): perform list.
import nock from 'nock';
import { App, newTester, CLOUD, TOKEN, AUTH, JSON_API, ap } from '../helpers/built-app';
import {
  deliveries,
  deliver,
  single,
  expectDeliveryFields,
  useNock,
} from '../helpers/contract-kit';

useNock();

describe('performList (contract)', () => {
  const listScope = (event: string, items: unknown[]) =>
    nock(CLOUD, { reqheaders: { authorization: `Bearer ${TOKEN}`, 'keygen-version': '1.8' } })
      .get(ap('/webhook-events'))
      .query((q) => {
        const events = q['events[]'] ?? q.events;
        return Array.isArray(events) ? events.includes(event) : events === event;
      })
      .reply(
        200,
        { data: items, links: { self: ap('/webhook-events'), prev: null, next: null } },
        JSON_API,
      );

  it.each(deliveries.map((d) => [d.file, d] as const))(
    'one listed %s is normalized like a live delivery',
    async (_file, d) => {
      const listed = {
        ...d.envelope.data,
        attributes: {
          ...d.envelope.data.attributes,
          status: 'DELIVERED',
          lastResponseCode: 200,
          lastResponseBody: 'OK',
        },
      };
      const scope = listScope(d.event, [listed]);
      const result = await newTester()(App.triggers[d.triggerKey].operation.performList, {
        authData: AUTH,
        inputData: {},
        meta: {},
      });
      expect(scope.isDone()).toBe(true);
      const listedFields = single(result);
      expectDeliveryFields(listedFields, d);
      const live = single(await deliver(d));
      expect(Object.keys(listedFields).sort()).toEqual(Object.keys(live).sort());
    },
  );

  it('an empty list yields the static sample', async () => {
    const scope = listScope('license.created', []);
    const result = await newTester()(App.triggers.license_created.operation.performList, {
      authData: AUTH,
      inputData: {},
      meta: {},
    });
    expect(scope.isDone()).toBe(true);
    const sample = single(result);
    expect(Object.keys(sample).length).toBeGreaterThan(0);
    expect(sample).toEqual(App.triggers.license_created.operation.sample);
  });
});
