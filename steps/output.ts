/**
 * What every action and search returns: the record's flat fields (the same names the triggers
 * use) plus `id`, so Zapier has one. outputFields and samples come from the normalizer's table.
 */
import type { Bundle, ZObject } from 'zapier-platform-core';
import {
  flattenResource,
  nounOf,
  resourceOutputFields,
  type Flat,
  type JsonApiResource,
  type OutputField,
} from '../keygen/normalize';
import { sampleRecord } from '../keygen/samples';
import { lazyFields } from './lazy';
import type { Field } from './fields';

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

/** Builders of outputFields and sample, for `lazyFields` (see steps/lazy.ts). */
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

export interface RecordStep<R> {
  key: string;
  noun: string;
  label: string;
  description: string;
  inputFields: Field[];
  perform: (z: ZObject, bundle: Bundle) => Promise<R>;
  /** The record type the step returns, and any fields it adds to the record's. */
  type: string;
  extra?: Extra;
}

/** A create or search that returns a record: its outputFields and sample come from the type. */
export function recordStep<R>(step: RecordStep<R>) {
  return {
    key: step.key,
    noun: step.noun,
    display: { label: step.label, description: step.description },
    operation: lazyFields(
      { inputFields: step.inputFields, perform: step.perform },
      recordOutput(step.type, step.extra),
    ),
  };
}
