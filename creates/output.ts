/**
 * What every action and search returns: the record's flat fields (the same names the triggers
 * use) plus `id`, so Zapier has one. outputFields and samples come from the normalizer's table.
 */
import {
  flattenResource,
  resourceOutputFields,
  sampleResource,
  type Flat,
  type JsonApiResource,
  type OutputField,
} from '../keygen/normalize';

export function recordResult(resource: JsonApiResource, extra: Flat = {}): Flat {
  return { id: resource.id, ...flattenResource(resource), ...extra };
}

/** Every field of the type present and `null`: the answer for a record that does not exist. */
export function emptyRecord(type: string): Flat {
  return Object.fromEntries(resourceOutputFields(type).map((field) => [field.key, null]));
}

// Fixed so a sample's computed fields (days until expiry) don't drift with the day the app loads.
const SAMPLE_NOW = Date.parse('2026-06-30T19:50:11.456Z');

export interface Extra {
  fields: OutputField[];
  sample: Flat;
}

/** Builders of outputFields and sample, for `lazyFields`: they are read far less than the app loads. */
export function recordOutput(
  type: string,
  extra: Extra = { fields: [], sample: {} },
): { outputFields: () => OutputField[]; sample: () => Flat } {
  return {
    outputFields: () => [
      { key: 'id', label: 'ID', type: 'string' },
      ...resourceOutputFields(type),
      ...extra.fields,
    ],
    sample: () => {
      const resource = sampleResource(type);
      return { id: resource.id, ...flattenResource(resource, SAMPLE_NOW), ...extra.sample };
    },
  };
}

export const CHANGED: Extra = {
  fields: [{ key: 'changed', label: 'Changed', type: 'boolean' }],
  sample: { changed: true },
};
