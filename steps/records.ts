/**
 * The Keygen records actions and searches point at, and how one is read. An input may hold an id
 * or an alias (a license key, a user's email, a machine fingerprint); Keygen resolves aliases in
 * paths, but not in relationships, so those get the id looked up first.
 */
import type { Bundle, ZObject } from 'zapier-platform-core';
import { keygen } from '../keygen/client';
import { isResource, type JsonApiResource } from '../keygen/normalize';
import { SUBJECT_FIELDS } from './fields';
import { isUuid, lowerEmail, requireText } from './values';

export interface Subject {
  /** JSON:API type and collection path. */
  type: string;
  /** The record as a word in messages. */
  word: string;
  /** What Keygen needs the alias to look like in a path. */
  normalize: (value: string) => string;
}

const same = (value: string) => value;

export const SUBJECTS = {
  license: { type: 'licenses', word: 'license', normalize: same },
  user: { type: 'users', word: 'user', normalize: lowerEmail },
  machine: { type: 'machines', word: 'machine', normalize: same },
  policy: { type: 'policies', word: 'policy', normalize: same },
} satisfies Record<string, Subject>;

export type SubjectName = keyof typeof SUBJECTS;

/** The id or alias the subject's input holds, as Keygen wants it in a path. */
export function inputId(z: ZObject, bundle: Bundle, name: SubjectName): string {
  const label = SUBJECT_FIELDS[name].label ?? name;
  return SUBJECTS[name].normalize(requireText(z, bundle.inputData[name], label));
}

export const named = (subject: Subject, value: string) => `${subject.word} "${value}"`;

/** The resource of a JSON:API answer; anything else means something between us and Keygen answered. */
export function resourceOf(z: ZObject, body: unknown, action: string): JsonApiResource {
  const data = (body as { data?: unknown } | undefined)?.data;
  if (!isResource(data)) {
    throw new z.errors.Error(
      `Keygen answered the request to ${action} without the record. Try again; if it persists, check the Base URL of the connection.`,
      'UNEXPECTED_RESPONSE',
    );
  }
  return data;
}

export function resourcesOf(body: unknown): JsonApiResource[] {
  const data = (body as { data?: unknown } | undefined)?.data;
  return Array.isArray(data) ? data.filter(isResource) : [];
}

export async function readRecord(
  z: ZObject,
  bundle: Bundle,
  subject: Subject,
  value: string,
): Promise<JsonApiResource> {
  const id = subject.normalize(value);
  const action = `read ${named(subject, id)}`;
  const { data } = await keygen(z, bundle, {
    path: [subject.type, id],
    action,
    target: named(subject, id),
  });
  return resourceOf(z, data, action);
}

/** A record, or `undefined` when Keygen has none by that id or alias. */
export async function findRecord(
  z: ZObject,
  bundle: Bundle,
  subject: Subject,
  value: string,
): Promise<JsonApiResource | undefined> {
  const id = subject.normalize(value);
  const action = `find ${named(subject, id)}`;
  const { status, data } = await keygen(z, bundle, {
    path: [subject.type, id],
    action,
    target: named(subject, id),
    allowNotFound: true,
  });
  return status === 404 ? undefined : resourceOf(z, data, action);
}

/** A user id for a relationship: an email is looked up, anything else is taken as the id. */
export async function userId(z: ZObject, bundle: Bundle, value: string): Promise<string> {
  return value.includes('@') ? (await readRecord(z, bundle, SUBJECTS.user, value)).id : value;
}

/** A license id for a relationship: a key is looked up, a UUID is taken as the id. */
export async function licenseId(z: ZObject, bundle: Bundle, value: string): Promise<string> {
  return isUuid(value) ? value : (await readRecord(z, bundle, SUBJECTS.license, value)).id;
}
