import fc from 'fast-check';
import { DeliveryError, readDelivery, readWebhookEvent } from '../../keygen/delivery';
import { EVENTS, findEvent, type KeygenEvent } from '../../keygen/events';
import {
  metaFields,
  metaOutputFields,
  EVENT_FIELDS,
  eventOutputFields,
  flattenEvent,
  flattenResource,
  knownResourceTypes,
  nounOf,
  resourceOutputFields,
  type Flat,
  type JsonApiResource,
  type OutputField,
  type ParsedPayload,
  type WebhookEventResource,
} from '../../keygen/normalize';
import { sampleEvent, sampleResource } from '../../keygen/samples';
import { deliveryFixtures, fixture, type DeliveryFixture } from '../helpers/fixtures';

// ---------------------------------------------------------------------------------------------
// Helpers: expectations are computed from the parsed payload, independently of the normalizer.
// ---------------------------------------------------------------------------------------------

const DAY = 86_400_000;
const EVENT_KEYS = [
  'id',
  'event',
  'event_created',
  'idempotency_token',
  'api_version',
  'resource_type',
  'resource_id',
];
const FIELD_TYPES = new Set(['string', 'integer', 'number', 'boolean', 'datetime']);

type Json = Record<string, unknown>;

/** camelCase / kebab-case → snake_case, as the contract names fields. */
const snake = (name: string): string =>
  name
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/-/g, '_')
    .toLowerCase();

const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Leaves of a nested object as [path, value]; an empty nested object is a leaf. */
function leaves(value: Json, path: string[] = []): [string[], unknown][] {
  return Object.entries(value).flatMap(([key, item]): [string[], unknown][] =>
    isObject(item) && Object.keys(item).length > 0
      ? leaves(item, [...path, key])
      : [[[...path, key], item]],
  );
}

/** What a leaf value becomes: scalars and lists of scalars as they are, anything else JSON text. */
function asField(value: unknown): unknown {
  if (value === undefined) return null;
  if (Array.isArray(value))
    return value.every((v) => v === null || typeof v !== 'object') ? value : JSON.stringify(value);
  return isObject(value) ? JSON.stringify(value) : value;
}

/** Every value, including those of line items, as [path, value]. */
function allValues(flat: Flat, path = ''): [string, unknown][] {
  return Object.entries(flat).flatMap(([key, value]): [string, unknown][] =>
    Array.isArray(value) && value.every(isObject)
      ? [
          [path + key, value],
          ...value.flatMap((item, i) => allValues(item, `${path}${key}[${i}].`)),
        ]
      : [[path + key, value]],
  );
}

function expectNoUndefinedOrNullText(flat: Flat): void {
  for (const [key, value] of allValues(flat)) {
    expect({ key, undefined: value === undefined }).toEqual({ key, undefined: false });
    expect({ key, value }).not.toEqual({ key, value: 'null' });
  }
}

const keysOf = (fields: readonly OutputField[]): string[] => fields.map((f) => f.key).sort();
const sorted = (object: object): string[] => Object.keys(object).sort();

function shapeOf(type: string): KeygenEvent {
  const event = findEvent(type);
  if (!event) throw new Error(`no catalog event ${type}`);
  return event;
}

interface Read {
  envelope: DeliveryFixture['json']['data'];
  payload: { data: unknown; meta?: Json };
  flat: Flat;
}

function readFixture(prefix: string, now = Date.parse('2026-06-30T20:00:00.000Z')): Read {
  const { json, body } = fixture(prefix);
  const { event, payload } = readDelivery(body);
  return {
    envelope: json.data,
    payload: JSON.parse(json.data.attributes.payload),
    flat: flattenEvent(event, payload, findEvent(event.attributes.event), now),
  };
}

/**
 * The resource's values appear in `flat` under the contract's names: `<noun>_<attribute>`,
 * `<noun>_metadata__<path>`, `<noun>_<relationship>_id` (≤ 1.5 `user` as `owner`), `<noun>_<rel>_count`.
 */
function expectResourceValues(flat: Flat, resource: JsonApiResource): void {
  const noun = nounOf(resource.type);
  const declared = new Set(keysOf(resourceOutputFields(resource.type)));
  for (const key of declared) expect(flat).toHaveProperty([key]);
  expect(flat[`${noun}_id`]).toBe(resource.id);
  const attributes = resource.attributes ?? {};
  for (const [name, value] of Object.entries(attributes)) {
    if (name === 'metadata') continue;
    if (isObject(value) && Object.keys(value).length > 0) {
      for (const [path, leaf] of leaves(value)) {
        expect(flat[`${noun}_${snake(name)}__${path.map(snake).join('__')}`]).toEqual(
          asField(leaf),
        );
      }
    } else {
      expect({ name, value: flat[`${noun}_${snake(name)}`] }).toEqual({ name, value });
    }
  }
  if (isObject(attributes.metadata)) {
    for (const [path, leaf] of leaves(attributes.metadata)) {
      const key = `${noun}_metadata__${path.join('__')}`;
      expect({ key, value: flat[key] }).toEqual({ key, value: asField(leaf) });
    }
  }
  for (const [name, rel] of Object.entries(resource.relationships ?? {})) {
    if (name === 'account') continue;
    const relName = name === 'user' && declared.has(`${noun}_owner_id`) ? 'owner' : name;
    const key = `${noun}_${snake(relName)}`;
    const data = rel.data;
    if (Array.isArray(data)) {
      expect(flat[`${key}_ids`]).toBe(data.length ? data.map((d) => d.id).join(',') : null);
    } else if (data) {
      expect({ key, value: flat[`${key}_id`] }).toEqual({ key, value: data.id });
    } else if (data === null) {
      expect(flat[`${key}_id`] ?? null).toBeNull();
    }
    if (typeof rel.meta?.count === 'number') expect(flat[`${key}_count`]).toBe(rel.meta.count);
  }
}

function expectEventFields(read: Read): void {
  const { envelope, payload, flat } = read;
  const data = payload.data as JsonApiResource | JsonApiResource[];
  const records = Array.isArray(data) ? data : [data];
  expect(flat).toMatchObject({
    id: envelope.id,
    event: envelope.attributes.event,
    event_created: envelope.attributes.created,
    idempotency_token: envelope.meta.idempotencyToken,
    api_version: envelope.attributes.apiVersion,
    resource_type: records[0].type,
    resource_id: records.map((r) => r.id).join(','),
  });
  for (const key of EVENT_KEYS) expect(typeof flat[key]).toBe('string');
}

const titleCase = (label: string): boolean =>
  label.length > 0 && label.split(' ').every((word) => /^[A-Z0-9][A-Za-z0-9]*$/.test(word));

function expectWellFormedFields(fields: readonly OutputField[]): void {
  expect(new Set(fields.map((f) => f.key)).size).toBe(fields.length);
  for (const field of fields) {
    expect({ key: field.key, ok: /^[a-z][a-z0-9_]*[a-z0-9]$/i.test(field.key) }).toEqual({
      key: field.key,
      ok: true,
    });
    expect({ key: field.key, label: field.label, ok: titleCase(field.label) }).toEqual({
      key: field.key,
      label: field.label,
      ok: true,
    });
    if (field.type !== undefined) expect(FIELD_TYPES).toContain(field.type);
    if (field.children) {
      expect(field.list).toBe(true);
      expectWellFormedFields(field.children);
    }
  }
}

// ---------------------------------------------------------------------------------------------
// 1. The delivery fixtures
// ---------------------------------------------------------------------------------------------

describe('flattenEvent on the delivery fixtures', () => {
  it('has all seven fixtures', () => {
    expect(deliveryFixtures.map((f) => f.file)).toHaveLength(7);
  });

  describe.each(deliveryFixtures.map((f) => [f.file, f] as const))('%s', (_file, delivery) => {
    const read = readFixture(delivery.file);

    it('carries the envelope as the event fields', () => {
      expectEventFields(read);
    });

    it("carries the payload's values under the contract's names", () => {
      const data = read.payload.data as JsonApiResource | JsonApiResource[];
      if (Array.isArray(data)) {
        const noun = nounOf(data[0].type);
        const items = read.flat[`${noun}s`] as Flat[];
        expect(items).toHaveLength(data.length);
        data.forEach((record, i) => expectResourceValues(items[i], record));
      } else {
        expectResourceValues(read.flat, data);
      }
    });

    it('has every outputField of its event, and no undefined or "null" text', () => {
      const shape = shapeOf(read.envelope.attributes.event);
      for (const key of keysOf(eventOutputFields(shape))) expect(read.flat).toHaveProperty([key]);
      expectNoUndefinedOrNullText(read.flat);
    });

    it('keeps dates as ISO 8601 strings', () => {
      const iso = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;
      const shape = shapeOf(read.envelope.attributes.event);
      const dateKeys = eventOutputFields(shape)
        .flatMap((f) => [f, ...(f.children ?? [])])
        .filter((f) => f.type === 'datetime')
        .map((f) => f.key);
      const values = allValues(read.flat).filter(([path]) =>
        dateKeys.includes(path.replace(/^.*\./, '')),
      );
      expect(values.length).toBeGreaterThan(0);
      for (const [path, value] of values) {
        if (value !== null)
          expect({ path, ok: iso.test(String(value)) }).toEqual({ path, ok: true });
      }
    });
  });

  it('license.created: metadata, relationships, numbers and booleans', () => {
    const { flat, payload } = readFixture('license-created');
    const data = payload.data as JsonApiResource;
    expect(flat.license_metadata__stripeCustomerId).toBe('cus_Q1w2E3r4T5y6U7');
    expect(flat.license_metadata__seats).toBe(3);
    expect(flat.license_owner_id).toBe((data.relationships?.owner?.data as { id: string }).id);
    expect(flat.license_owner_id).toBe('e8bf27c0-5f9c-4135-a65c-f52706c5fd4c');
    expect(flat.license_policy_id).toBe('70af414d-6152-4ff1-892b-15a40ada6b4e');
    expect(flat.license_product_id).toBe('c7a96ae1-5c35-4a0c-a2b8-1b3e0a4f0d11');
    expect(flat.license_max_machines).toBe(3);
    expect(flat.license_protected).toBe(true);
    expect(flat.license_suspended).toBe(false);
    expect(flat.license_uses).toBe(0);
    expect(flat.license_max_uses).toBeNull();
    expect(flat.license_group_id).toBeNull();
    expect(flat.license_key).toBe(data.attributes?.key);
    expect(flat.license_expiry).toBe('2027-06-30T19:50:11.456Z');
    expect(flat.license_users_count).toBe(1);
    expect(flat.license_permissions).toEqual(data.attributes?.permissions);
    expect(flat.resource_type).toBe('licenses');
  });

  it('license.expiring-soon at API 1.4: the owner comes from `relationships.user`', () => {
    const { flat, payload } = readFixture('license-expiring-soon');
    const data = payload.data as JsonApiResource;
    expect(data.relationships?.owner).toBeUndefined();
    const user = data.relationships?.user?.data as { id: string };
    expect(flat.license_owner_id).toBe(user.id);
    expect(flat).not.toHaveProperty('license_user_id');
    expect(flat.api_version).toBe('1.4');
    expect(flat.license_status).toBe('EXPIRING');
  });

  it('license.validation.succeeded: the validation meta', () => {
    const { flat, payload } = readFixture('license-validation-succeeded');
    expect(flat.validation_valid).toBe(true);
    expect(flat.validation_code).toBe('VALID');
    expect(flat.validation_detail).toBe('is valid');
    expect(flat.validation_ts).toBe(payload.meta?.ts);
    expect(flat.validation_ts).toBe('2026-06-30T19:51:46.995Z');
  });

  it('license.validation.* at API 1.0 reads the code from `constant`; false stays false', () => {
    const { json } = fixture('license-validation-succeeded');
    const payload = JSON.parse(json.data.attributes.payload);
    payload.meta = { ts: payload.meta.ts, valid: false, detail: 'is expired', constant: 'EXPIRED' };
    const event = {
      ...json.data,
      attributes: { ...json.data.attributes, apiVersion: '1.0', payload: JSON.stringify(payload) },
    };
    const read = readWebhookEvent(event);
    const flat = flattenEvent(read.event, read.payload, shapeOf('license.validation.failed'));
    expect(flat.validation_valid).toBe(false);
    expect(flat.validation_code).toBe('EXPIRED');
    expect(flat.validation_detail).toBe('is expired');
  });

  it('user.password-reset: the password reset token', () => {
    const { flat, payload } = readFixture('user-password-reset');
    expect(flat.password_reset_token).toBe(payload.meta?.passwordResetToken);
    expect(flat.password_reset_token).toBe('3f8a1c5e9b2d7f4a6c0e8b1d3f5a7c9e2b4d6f8a0c1e3f5av3');
    expect(flat.user_email).toBe('jane.doe@example.com');
    expect(flat.user_full_name).toBe('Jane Doe');
    expect(flat.resource_type).toBe('users');
  });

  it('machine.heartbeat.dead: heartbeat status, license and owner', () => {
    const { flat } = readFixture('machine-heartbeat-dead');
    expect(flat.machine_heartbeat_status).toBe('DEAD');
    expect(flat.machine_license_id).toBe('b18e3f3a-330c-4d8d-ae2e-014db21fa827');
    expect(flat.machine_owner_id).toBe('e8bf27c0-5f9c-4135-a65c-f52706c5fd4c');
    expect(flat.machine_fingerprint).toBe('4d:Eq:UV:D3:XZ:tL:WN:Bz:mA:Eg:E6:Mk:YX:dK:NC');
    expect(flat.machine_memory).toBe(17179869184);
    expect(flat.machine_require_heartbeat).toBe(true);
    expect(flat.machine_disk).toBeNull();
  });

  it('license.entitlements.attached: one object with ids and line items', () => {
    const { flat, payload } = readFixture('license-entitlements-attached');
    const records = payload.data as JsonApiResource[];
    expect(records).toHaveLength(2);
    expect(flat.resource_type).toBe('license-entitlements');
    expect(flat.license_entitlement_ids).toBe(records.map((r) => r.id).join(','));
    expect(flat.license_entitlement_entitlement_ids).toBe(
      records.map((r) => (r.relationships?.entitlement?.data as { id: string }).id).join(','),
    );
    // Both records belong to the same license: listed once.
    expect(flat.license_entitlement_license_ids).toBe('b18e3f3a-330c-4d8d-ae2e-014db21fa827');
    // No environment: absent is null, not ''.
    expect(flat.license_entitlement_environment_ids).toBeNull();
    const items = flat.license_entitlements as Flat[];
    expect(items).toHaveLength(2);
    items.forEach((item, i) => {
      const entitlement = records[i].relationships?.entitlement?.data as { id: string };
      expect(item.license_entitlement_entitlement_id).toBe(entitlement.id);
      expect(item.license_entitlement_id).toBe(records[i].id);
      expect(sorted(item)).toEqual(keysOf(resourceOutputFields('license-entitlements')));
    });
  });

  it('license.suspended on CE: no environment relationship gives null', () => {
    const { flat, payload } = readFixture('license-suspended');
    expect((payload.data as JsonApiResource).relationships).not.toHaveProperty('environment');
    expect(flat).toHaveProperty('license_environment_id', null);
    expect(flat.license_suspended).toBe(true);
    expect(flat.license_status).toBe('SUSPENDED');
    // CE has no permissions either: still a key, null.
    expect(flat).toHaveProperty('license_permissions', null);
  });

  it('licenses at API 1.4 and 1.8 give the same keys', () => {
    const old = readFixture('license-expiring-soon').flat;
    const current = readFixture('license-created').flat;
    expect(sorted(old)).toEqual(sorted(current));
  });
});

// ---------------------------------------------------------------------------------------------
// 2. outputFields, samples and live results have the same keys
// ---------------------------------------------------------------------------------------------

describe('outputFields and samples', () => {
  it.each(EVENTS.map((e) => [e.type, e] as const))(
    '%s: the sample has exactly the outputFields',
    (type, event) => {
      const fields = eventOutputFields(event);
      expectWellFormedFields(fields);
      const sample = sampleEvent(type, event);
      expect(sorted(sample)).toEqual(keysOf(fields));
      expectNoUndefinedOrNullText(sample);
      for (const key of EVENT_KEYS) expect(fields.map((f) => f.key)).toContain(key);

      // The same synthetic resource delivered for real (JSON round trip, readWebhookEvent).
      const resource = sampleResource(event.resource);
      const delivered = readWebhookEvent({
        id: 'evt-1',
        type: 'webhook-events',
        attributes: {
          event: type,
          apiVersion: '1.8',
          created: '2026-06-30T19:50:11.789Z',
          payload: JSON.stringify({ data: event.list ? [resource, resource] : resource }),
        },
        meta: { idempotencyToken: 'token' },
      });
      const live = flattenEvent(delivered.event, delivered.payload, event);
      expect(sorted(live)).toEqual(keysOf(fields));
      expect(live.resource_type).toBe(event.resource);
      for (const field of fields.filter((f) => f.children)) {
        const items = live[field.key] as Flat[];
        expect(items).toHaveLength(2);
        for (const item of items) expect(sorted(item)).toEqual(keysOf(field.children ?? []));
      }
    },
  );

  it('covers every catalog resource type', () => {
    const types = new Set(knownResourceTypes());
    for (const event of EVENTS) expect(types).toContain(event.resource);
  });

  it.each(knownResourceTypes())(
    '%s: flattenResource(sampleResource) has exactly the fields',
    (type) => {
      const fields = resourceOutputFields(type);
      expect(sorted(flattenResource(sampleResource(type)))).toEqual(keysOf(fields));
      expectWellFormedFields(fields);
      const noun = nounOf(type);
      for (const field of fields) expect(field.key.startsWith(`${noun}_`)).toBe(true);
      expect(fields[0]).toMatchObject({ key: `${noun}_id`, type: 'string' });
    },
  );

  it('names nouns in snake_case, singular', () => {
    expect(nounOf('licenses')).toBe('license');
    expect(nounOf('second-factors')).toBe('second_factor');
    expect(nounOf('policies')).toBe('policy');
    expect(nounOf('processes')).toBe('process');
    expect(nounOf('license-entitlements')).toBe('license_entitlement');
    expect(resourceOutputFields('second-factors').map((f) => f.key)).toContain(
      'second_factor_enabled',
    );
    expect(resourceOutputFields('policies').map((f) => f.key)).toContain('policy_max_machines');
    expect(resourceOutputFields('processes').map((f) => f.key)).toContain('process_pid');
  });

  it('has the event fields first, with their labels', () => {
    expect(EVENT_FIELDS.map((f) => f.key)).toEqual(EVENT_KEYS);
    expectWellFormedFields(EVENT_FIELDS);
  });
});

// ---------------------------------------------------------------------------------------------
// 3. Properties
// ---------------------------------------------------------------------------------------------

/** License attributes as keygen-api's app/serializers/license_serializer.rb sends them, with their JSON types. */
const LICENSE_ATTRIBUTES: Record<string, 'string' | 'date' | 'integer' | 'boolean' | 'list'> = {
  name: 'string',
  key: 'string',
  expiry: 'date',
  status: 'string',
  uses: 'integer',
  suspended: 'boolean',
  scheme: 'string',
  encrypted: 'boolean',
  strict: 'boolean',
  floating: 'boolean',
  protected: 'boolean',
  version: 'string',
  maxMachines: 'integer',
  maxProcesses: 'integer',
  maxUsers: 'integer',
  maxCores: 'integer',
  maxMemory: 'integer',
  maxDisk: 'integer',
  maxUses: 'integer',
  requireHeartbeat: 'boolean',
  requireCheckIn: 'boolean',
  lastValidated: 'date',
  lastCheckIn: 'date',
  nextCheckIn: 'date',
  lastCheckOut: 'date',
  permissions: 'list',
  created: 'date',
  updated: 'date',
};
const LICENSE_RELATIONSHIPS = ['environment', 'product', 'policy', 'group'];
/** Keygen 1.8 license relationship meta (keygen-api app/serializers/license_serializer.rb). */
const LICENSE_RELATIONSHIP_META = [
  ['users', 'count'],
  ['machines', 'count'],
  ['machines', 'cores'],
  ['machines', 'memory'],
  ['machines', 'disk'],
];

const text = fc.oneof(fc.string(), fc.constant('null'), fc.constant(''));
const isoDate = fc
  .date({ min: new Date('1990-01-01'), max: new Date('2090-01-01'), noInvalidDate: true })
  .map((d) => d.toISOString());
const typed = {
  string: text,
  date: isoDate,
  integer: fc.integer(),
  boolean: fc.boolean(),
  list: fc.array(fc.string(), { maxLength: 4 }),
};
const scalar = fc.oneof(
  text,
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.boolean(),
  fc.constant(null),
);
/** camelCase names (no two map to the same snake_case name). */
const camel = fc
  .array(fc.stringMatching(/^[a-z][a-z0-9]{0,5}$/), { minLength: 1, maxLength: 3 })
  .map((words) => words.map((w, i) => (i ? w[0].toUpperCase() + w.slice(1) : w)).join(''));
/** Nested metadata keys may be snake_case (API ≤ 1.4), never with a double underscore. */
const nestedKey = fc.oneof(camel, fc.stringMatching(/^[a-z][a-z0-9]{0,4}(_[a-z0-9]{1,4}){0,2}$/));
const metadataValue: fc.Arbitrary<unknown> = fc.letrec<{ value: unknown; object: Json }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    scalar,
    fc.array(fc.oneof(fc.string(), fc.integer(), fc.boolean()), { maxLength: 3 }),
    tie('object'),
  ),
  object: fc.dictionary(nestedKey, tie('value'), { minKeys: 1, maxKeys: 3 }),
})).value;
const metadata = fc.dictionary(camel, metadataValue, { maxKeys: 5 });
const uuid = fc.uuid();
const linkage = (type: string) => fc.record({ type: fc.constant(type), id: uuid });
const relationship = (type: string) =>
  fc.oneof(
    fc.constant(undefined), // absent
    fc.constant({ data: null }),
    linkage(type).map((data) => ({ data })),
  );

const licenseArbitrary = fc
  .record({
    id: uuid,
    attributes: fc.record(
      Object.fromEntries(
        Object.entries(LICENSE_ATTRIBUTES).map(([name, type]) => [
          name,
          fc.option(typed[type] as fc.Arbitrary<unknown>, { nil: null }),
        ]),
      ),
      { requiredKeys: [] },
    ),
    metadata: fc.option(metadata, { nil: undefined }),
    extraAttributes: fc.dictionary(
      camel.filter((name) => !(name in LICENSE_ATTRIBUTES) && name !== 'metadata'),
      fc.oneof(scalar, fc.array(fc.string(), { maxLength: 3 })),
      { maxKeys: 3 },
    ),
    relationships: fc.record(
      Object.fromEntries(LICENSE_RELATIONSHIPS.map((name) => [name, relationship(`${name}s`)])),
    ),
    ownerAs: fc.constantFrom('owner', 'user'),
    owner: relationship('users'),
    // Keygen 1.8's meta keys, and one it may add later (gpuCount), each one present or not.
    relationshipMeta: fc.record({
      users: fc.option(fc.record({ count: fc.nat() }, { requiredKeys: [] }), { nil: undefined }),
      machines: fc.option(
        fc.record(
          {
            count: fc.nat(),
            cores: fc.nat(),
            memory: fc.nat(),
            disk: fc.nat(),
            gpuCount: fc.nat(),
          },
          { requiredKeys: [] },
        ),
        { nil: undefined },
      ),
    }),
    extraRelationships: fc.dictionary(
      camel.filter(
        (name) =>
          ![...LICENSE_RELATIONSHIPS, 'owner', 'user', 'account', 'users', 'machines'].includes(
            name,
          ),
      ),
      fc.oneof(
        fc.constant({ data: null }),
        linkage('things').map((data) => ({ data })),
        fc.array(linkage('things'), { maxLength: 3 }).map((data) => ({ data })),
      ),
      { maxKeys: 3 },
    ),
  })
  .map((g) => {
    const attributes: Json = { ...g.extraAttributes, ...g.attributes };
    if (g.metadata) attributes.metadata = g.metadata;
    const relationships: NonNullable<JsonApiResource['relationships']> = {
      account: { data: { type: 'accounts', id: 'acct' } },
    };
    for (const [name, rel] of Object.entries(g.relationships)) if (rel) relationships[name] = rel;
    if (g.owner) relationships[g.ownerAs] = g.owner;
    for (const [name, meta] of Object.entries(g.relationshipMeta))
      relationships[name] = meta === undefined ? {} : { meta };
    Object.assign(relationships, g.extraRelationships);
    const resource: JsonApiResource = { id: g.id, type: 'licenses', attributes, relationships };
    return { resource, generated: g };
  })
  // An extra attribute must not be named like a field the table already derives.
  .filter(({ generated }) => {
    const declared = new Set(resourceOutputFields('licenses').map((f) => f.key));
    return Object.keys(generated.extraAttributes).every(
      (n) => !declared.has(`license_${snake(n)}`),
    );
  });

const NOW = Date.parse('2026-06-30T12:00:00.000Z');

describe('properties', () => {
  it('(a) a license resource flattens to exactly the expected fields, types preserved', () => {
    fc.assert(
      fc.property(licenseArbitrary, ({ resource, generated }) => {
        const flat = flattenResource(resource, NOW);
        const attributes = resource.attributes ?? {};
        const expected: Flat = { license_id: resource.id };
        for (const name of Object.keys(LICENSE_ATTRIBUTES)) {
          expected[`license_${snake(name)}`] = attributes[name] ?? null;
        }
        for (const [name, value] of Object.entries(generated.extraAttributes)) {
          expected[`license_${snake(name)}`] = value;
        }
        const expiry = attributes.expiry;
        expected.license_days_until_expiry =
          typeof expiry === 'string' ? Math.floor((Date.parse(expiry) - NOW) / DAY) : null;
        for (const [path, leaf] of leaves(generated.metadata ?? {})) {
          expected[`license_metadata__${path.join('__')}`] = asField(leaf);
        }
        for (const name of LICENSE_RELATIONSHIPS) {
          expected[`license_${name}_id`] = generated.relationships[name]?.data?.id ?? null;
        }
        expected.license_owner_id = generated.owner?.data?.id ?? null;
        const meta: Record<string, Record<string, number> | undefined> = generated.relationshipMeta;
        for (const [name, key] of LICENSE_RELATIONSHIP_META) {
          expected[`license_${name}_${key}`] = meta[name]?.[key] ?? null;
        }
        if (meta.machines?.gpuCount !== undefined) {
          expected.license_machines_gpu_count = meta.machines.gpuCount;
        }
        for (const [name, rel] of Object.entries(generated.extraRelationships)) {
          const key = `license_${snake(name)}`;
          if (Array.isArray(rel.data)) {
            expected[`${key}_ids`] = rel.data.length ? rel.data.map((d) => d.id).join(',') : null;
          } else if (rel.data) expected[`${key}_id`] = rel.data.id;
        }

        expect(flat).toEqual(expected);
        // Spelled out: every declared field present, never undefined, "null" only if sent.
        for (const key of keysOf(resourceOutputFields('licenses')))
          expect(flat).toHaveProperty([key]);
        for (const [key, value] of Object.entries(flat)) {
          expect(value).not.toBeUndefined();
          if (value === 'null') expect(expected[key]).toBe('null');
        }
        for (const [name, value] of Object.entries(attributes)) {
          if (name === 'metadata' || value === null) continue;
          expect(typeof flat[`license_${snake(name)}`]).toBe(typeof value);
        }
        for (const [path, leaf] of leaves(generated.metadata ?? {})) {
          const value = flat[`license_metadata__${path.join('__')}`];
          if (leaf === null || typeof leaf !== 'object') expect(value).toBe(leaf);
        }
      }),
      { numRuns: 300 },
    );
  }, 30_000);

  const anyType = fc.oneof(
    fc.constantFrom(...knownResourceTypes()),
    fc.constantFrom('widgets', 'request-logs', 'constructor', '__proto__', 'toString', 'valueOf'),
    fc.string({ maxLength: 12 }),
  );
  const looseRelationship = fc.oneof(
    fc.jsonValue({ maxDepth: 2 }),
    fc.record({
      data: fc.oneof(
        fc.constant(null),
        fc.record({ type: fc.string(), id: fc.string() }),
        fc.array(
          fc.oneof(
            fc.record({ type: fc.string(), id: fc.string() }),
            fc.jsonValue({ maxDepth: 1 }),
          ),
        ),
        fc.jsonValue({ maxDepth: 1 }),
      ),
      meta: fc.option(fc.record({ count: fc.jsonValue({ maxDepth: 1 }) }), { nil: undefined }),
    }),
  );
  const anyResource = fc.record(
    {
      id: fc.string(),
      type: anyType,
      attributes: fc.oneof(
        fc.dictionary(fc.string(), fc.jsonValue({ maxDepth: 3 })),
        fc.record({
          metadata: fc.jsonValue({ maxDepth: 3 }),
          expiry: fc.jsonValue({ maxDepth: 1 }),
        }),
        fc.jsonValue({ maxDepth: 1 }),
      ),
      relationships: fc.oneof(
        fc.dictionary(
          fc.oneof(fc.string(), fc.constantFrom('owner', 'user', 'license', 'account')),
          looseRelationship,
        ),
        fc.jsonValue({ maxDepth: 1 }),
      ),
    },
    { requiredKeys: ['id', 'type'] },
  );
  const anyData = fc.oneof(
    anyResource,
    fc.array(anyResource, { maxLength: 4 }),
    fc.constant(null),
    fc.constant(undefined),
  );
  const anyShape = fc.oneof(fc.constantFrom<KeygenEvent | undefined>(...EVENTS, undefined));

  it('(b) flattenEvent never throws for a resource, a list of resources, null or no data', () => {
    fc.assert(
      fc.property(
        anyData,
        fc.option(fc.jsonValue({ maxDepth: 2 }), { nil: undefined }),
        anyShape,
        fc.integer({ min: 0, max: 4_000_000_000_000 }),
        (data, meta, shape, now) => {
          const event: WebhookEventResource = {
            id: 'evt',
            attributes: { event: shape?.type ?? 'something.new' },
          };
          const payload: ParsedPayload = data === undefined ? { meta } : { data, meta };
          const flat = flattenEvent(event, payload, shape, now);
          for (const key of EVENT_KEYS) expect(flat).toHaveProperty([key]);
          for (const [, value] of allValues(flat)) expect(value).not.toBeUndefined();
          // A catalog event whose data is missing, or of the catalog's type, has all its fields.
          if (
            shape &&
            (data == null || (!shape.list && !Array.isArray(data) && data.type === shape.resource))
          ) {
            for (const key of keysOf(eventOutputFields(shape))) expect(flat).toHaveProperty([key]);
          }
        },
      ),
      { numRuns: 500 },
    );
  }, 30_000);

  function onlyDeliveryErrors(read: () => unknown): void {
    try {
      read();
    } catch (error) {
      expect(error).toBeInstanceOf(DeliveryError);
      expect((error as Error).message.length).toBeGreaterThan(0);
    }
  }

  const envelope = fc.record(
    {
      id: fc.oneof(fc.uuid(), fc.jsonValue({ maxDepth: 1 })),
      type: fc.oneof(fc.constant('webhook-events'), fc.jsonValue({ maxDepth: 1 })),
      attributes: fc.oneof(
        fc.jsonValue({ maxDepth: 2 }),
        fc.record(
          {
            event: fc.oneof(
              fc.constantFrom(...EVENTS.map((e) => e.type)),
              fc.jsonValue({ maxDepth: 1 }),
            ),
            payload: fc.oneof(
              fc.string(),
              fc.json({ maxDepth: 2 }),
              fc.jsonValue({ maxDepth: 2 }),
              fc
                .record({ data: anyData, meta: fc.jsonValue({ maxDepth: 2 }) })
                .map((p) => JSON.stringify(p)),
            ),
            apiVersion: fc.oneof(fc.constant('1.8'), fc.jsonValue({ maxDepth: 1 })),
            created: fc.oneof(isoDate, fc.jsonValue({ maxDepth: 1 })),
          },
          { requiredKeys: [] },
        ),
      ),
      meta: fc.oneof(
        fc.jsonValue({ maxDepth: 1 }),
        fc.record({ idempotencyToken: fc.jsonValue({ maxDepth: 1 }) }),
      ),
    },
    { requiredKeys: [] },
  );

  it('(c) readWebhookEvent on garbage throws only DeliveryError', () => {
    fc.assert(
      fc.property(fc.oneof(fc.anything(), fc.jsonValue(), envelope), (value) => {
        onlyDeliveryErrors(() => {
          const { event, payload } = readWebhookEvent(value);
          // What it accepts, flattenEvent can flatten.
          flattenEvent(event, payload, findEvent(event.attributes.event));
        });
      }),
      { numRuns: 500 },
    );
  });

  it('(c) readDelivery on garbage throws only DeliveryError', () => {
    const body = fixture('license-created').body;
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          fc.json(),
          fc.nat({ max: body.length }).map((n) => body.slice(0, n)),
          fc.record({ data: fc.oneof(envelope, fc.jsonValue()) }).map((d) => JSON.stringify(d)),
          envelope.map((d) => JSON.stringify(d)),
        ),
        (text) => {
          onlyDeliveryErrors(() => {
            const { event, payload } = readDelivery(text);
            flattenEvent(event, payload, findEvent(event.attributes.event));
          });
        },
      ),
      { numRuns: 500 },
    );
  });

  it('(c) readDelivery names what is wrong', () => {
    expect(() => readDelivery('')).toThrow(DeliveryError);
    expect(() => readDelivery('null')).toThrow(DeliveryError);
    expect(() =>
      readDelivery('{"data":{"id":"x","attributes":{"event":"a.b","payload":"{"}}}'),
    ).toThrow(/payload is not JSON/);
    expect(() => readDelivery('{"data":{"id":"x","attributes":{}}}')).toThrow(DeliveryError);
    expect(() => readDelivery(undefined as unknown as string)).toThrow(DeliveryError);
  });
});

// ---------------------------------------------------------------------------------------------
// 4. license_days_until_expiry
// ---------------------------------------------------------------------------------------------

describe('license_days_until_expiry', () => {
  const now = Date.parse('2026-06-30T12:00:00.000Z');
  const license = (expiry: unknown): JsonApiResource => ({
    id: 'lic',
    type: 'licenses',
    attributes: expiry === undefined ? {} : { expiry },
  });
  const days = (expiry: unknown) => flattenResource(license(expiry), now).license_days_until_expiry;

  it('counts whole days left, rounding down', () => {
    expect(days(new Date(now + 2.5 * DAY).toISOString())).toBe(2);
    expect(days(new Date(now + 3 * DAY).toISOString())).toBe(3);
    expect(days(new Date(now + 60_000).toISOString())).toBe(0);
  });

  it('is negative once expired', () => {
    expect(days(new Date(now - DAY).toISOString())).toBe(-1);
    expect(days(new Date(now - 1).toISOString())).toBe(-1);
  });

  it('is null without an expiry', () => {
    expect(days(null)).toBeNull();
    expect(days(undefined)).toBeNull();
    expect(days('not a date')).toBeNull();
  });

  it('is computed for a delivery, at the given time', () => {
    const created = fixture('license-expiring-soon').json.data.attributes.created;
    const { flat } = readFixture('license-expiring-soon', Date.parse(created));
    // 2026-06-30T20:00:01Z → expiry 2026-07-02T15:04:05Z: 1.79 days.
    expect(flat.license_days_until_expiry).toBe(1);
    expect(typeof flat.license_days_until_expiry).toBe('number');
  });

  it('is an integer outputField of licenses only', () => {
    expect(resourceOutputFields('licenses')).toContainEqual(
      expect.objectContaining({ key: 'license_days_until_expiry', type: 'integer' }),
    );
    expect(flattenResource(sampleResource('machines'))).not.toHaveProperty(
      'machine_days_until_expiry',
    );
  });
});

// ---------------------------------------------------------------------------------------------
// 5. What Keygen may add later is kept
// ---------------------------------------------------------------------------------------------

describe('new attributes, relationships and types', () => {
  it('keeps attributes and relationships the table does not know', () => {
    const flat = flattenResource({
      id: 'lic',
      type: 'licenses',
      attributes: {
        name: 'Pro',
        graceDays: 7,
        autoRenew: true,
        renewedAt: '2026-06-30T12:00:00.000Z',
        tags: ['a', 'b'],
        limits: { seats: 5, nested: { deep: 'x' } },
        metadata: { plan: { tier: 'gold', seats: 10 }, stripeCustomerId: 'cus_1' },
      },
      relationships: {
        account: { data: { type: 'accounts', id: 'acct' } },
        owner: { data: { type: 'users', id: 'usr' } },
        reseller: { data: { type: 'resellers', id: 'res' } },
        seats: {
          data: [
            { type: 'seats', id: 's1' },
            { type: 'seats', id: 's2' },
          ],
        },
        none: { data: null },
        linksOnly: {},
      },
    });
    expect(flat).toMatchObject({
      license_name: 'Pro',
      license_grace_days: 7,
      license_auto_renew: true,
      license_renewed_at: '2026-06-30T12:00:00.000Z',
      license_tags: ['a', 'b'],
      license_limits__seats: 5,
      license_limits__nested__deep: 'x',
      license_metadata__plan__tier: 'gold',
      license_metadata__plan__seats: 10,
      license_metadata__stripeCustomerId: 'cus_1',
      license_owner_id: 'usr',
      license_reseller_id: 'res',
      license_seats_ids: 's1,s2',
    });
    for (const key of keysOf(resourceOutputFields('licenses'))) expect(flat).toHaveProperty([key]);
    expect(flat).not.toHaveProperty('license_account_id');
    expectNoUndefinedOrNullText(flat);
  });

  it('flattens an unknown resource type with a noun from its type, metadata and user included', () => {
    const resource: JsonApiResource = {
      id: 'rl-1',
      type: 'request-logs',
      attributes: {
        url: '/v1/licenses',
        statusCode: 200,
        ok: true,
        created: '2026-06-30T12:00:00.000Z',
        metadata: { source: 'api' },
      },
      relationships: {
        account: { data: { type: 'accounts', id: 'acct' } },
        user: { data: { type: 'users', id: 'usr' } },
        license: { data: { type: 'licenses', id: 'lic' } },
      },
    };
    expect(flattenResource(resource)).toEqual({
      request_log_id: 'rl-1',
      request_log_url: '/v1/licenses',
      request_log_status_code: 200,
      request_log_ok: true,
      request_log_created: '2026-06-30T12:00:00.000Z',
      request_log_metadata__source: 'api',
      request_log_user_id: 'usr',
      request_log_license_id: 'lic',
    });
    const flat = flattenEvent(
      { id: 'evt', attributes: { event: 'request-log.created', apiVersion: '1.9' } },
      { data: resource },
      findEvent('request-log.created'),
    );
    expect(flat).toMatchObject({
      id: 'evt',
      event: 'request-log.created',
      resource_type: 'request-logs',
      resource_id: 'rl-1',
      request_log_status_code: 200,
      event_created: null,
      idempotency_token: null,
    });
    expect(resourceOutputFields('request-logs')).toEqual([
      { key: 'request_log_id', label: 'Request Log ID', type: 'string' },
    ]);
  });

  it('keeps metadata of known types whose table has none', () => {
    const flat = flattenResource({
      id: 'k',
      type: 'keys',
      attributes: { key: 'POOL-1', metadata: { batch: 3 } },
    });
    expect(flat.key_key).toBe('POOL-1');
    expect(flat.key_metadata__batch).toBe(3);
  });

  it('an unknown list event gives ids and line items', () => {
    const records = ['a', 'b'].map((id) => ({
      id,
      type: 'widget-links',
      attributes: { position: 1 },
      relationships: { widget: { data: { type: 'widgets', id: `w-${id}` } } },
    }));
    const flat = flattenEvent(
      { id: 'evt', attributes: { event: 'widget.links.attached' } },
      { data: records },
      undefined,
    );
    expect(flat).toMatchObject({
      resource_type: 'widget-links',
      resource_id: 'a,b',
      widget_link_ids: 'a,b',
    });
    expect(flat.widget_links).toEqual([
      { widget_link_id: 'a', widget_link_position: 1, widget_link_widget_id: 'w-a' },
      { widget_link_id: 'b', widget_link_position: 1, widget_link_widget_id: 'w-b' },
    ]);
  });

  it('types named like Object.prototype members are ordinary unknown types', () => {
    for (const type of ['constructor', '__proto__', 'toString', 'hasOwnProperty', 'constructors']) {
      const flat = flattenResource({ id: 'x', type, attributes: { name: 'n' } });
      const noun = nounOf(type);
      expect(flat).toEqual({ [`${noun}_id`]: 'x', [`${noun}_name`]: 'n' });
      for (const field of resourceOutputFields(type)) expect(titleCase(field.label)).toBe(true);
    }
  });

  it('machines at API ≤ 1.5: `user` stands in for the removed `owner`', () => {
    const flat = flattenResource({
      id: 'm',
      type: 'machines',
      attributes: { fingerprint: 'fp' },
      relationships: {
        license: { data: { type: 'licenses', id: 'lic' } },
        user: { data: { type: 'users', id: 'usr' } },
      },
    });
    expect(flat.machine_owner_id).toBe('usr');
    expect(flat.machine_license_id).toBe('lic');
    expect(flat).not.toHaveProperty('machine_user_id');
    expect(sorted(flat)).toEqual(keysOf(resourceOutputFields('machines')));
  });

  it('a `user` relationship that is not an owner keeps its name', () => {
    const flat = flattenResource({
      id: 'sf',
      type: 'second-factors',
      attributes: { enabled: true },
      relationships: { user: { data: { type: 'users', id: 'usr' } } },
    });
    expect(flat).toMatchObject({ second_factor_user_id: 'usr', second_factor_enabled: true });
  });

  it('a catalog event without data still has every field, null', () => {
    const shape = shapeOf('license.created');
    const flat = flattenEvent({ id: 'evt', attributes: { event: 'license.created' } }, {}, shape);
    expect(sorted(flat)).toEqual(keysOf(eventOutputFields(shape)));
    expect(flat.license_id).toBeNull();
    expect(flat.resource_type).toBe('licenses');
    const list = shapeOf('license.entitlements.attached');
    const empty = flattenEvent({ id: 'e', attributes: { event: list.type } }, { data: [] }, list);
    expect(sorted(empty)).toEqual(keysOf(eventOutputFields(list)));
    expect(empty.license_entitlement_ids).toBeNull();
    expect(empty.license_entitlements).toEqual([]);
  });

  it('a list event whose data came as one record still lists it', () => {
    const list = shapeOf('license.entitlements.attached');
    const record = {
      id: 'le-1',
      type: 'license-entitlements',
      relationships: { entitlement: { data: { type: 'entitlements', id: 'ent-1' } } },
    };
    const flat = flattenEvent(
      { id: 'e', attributes: { event: list.type } },
      { data: record },
      list,
    );
    expect(flat.license_entitlement_ids).toBe('le-1');
    expect(flat.license_entitlement_entitlement_ids).toBe('ent-1');
    expect(flat.resource_id).toBe('le-1');
    expect(flat.license_entitlements).toHaveLength(1);
  });
});

describe('payload and relationship meta beyond the table', () => {
  it('a validation scope key Keygen adds later still flows; lists stay lists; absent keys are null', () => {
    const flat = metaFields('validation', {
      valid: true,
      code: 'VALID',
      nonce: 42,
      scope: { fingerprints: ['a', 'b'], customKey: 'x', nested: { deep: 1 } },
    });
    expect(flat).toMatchObject({
      validation_nonce: 42,
      validation_scope_fingerprints: ['a', 'b'],
      validation_scope_fingerprint: null,
      validation_scope_product: null,
      validation_scope_custom_key: 'x',
      validation_scope_nested: '{"deep":1}',
    });
    const declared = metaOutputFields('validation').map((f) => f.key);
    expect(Object.keys(flat).filter((k) => !declared.includes(k))).toEqual([
      'validation_scope_custom_key',
      'validation_scope_nested',
    ]);
  });

  it('every scalar key of any relationship’s meta becomes <noun>_<relationship>_<key>', () => {
    const flat = flattenResource({
      id: 'u1',
      type: 'users',
      relationships: {
        account: { meta: { count: 9 } },
        licenses: { meta: { count: 2, activeCount: 1, nested: { no: true } } },
      },
    });
    expect(flat).toMatchObject({ user_licenses_count: 2, user_licenses_active_count: 1 });
    expect(flat).not.toHaveProperty('user_licenses_nested');
    expect(flat).not.toHaveProperty('user_account_count');
  });
});
