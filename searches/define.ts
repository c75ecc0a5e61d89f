/**
 * A search declared as its inputs and how it finds records; every match comes back as the same
 * flat fields the actions and triggers use, and no match as `[]`.
 */
import type { Bundle, Search, ZObject } from 'zapier-platform-core';
import type { Field } from '../steps/fields';
import { recordResult, recordStep } from '../steps/output';
import type { JsonApiResource } from '../keygen/normalize';

export interface RecordSearch {
  key: string;
  noun: string;
  label: string;
  description: string;
  type: string;
  inputFields: Field[];
  find: (z: ZObject, bundle: Bundle) => Promise<readonly JsonApiResource[]>;
}

export function defineRecordSearch(spec: RecordSearch): Search {
  return recordStep({
    ...spec,
    perform: async (z: ZObject, bundle: Bundle) =>
      (await spec.find(z, bundle)).map((resource) => recordResult(resource)),
  });
}

/** None of the ways to search was filled in: say which fields to fill. */
export function nothingToSearchBy(z: ZObject, what: string): never {
  throw new z.errors.Error(`Nothing to search by: enter ${what}.`, 'INPUT_MISSING');
}

/** A lookup by id or alias as a list of matches. */
export const asList = (record: JsonApiResource | undefined): JsonApiResource[] =>
  record ? [record] : [];
