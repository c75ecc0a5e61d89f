/**
 * Check-out of license and machine files: certificates Keygen signs so an app verifies a license
 * offline. One row per record kind; the step returns the file resource flat, the record's own
 * fields as they are after the check-out and the certificate as a file an email step can attach.
 */
import type { Bundle, Create, ZObject } from 'zapier-platform-core';
import { keygen, type KeygenErrorObject } from '../keygen/client';
import {
  flattenResource,
  nounLabel,
  nounOf,
  resourceOutputFields,
  type JsonApiResource,
  type OutputField,
} from '../keygen/normalize';
import { sampleRecord, sampleResource } from '../keygen/samples';
import { choices, SUBJECT_FIELDS, type Field } from '../steps/fields';
import { recordResult, recordStep, type Extra } from '../steps/output';
import { SUBJECTS, inputId, named, readRecord, resourceOf } from '../steps/records';
import { boolean, integer, list } from '../steps/values';

interface Checkout {
  key: string;
  subject: 'license' | 'machine';
  label: string;
  description: string;
  /** The JSON:API type of the file. */
  file: 'license-files' | 'machine-files';
  /** What Keygen accepts in `include` for this kind of file. */
  includes: readonly (readonly [value: string, label: string])[];
  /** The attribute that names the file when it is safe as a file name; the id otherwise. */
  nameAttribute: string;
  /** The name of a file whose attribute and id are both unsafe. */
  fallbackName: string;
  /** What the file is encrypted with, for the Encrypt input's help. */
  secret: string;
}

const SUSPENDED_NOTE =
  "Files are also checked out for suspended and expired licenses: the file records the license's status and expiry for your app to check.";

const ROWS: readonly Checkout[] = [
  {
    key: 'checkout_license_file',
    subject: 'license',
    file: 'license-files',
    label: 'Check Out License File',
    description: `Checks out a license file: a signed certificate that your app verifies offline (air-gapped or on-premise installs). Returns the certificate as text and as a .lic file an email step can attach. ${SUSPENDED_NOTE}`,
    includes: [
      ['entitlements', 'Entitlements'],
      ['product', 'Product'],
      ['policy', 'Policy'],
      ['owner', 'Owner'],
      ['users', 'Users'],
      ['group', 'Group'],
      ['environment', 'Environment'],
    ],
    nameAttribute: 'key',
    fallbackName: 'license',
    secret: 'the license key',
  },
  {
    key: 'checkout_machine_file',
    subject: 'machine',
    file: 'machine-files',
    label: 'Check Out Machine File',
    description: `Checks out a machine file: a signed certificate that node-locks an offline install to one machine. Returns the certificate as text and as a .lic file an email step can attach. ${SUSPENDED_NOTE}`,
    includes: [
      ['license', 'License'],
      ['license.entitlements', 'License Entitlements'],
      ['license.product', 'License Product'],
      ['license.policy', 'License Policy'],
      ['license.owner', 'License Owner'],
      ['license.users', 'License Users'],
      ['components', 'Components'],
      ['environment', 'Environment'],
      ['group', 'Group'],
      ['owner', 'Owner'],
    ],
    nameAttribute: 'fingerprint',
    fallbackName: 'machine',
    secret: "the license key followed by the machine's fingerprint",
  },
];

const TTL = 'TTL in Seconds';

function inputFields(row: Checkout): Field[] {
  return [
    SUBJECT_FIELDS[row.subject],
    {
      key: 'ttl',
      label: TTL,
      // Text, not an integer field: Zapier turns text in an integer field into 0, which here
      // would silently mean "never expires" instead of an error that says what to enter.
      helpText:
        'How long the file stays valid, in seconds: at least 3600 (one hour); 86400 is a day, 31536000 a year. 0 makes a file that never expires. Leave empty for one month.',
    },
    {
      key: 'include',
      label: 'Include',
      list: true,
      choices: choices(row.includes),
      helpText: `Related records to put in the file next to the ${row.subject}, so your app reads them offline. Leave empty for the ${row.subject} alone.`,
    },
    {
      key: 'encrypt',
      label: 'Encrypt',
      type: 'boolean',
      helpText: `Encrypts the file (AES-256-GCM) with ${row.secret}, so only your app can read it; it is signed either way. Defaults to false.`,
    },
  ];
}

/** The check-out options as Keygen's `meta`; options left empty are left to Keygen's defaults. */
function checkoutMeta(z: ZObject, bundle: Bundle): Record<string, unknown> {
  const meta: Record<string, unknown> = {};
  const ttl = integer(z, bundle.inputData.ttl, TTL);
  // Keygen reads a null TTL as "never expires"; an absent one as its default of one month.
  if (ttl !== undefined) meta.ttl = ttl === 0 ? null : ttl;
  const include = list(bundle.inputData.include);
  if (include) meta.include = include;
  const encrypt = boolean(z, bundle.inputData.encrypt, 'Encrypt');
  if (encrypt !== undefined) meta.encrypt = encrypt;
  return meta;
}

/** Keygen's 400 codes for check-out options, each with the input to change. */
function inputHints(row: Checkout): Record<string, string> {
  return {
    CHECKOUT_TTL_INVALID: `Change ${TTL}: at least 3600 (one hour), 0 for a file that never expires, or empty for one month.`,
    CHECKOUT_INCLUDE_INVALID: `Change Include: choose only from ${row.includes.map(([value]) => value).join(', ')}.`,
    CHECKOUT_ALGORITHM_INVALID:
      "Change Encrypt (turn it off), or check the signing scheme of the license's policy.",
  };
}

const CONTENT_TYPE = 'application/octet-stream';
const SAFE_FILE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;
/** The name of a file whose every source is unsafe, even in the hydrator. */
const FALLBACK_NAME = 'certificate';

/**
 * The file's name: the first of `names` that is safe as one (letters, digits, `.`, `_`, `-`, at
 * most 100, starting with a letter or digit: no path, quote, control character or leading dot),
 * else `fallback`. Every candidate comes from the server or from stored data, ids included, so
 * none is trusted.
 */
function fileName(names: readonly unknown[], fallback: string): string {
  const safe = names.find(
    (name): name is string => typeof name === 'string' && SAFE_FILE_NAME.test(name),
  );
  return `${safe ?? fallback}.lic`;
}

const recordFileName = (row: Checkout, record: JsonApiResource) =>
  fileName([record.attributes?.[row.nameAttribute], record.id], row.fallbackName);

async function stash(z: ZObject, certificate: string, name: string): Promise<string> {
  const bytes = Buffer.from(certificate, 'utf8');
  return z.stashFile(bytes, bytes.length, name, CONTENT_TYPE);
}

export const hydrators = {
  /** Uploads exactly the certificate, only when a later step uses the file. */
  certificateFile: async (
    z: ZObject,
    bundle: Bundle<{ certificate?: unknown; name?: unknown }>,
  ) => {
    const { certificate, name } = bundle.inputData;
    if (typeof certificate !== 'string' || typeof name !== 'string') {
      throw new z.errors.Error(
        "This step's file is missing its certificate: run the check-out step again.",
        'FILE_MISSING',
      );
    }
    return stash(z, certificate, fileName([name.replace(/\.lic$/, '')], FALLBACK_NAME));
  },
};

/**
 * The certificate as a file: dehydrated, so nothing is uploaded unless a later step uses it. Zapier
 * caps a dehydrated payload at 12,000 characters; a certificate too large for that (one with many
 * includes) is uploaded at once.
 */
async function certificateFile(z: ZObject, certificate: string, name: string): Promise<string> {
  try {
    return z.dehydrateFile(hydrators.certificateFile, { certificate, name });
  } catch (error) {
    if (!(error instanceof z.errors.DehydrateError)) throw error;
    return stash(z, certificate, name);
  }
}

/** What to change for the first of Keygen's errors that a check-out input explains. */
function inputHint(row: Checkout, errors: readonly KeygenErrorObject[]): string | undefined {
  const hints = inputHints(row);
  const code = errors.find((e) => e.code && Object.hasOwn(hints, e.code))?.code;
  return code && hints[code];
}

/**
 * The record with this check-out in `lastCheckOut`. Keygen stamps it in a background job just
 * after it issues the file, so a read that comes first still shows an older check-out or none;
 * the file's `issued` is then the time of this one.
 */
function checkedOut(record: JsonApiResource, issued: unknown): JsonApiResource {
  const last = record.attributes?.lastCheckOut;
  if (typeof issued !== 'string' || Number.isNaN(Date.parse(issued))) return record;
  if (typeof last === 'string' && Date.parse(last) >= Date.parse(issued)) return record;
  return { ...record, attributes: { ...record.attributes, lastCheckOut: issued } };
}

function perform(row: Checkout) {
  const subject = SUBJECTS[row.subject];
  return async (z: ZObject, bundle: Bundle) => {
    const id = inputId(z, bundle, row.subject);
    const action = `check out a ${row.subject} file for ${named(subject, id)}`;
    const meta = checkoutMeta(z, bundle);
    const answer = await keygen(z, bundle, {
      method: 'POST',
      path: [subject.type, id, 'actions', 'check-out'],
      body: Object.keys(meta).length > 0 ? { meta } : undefined,
      action,
      target: named(subject, id),
      hint: (status, errors) => (status === 400 ? inputHint(row, errors) : undefined),
    });
    const file = resourceOf(z, answer.data, action);
    const certificate = file.attributes?.certificate;
    if (file.type !== row.file || typeof certificate !== 'string') {
      throw new z.errors.Error(
        `Keygen answered the request to ${action} without a ${nounLabel(row.file).toLowerCase()}. Try again; if it persists, check the Base URL of the connection.`,
        'UNEXPECTED_RESPONSE',
      );
    }
    // Read after the check-out, not taken from the certificate: the certificate holds the
    // record as it was before, and Keygen's answer does not include the record.
    const related = file.relationships?.[row.subject]?.data;
    const recordId = related && !Array.isArray(related) ? related.id : id;
    const record = checkedOut(
      await readRecord(z, bundle, subject, recordId),
      file.attributes?.issued,
    );
    return {
      ...recordResult(file),
      ...flattenResource(record),
      [nounOf(row.file)]: await certificateFile(z, certificate, recordFileName(row, record)),
    };
  };
}

/** The record's fields and the file on top of the file resource's; getters keep them lazy. */
function output(row: Checkout): Extra {
  const type = SUBJECTS[row.subject].type;
  const key = nounOf(row.file);
  return {
    get fields(): OutputField[] {
      return [...resourceOutputFields(type), { key, label: nounLabel(row.file), type: 'file' }];
    },
    get sample() {
      return {
        ...sampleRecord(type),
        [key]: `https://zapier-dev-files.s3.amazonaws.com/cli-platform/${recordFileName(row, sampleResource(type))}`,
      };
    },
  };
}

function define(row: Checkout): Create {
  return recordStep({
    key: row.key,
    noun: nounLabel(row.file),
    label: row.label,
    description: row.description,
    inputFields: inputFields(row),
    perform: perform(row),
    type: row.file,
    extra: output(row),
  });
}

export const checkoutActions: Record<string, Create> = Object.fromEntries(
  ROWS.map((row) => [row.key, define(row)]),
);
