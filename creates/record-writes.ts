/**
 * Creates and updates, declared as which inputs become which attributes and relationships. The
 * factories here do the rest: read the inputs, build the JSON:API document, send it, flatten the
 * answer.
 */
import type { Bundle, Create, ZObject } from 'zapier-platform-core';
import { keygen, resourceDocument } from '../keygen/client';
import {
  SUBJECT_FIELDS,
  readAttributes,
  readRelationships,
  type AttributeInput,
  type RelationshipInput,
} from '../steps/fields';
import { recordResult, recordStep, type Extra } from '../steps/output';
import {
  SUBJECTS,
  inputId,
  named,
  readRecord,
  resourceOf,
  type SubjectName,
} from '../steps/records';
import { mergeMetadata } from '../steps/values';

interface Described {
  key: string;
  noun: string;
  label: string;
  description: string;
}

export interface RecordCreate extends Described {
  /** The JSON:API type created. */
  type: string;
  /** Created under a record (`POST /licenses/{id}/tokens`) instead of in its own collection. */
  parent?: SubjectName;
  /** In the order the form shows them. */
  inputs: readonly (AttributeInput | RelationshipInput)[];
  output?: Extra;
}

export interface RecordUpdate extends Described {
  subject: SubjectName;
  attributes: readonly AttributeInput[];
}

const isRelationship = (input: AttributeInput | RelationshipInput): input is RelationshipInput =>
  'relationship' in input;
const isAttribute = (input: AttributeInput | RelationshipInput): input is AttributeInput =>
  !isRelationship(input);

export function defineRecordCreate(spec: RecordCreate): Create {
  const parent = spec.parent && SUBJECTS[spec.parent];
  const perform = async (z: ZObject, bundle: Bundle) => {
    const parentId = spec.parent && inputId(z, bundle, spec.parent);
    const where = parent && parentId ? named(parent, parentId) : undefined;
    const attributes = readAttributes(z, bundle, spec.inputs.filter(isAttribute));
    const relationships = await readRelationships(z, bundle, spec.inputs.filter(isRelationship));
    const document = resourceDocument(spec.type, attributes, relationships);
    // Keygen refuses a document without attributes where the whole body is optional (tokens).
    const empty = !document.data.attributes && !document.data.relationships;
    const action = `create a ${spec.noun.toLowerCase()}${where ? ` for ${where}` : ''}`;
    const { data } = await keygen(z, bundle, {
      method: 'POST',
      path: parent && parentId ? [parent.type, parentId, spec.type] : [spec.type],
      body: empty ? undefined : document,
      action,
      target: where ?? `account "${bundle.authData.accountId}"`,
    });
    return recordResult(resourceOf(z, data, action));
  };
  return recordStep({
    ...spec,
    inputFields: [
      ...(spec.parent ? [SUBJECT_FIELDS[spec.parent]] : []),
      ...spec.inputs.map((input) => input.field),
    ],
    perform,
    extra: spec.output,
  });
}

export function defineRecordUpdate(spec: RecordUpdate): Create {
  const subject = SUBJECTS[spec.subject];
  const perform = async (z: ZObject, bundle: Bundle) => {
    const id = inputId(z, bundle, spec.subject);
    const attributes = readAttributes(z, bundle, spec.attributes);
    if (Object.keys(attributes).length === 0) {
      throw new z.errors.Error(
        `Nothing to update: fill in at least one field to change on the ${subject.word}.`,
        'INPUT_MISSING',
      );
    }
    // Keygen replaces metadata as a whole; merging keeps the keys this step doesn't mention.
    if (attributes.metadata) {
      const current = await readRecord(z, bundle, subject, id);
      attributes.metadata = mergeMetadata(
        current.attributes?.metadata,
        attributes.metadata as Record<string, unknown>,
      );
    }
    const action = `update ${named(subject, id)}`;
    const { data } = await keygen(z, bundle, {
      method: 'PATCH',
      path: [subject.type, id],
      body: resourceDocument(subject.type, attributes),
      action,
      target: named(subject, id),
    });
    return recordResult(resourceOf(z, data, action));
  };
  return recordStep({
    ...spec,
    inputFields: [SUBJECT_FIELDS[spec.subject], ...spec.attributes.map((input) => input.field)],
    perform,
    type: subject.type,
  });
}
