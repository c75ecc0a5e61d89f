/**
 * The field table's grammar: specs are strings the compiler does not read, so compileFieldTable
 * checks them (here for the whole table, in the app for each type on first use). Each bad spec
 * must throw, naming the type and the word.
 */
import {
  compileFieldTable,
  FieldTableError,
  flattenResource,
  knownResourceTypes,
  resourceOutputFields,
  specOf,
} from '../../keygen/normalize';
import { sampleResource } from '../../keygen/samples';

function compileError(spec: string): FieldTableError {
  try {
    compileFieldTable({ licenses: spec });
  } catch (error) {
    expect(error).toBeInstanceOf(FieldTableError);
    return error as FieldTableError;
  }
  throw new Error(`compileFieldTable accepted ${JSON.stringify(spec)}`);
}

describe('the field table grammar', () => {
  it.each([
    ['an unknown type suffix', 'name uses:q', /licenses: "uses:q" has an unknown type "q"/],
    ['an unknown relationship meta type', '| | machines.count:x', /"machines.count:x".*type "x"/],
    [
      'a duplicate attribute',
      'name key name',
      /licenses: the field license_name is declared twice/,
    ],
    [
      'an attribute named like a relationship field',
      'productId | product',
      /the field license_product_id is declared twice/,
    ],
    ['a duplicate relationship', '| policy policy', /license_policy_id is declared twice/],
    ['a duplicate meta key', '| | users.count:i users.count', /license_users_count is declared/],
    ['an empty type', 'uses:', /"uses:" is malformed: expected name or name:type \(attribute\)/],
    [
      'two type suffixes',
      'uses:i:i',
      /"uses:i:i" is malformed: expected name or name:type \(attribute\)/,
    ],
    [
      'a snake_case name',
      'max_machines:i',
      /"max_machines:i" is malformed: expected name or name:type \(attribute\)/,
    ],
    [
      'a relationship flag other than t',
      '| owner:x',
      /"owner:x" is malformed: expected name or name:t/,
    ],
    [
      'relationship meta without its key',
      '| | machines',
      /"machines" is malformed: expected relationship\.key/,
    ],
    ['a fourth section', 'name | owner | users.count:i | extra', /licenses: more than 3 sections/],
  ])('rejects %s', (_what, spec, message) => {
    expect(compileError(spec).message).toMatch(message);
  });

  it('accepts every spec of the shipped table, each field declared once', () => {
    expect([...compileFieldTable().keys()]).toEqual(knownResourceTypes());
    for (const type of knownResourceTypes()) {
      const keys = resourceOutputFields(type).map((f) => f.key);
      expect(new Set(keys).size).toBe(keys.length);
      expect(resourceOutputFields(type).every((f) => f.type !== undefined)).toBe(true);
    }
    expect(specOf('licenses').relationshipMeta.map((m) => m.suffix)).toEqual([
      'users_count',
      'machines_count',
      'machines_cores',
      'machines_memory',
      'machines_disk',
    ]);
  });

  it('follows keygen-api 1.8: no artifact product, settings value a list, billing plan', () => {
    const keys = (type: string) => resourceOutputFields(type).map((f) => f.key);
    expect(keys('artifacts')).not.toContain('artifact_product_id');
    expect(resourceOutputFields('settings').find((f) => f.key === 'setting_value')).toMatchObject({
      type: 'string',
      list: true,
    });
    expect(keys('billings')).toContain('billing_plan_id');
    expect(keys('accounts')).toEqual(
      expect.arrayContaining(['account_status', 'account_protected']),
    );
    expect(keys('plans')).toEqual(
      expect.arrayContaining([
        'plan_request_log_retention_duration',
        'plan_event_log_retention_duration',
        'plan_max_storage',
        'plan_max_transfer',
        'plan_max_upload',
      ]),
    );
  });

  it('a relationship read for its meta adds no id field, even when Keygen sends its data', () => {
    const license = sampleResource('licenses');
    const relationships = license.relationships as Record<string, { data?: unknown }>;
    relationships.machines = { ...relationships.machines, data: [{ type: 'machines', id: 'm1' }] };
    relationships.users = { ...relationships.users, data: [{ type: 'users', id: 'u1' }] };
    const keys = Object.keys(flattenResource(license)).sort();
    expect(keys).toEqual(
      resourceOutputFields('licenses')
        .map((f) => f.key)
        .sort(),
    );
  });
});
