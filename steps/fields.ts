/**
 * Input fields shared by actions and searches, each defined once. Fields that take a record are
 * dynamic dropdowns (which also accept a typed or mapped value) and, where a search exists, offer
 * it as a step.
 */
import type { Bundle, PlainInputField, ZObject } from 'zapier-platform-core';
import type { SubjectName } from './records';
import { boolean, dateTime, integer, metadata, requireText, text, type Parser } from './values';

export type Field = PlainInputField;

const record = (
  key: string,
  label: string,
  dropdown: string,
  helpText: string,
  extra: Partial<Field> = {},
): Field => ({ key, label, dynamic: `${dropdown}.id.label`, helpText, ...extra });

export const licenseField = record(
  'license',
  'License',
  'list_licenses',
  'The license: pick one, or enter or map its ID or license key.',
  { required: true, search: 'find_license.id' },
);

export const userField = record(
  'user',
  'User',
  'list_users',
  "The user: pick one, or enter or map the user's ID or email address.",
  { required: true, search: 'find_user.id' },
);

export const ownerField = record(
  'owner',
  'Owner',
  'list_users',
  "The user who owns the license: pick one, or map a user's ID or email address (for example the ID from a Find or Create User step).",
  { search: 'find_user.id' },
);

export const policyField = record(
  'policy',
  'Policy',
  'list_policies',
  "The policy, which sets the license's duration, limits and rules: pick one, or enter or map its ID.",
  { required: true, search: 'find_policy.id' },
);

export const machineField = record(
  'machine',
  'Machine',
  'list_machines',
  'The machine: pick one, or enter or map its ID (from a Find Machine step, say). A fingerprint works too, but is only unique within a license, so an ID is safer.',
  { required: true, search: 'find_machine.id' },
);

/** The input naming the record an action works on, by the record's kind; its key is the kind. */
export const SUBJECT_FIELDS = {
  license: licenseField,
  user: userField,
  machine: machineField,
  policy: policyField,
} satisfies Record<SubjectName, Field>;

export const groupField = record(
  'group',
  'Group',
  'list_groups',
  'Optional group to put the record in: pick one, or enter or map its ID.',
);

export const productField = record(
  'product',
  'Product',
  'list_products',
  'Optional product: pick one, or enter or map its ID.',
);

export const entitlementsField = record(
  'entitlements',
  'Entitlements',
  'list_entitlements',
  'The entitlements: pick them, or enter or map their IDs (one per line, or comma-separated).',
  { required: true, list: true },
);

/** An input that becomes one JSON:API attribute of the body. */
export interface AttributeInput {
  field: Field;
  attribute: string;
  parse: Parser;
}

/** Input keys are snake_case, Keygen's attributes camelCase: `max_machines` is `maxMachines`. */
const camelCase = (key: string) =>
  key.replace(/_([a-z])/g, (_, letter: string) => letter.toUpperCase());

const attribute =
  (parse: Parser, type?: Field['type']) =>
  (key: string, label: string, helpText: string, extra: Partial<Field> = {}): AttributeInput => ({
    field: { key, label, helpText, ...(type ? { type } : {}), ...extra },
    attribute: camelCase(key),
    parse,
  });

/** A static dropdown's choices from `[value, label]` pairs; each value is its own sample. */
export const choices = (entries: readonly (readonly [string, string])[]) =>
  entries.map(([value, label]) => ({ value, label, sample: value }));

export const textAttribute = attribute((_z, value) => text(value));
export const dateAttribute = attribute(dateTime, 'datetime');
export const integerAttribute = attribute(integer, 'integer');
export const booleanAttribute = attribute(boolean, 'boolean');

const METADATA_RULE =
  'Values are read as JSON where they are valid JSON: 3 is a number, true/false a boolean, null is null, {…} or […] an object or list; "3" in quotes, or anything else, stays text. A number that cannot be stored exactly (more than 15–17 significant digits, such as a long numeric ID, or beyond 1e308) stays text so it is never rounded; so does an object or list holding one (or giving a key twice), as typed.';

export const metadataAttribute = (noun: string, how: string): AttributeInput => ({
  field: {
    key: 'metadata',
    label: 'Metadata',
    dict: true,
    helpText: `Key-value metadata for the ${noun}${how}. ${METADATA_RULE} Keygen stores keys snake_cased and returns them camelCased (stripe_id becomes stripeId).`,
  },
  attribute: 'metadata',
  parse: metadata,
});

/** Limit overrides: left empty, the policy's limit applies. */
export const limitAttributes = (noun: string): AttributeInput[] =>
  ['Machines', 'Processes', 'Users', 'Cores', 'Uses'].map((what) =>
    integerAttribute(
      `max_${what.toLowerCase()}`,
      `Max ${what}`,
      `Overrides the policy's limit of ${what.toLowerCase()} for this ${noun}. Leave empty to use the policy's limit.`,
    ),
  );

/** The attributes the inputs hold; inputs left empty are left out so Keygen keeps its values. */
export function readAttributes(
  z: ZObject,
  bundle: Bundle,
  inputs: readonly AttributeInput[],
): Record<string, unknown> {
  const attributes: Record<string, unknown> = {};
  for (const { field, attribute: name, parse } of inputs) {
    const label = field.label ?? field.key;
    const value = parse(z, bundle.inputData[field.key], label);
    if (value !== undefined) attributes[name] = value;
    else if (field.required) requireText(z, undefined, label);
  }
  return attributes;
}

/** An input that becomes one JSON:API relationship of the body. */
export interface RelationshipInput {
  field: Field;
  relationship: string;
  type: string;
  /** Turns an alias (email, license key) into the id a relationship needs. */
  resolve?: (z: ZObject, bundle: Bundle, value: string) => Promise<string>;
}

export async function readRelationships(
  z: ZObject,
  bundle: Bundle,
  inputs: readonly RelationshipInput[],
): Promise<Record<string, { type: string; id: string } | undefined>> {
  const relationships: Record<string, { type: string; id: string } | undefined> = {};
  for (const input of inputs) {
    const label = input.field.label ?? input.field.key;
    const value = input.field.required
      ? requireText(z, bundle.inputData[input.field.key], label)
      : text(bundle.inputData[input.field.key]);
    if (value === undefined) continue;
    const id = input.resolve ? await input.resolve(z, bundle, value) : value;
    relationships[input.relationship] = { type: input.type, id };
  }
  return relationships;
}
