import type { Bundle, ZObject } from 'zapier-platform-core';
import { App, appTester, at, authData, keygenApi } from '../helpers/app';

type Perform = (z: ZObject, bundle: Bundle) => Promise<{ id: string; label: string }[]>;
type Field = { key: string; dynamic?: string; search?: string };
type Member = {
  key: string;
  display: { hidden?: boolean; label: string };
  operation: { type?: string; perform: Perform; canPaginate?: boolean; inputFields?: Field[] };
};
const triggers = App.triggers as unknown as Record<string, Member>;
const list = (key: string, page?: number, inputData: Record<string, unknown> = {}) =>
  appTester(triggers[key].operation.perform, {
    authData,
    inputData,
    meta: { isFillingDynamicDropdown: true, ...(page === undefined ? {} : { page }) },
  });

const record = (
  type: string,
  id: string,
  attributes: Record<string, unknown>,
  relationships = {},
) => ({
  id,
  type,
  attributes,
  relationships,
});

const DROPDOWN_KEYS = [
  'list_products',
  'list_policies',
  'list_entitlements',
  'list_licenses',
  'list_users',
  'list_groups',
  'list_machines',
];

describe('dropdown triggers', () => {
  it.each(DROPDOWN_KEYS)('%s is a hidden, paginated polling trigger', (key) => {
    const trigger = triggers[key];
    expect(trigger.key).toBe(key);
    expect(trigger.display.hidden).toBe(true);
    expect(trigger.operation.type).toBe('polling');
    expect(trigger.operation.canPaginate).toBe(true);
  });

  it('every dynamic field of every action and search points at a trigger that exists, every search field at a search', () => {
    const members = [
      ...Object.values(App.creates),
      ...Object.values(App.searches),
      ...Object.values(App.triggers),
    ] as unknown as Member[];
    const fields = members.flatMap((m) => m.operation.inputFields ?? []);
    const dynamic = fields.filter((f) => f.dynamic);
    expect(dynamic.length).toBeGreaterThan(20);
    for (const field of dynamic) {
      const [trigger, id, label] = String(field.dynamic).split('.');
      expect([field.key, trigger in triggers, id, label]).toEqual([field.key, true, 'id', 'label']);
    }
    for (const field of fields.filter((f) => f.search)) {
      const [search, id] = String(field.search).split('.');
      expect([field.key, search in App.searches, id]).toEqual([field.key, true, 'id']);
      expect(field.dynamic).toBeTruthy();
    }
  });

  it('pages through licenses: Zapier page 0, 1, 2 is Keygen page 1, 2, 3 of 100', async () => {
    const api = keygenApi();
    for (const page of [1, 2, 3]) {
      api
        .get(at('/licenses'))
        .query({ 'page[number]': page, 'page[size]': 100 })
        .reply(200, {
          data: [
            record('licenses', `lic-${page}`, {
              name: `License ${page}`,
              key: `AAAAAA-BBBBBB-CCCCCC-${page}E21D4-V3`,
            }),
          ],
        });
    }
    const pages = [];
    for (const page of [0, 1, 2]) pages.push(await list('list_licenses', page));
    expect(pages.map((results) => results.map((r) => [r.id, r.label]))).toEqual([
      [['lic-1', 'License 1 (…1E21D4-V3)']],
      [['lic-2', 'License 2 (…2E21D4-V3)']],
      [['lic-3', 'License 3 (…3E21D4-V3)']],
    ]);
  });

  it('starts at Keygen page 1 when Zapier sends no page, and keeps the flat fields', async () => {
    keygenApi()
      .get(at('/licenses'))
      .query({ 'page[number]': 1, 'page[size]': 100 })
      .reply(200, {
        data: [
          record('licenses', 'lic-1', {
            name: null,
            key: '4A5E1C-9F02B7-D3E6A1-0C7B5F-8E21D4-V3',
            status: 'ACTIVE',
          }),
          record('licenses', 'lic-2', { name: 'Legacy', key: null }),
        ],
      });
    const results = await list('list_licenses');
    expect(results).toEqual([
      expect.objectContaining({
        id: 'lic-1',
        label: 'License (…8E21D4-V3)',
        license_status: 'ACTIVE',
      }),
      expect.objectContaining({ id: 'lic-2', label: 'Legacy' }),
    ]);
  });

  it('labels users by name and email', async () => {
    keygenApi()
      .get(at('/users'))
      .query(true)
      .reply(200, {
        data: [
          record('users', 'u1', { fullName: 'Jane Doe', email: 'jane@example.com' }),
          record('users', 'u2', { firstName: 'Sam', lastName: null, email: 'sam@example.com' }),
          record('users', 'u3', { email: 'anon@example.com' }),
        ],
      });
    const results = await list('list_users', 0);
    expect(results.map((r) => r.label)).toEqual([
      'Jane Doe <jane@example.com>',
      'Sam <sam@example.com>',
      'anon@example.com',
    ]);
  });

  it('labels a policy with its product, filtered by the product input', async () => {
    keygenApi()
      .get(at('/policies'))
      .query({ product: 'prod-1', 'page[number]': 2, 'page[size]': 100 })
      .reply(200, {
        data: [
          record(
            'policies',
            'pol-1',
            { name: 'Pro Yearly' },
            { product: { data: { type: 'products', id: 'prod-1' } } },
          ),
        ],
      })
      .get(at('/products'))
      .query({ 'page[number]': 1, 'page[size]': 100 })
      .reply(200, { data: [record('products', 'prod-1', { name: 'Acme App' })] });
    const results = await list('list_policies', 1, { product: 'prod-1' });
    expect(results).toEqual([
      expect.objectContaining({ id: 'pol-1', label: 'Pro Yearly (Product: Acme App)' }),
    ]);
  });

  it("falls back to the product's id when product names can't be read", async () => {
    keygenApi()
      .get(at('/policies'))
      .query({ 'page[number]': 1, 'page[size]': 100 })
      .reply(200, {
        data: [
          record(
            'policies',
            'pol-1',
            { name: 'Basic' },
            { product: { data: { type: 'products', id: 'prod-9' } } },
          ),
        ],
      })
      .get(at('/products'))
      .query(true)
      .reply(403, { errors: [{ title: 'Access denied' }] });
    const results = await list('list_policies', 0);
    expect(results[0].label).toBe('Basic (Product: prod-9)');
  });

  it('reads no products for an empty page of policies', async () => {
    keygenApi().get(at('/policies')).query(true).reply(200, { data: [] });
    await expect(list('list_policies', 5)).resolves.toEqual([]);
  });

  it.each([
    ['list_products', 'products', { name: 'Acme App', code: 'acme' }, 'Acme App'],
    [
      'list_entitlements',
      'entitlements',
      { name: 'Feature A', code: 'FEATURE_A' },
      'Feature A (FEATURE_A)',
    ],
    ['list_groups', 'groups', { name: 'Enterprise' }, 'Enterprise'],
    [
      'list_machines',
      'machines',
      { name: 'Office Mac', fingerprint: '4f:1a' },
      'Office Mac (4f:1a)',
    ],
    ['list_machines', 'machines', { name: null, fingerprint: '4f:1a' }, '4f:1a'],
  ])('%s labels %s', async (key, type, attributes, label) => {
    keygenApi()
      .get(at(`/${type}`))
      .query({ 'page[number]': 1, 'page[size]': 100 })
      .reply(200, { data: [record(type, 'r1', attributes)] });
    const results = await list(key, 0);
    expect(results.map((r) => [r.id, r.label])).toEqual([['r1', label]]);
  });

  it('a Keygen error in a dropdown is readable', async () => {
    keygenApi()
      .get(at('/groups'))
      .query(true)
      .reply(403, {
        errors: [
          { title: 'Access denied', detail: 'You do not have permission to complete the request' },
        ],
      });
    await expect(list('list_groups', 0)).rejects.toThrow(/not allowed to list groups/);
  });
});
