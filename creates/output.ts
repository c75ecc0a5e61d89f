/**
 * What every action and search returns: the record's flat fields (the same names the triggers
 * use) plus `id`, so Zapier has one. outputFields and samples come from the normalizer's table.
 */
import {
  flattenResource,
  nounOf,
  resourceOutputFields,
  type Flat,
  type JsonApiResource,
  type OutputField,
} from '../keygen/normalize';
import { sampleRecord } from '../keygen/samples';

export function recordResult(resource: JsonApiResource, extra: Flat = {}): Flat {
  return { id: resource.id, ...flattenResource(resource), ...extra };
}

/** Every field of the type present and `null`: the answer for a record that does not exist. */
export function emptyRecord(type: string): Flat {
  return Object.fromEntries(resourceOutputFields(type).map((field) => [field.key, null]));
}

export interface Extra {
  fields: OutputField[];
  sample: Flat;
}

/** Builders of outputFields and sample, for `lazyFields` (see lazy.ts). */
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
      const record = sampleRecord(type);
      return { id: record[`${nounOf(type)}_id`], ...record, ...extra.sample };
    },
  };
}

export const CHANGED: Extra = {
  fields: [{ key: 'changed', label: 'Changed', type: 'boolean' }],
  sample: { changed: true },
};
