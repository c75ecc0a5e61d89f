/**
 * Actions on one existing record (a license, user or machine), one row each. A row says what
 * Keygen is asked (method, path after the record, body), and how the record to return is had:
 * from Keygen's answer, read afterwards (Keygen answers with something else), or read before
 * (Keygen deletes it).
 */
import type { Bundle, Create, ZObject } from 'zapier-platform-core';
import { keygen, type KeygenErrorObject } from '../keygen/client';
import {
  SUBJECT_FIELDS,
  entitlementsField,
  ownerField,
  policyField,
  type Field,
} from '../steps/fields';
import { CHANGED, recordResult, recordStep } from '../steps/output';
import {
  SUBJECTS,
  inputId,
  named,
  readRecord,
  resourceOf,
  userId,
  type SubjectName,
} from '../steps/records';
import { positiveInteger, requireList, requireText } from '../steps/values';

interface RecordAction {
  key: string;
  subject: SubjectName;
  label: string;
  description: string;
  /** The action as a verb for messages ("could not suspend license …"). */
  verb: string;
  method: 'POST' | 'PUT' | 'DELETE';
  /** Path segments after the record's own path. */
  path: readonly string[];
  inputs?: readonly Field[];
  body?: (z: ZObject, bundle: Bundle) => unknown;
  /**
   * The 422 Keygen answers (without a code) when the record is already in the state asked for. A
   * replayed Zap must not fail on it, so it succeeds with `changed: false`.
   */
  already?: { detail: string; pointer: string };
  /** `after`: Keygen answers with something other than the record. `before`: Keygen deletes it. */
  read?: 'before' | 'after';
  /** Said after a 422 whose errors don't explain themselves. */
  hint?: string;
}

const countField = (key: string, label: string, helpText: string): Field => ({
  key,
  label,
  type: 'integer',
  default: '1',
  helpText,
});

/** Zapier asks destructive actions to say so in the form, as a `copy` field (Markdown). */
const cannotBeUndone = (what: string): Field => ({
  key: 'cannot_be_undone',
  type: 'copy',
  helpText: `**This cannot be undone.** ${what}`,
});

const ROWS: readonly RecordAction[] = [
  {
    key: 'suspend_license',
    subject: 'license',
    label: 'Suspend License',
    description:
      'Suspends a license so it fails validation until it is reinstated. A license that is already suspended is returned unchanged (Changed is false), so a replayed Zap does not fail.',
    verb: 'suspend',
    method: 'POST',
    path: ['actions', 'suspend'],
    already: { detail: 'is already suspended', pointer: '/data/attributes/suspended' },
  },
  {
    key: 'reinstate_license',
    subject: 'license',
    label: 'Reinstate License',
    description:
      'Reinstates a suspended license. A license that is not suspended is returned unchanged (Changed is false), so a replayed Zap does not fail.',
    verb: 'reinstate',
    method: 'POST',
    path: ['actions', 'reinstate'],
    already: { detail: 'is not suspended', pointer: '/data/attributes/suspended' },
  },
  {
    key: 'renew_license',
    subject: 'license',
    label: 'Renew License',
    description:
      "Renews a license: extends its expiry by its policy's duration (from the current expiry or from now, per the policy's renewal basis).",
    verb: 'renew',
    method: 'POST',
    path: ['actions', 'renew'],
    hint: "Only a license that has an expiry, under a policy that has a duration, can be renewed: check the license's expiry and its policy.",
  },
  {
    key: 'revoke_license',
    subject: 'license',
    label: 'Revoke License',
    description:
      'Revokes a license: the license is deleted and a license.revoked event is sent. Returns the license as it was just before.',
    verb: 'revoke',
    method: 'DELETE',
    path: ['actions', 'revoke'],
    inputs: [
      cannotBeUndone(
        'Revoking deletes the license and its machines for good: the key stops validating at once.',
      ),
    ],
    read: 'before',
  },
  {
    key: 'check_in_license',
    subject: 'license',
    label: 'Check in License',
    description:
      'Checks in a license whose policy requires check-ins, restarting its check-in interval.',
    verb: 'check in',
    method: 'POST',
    path: ['actions', 'check-in'],
  },
  {
    key: 'increment_license_usage',
    subject: 'license',
    label: 'Increment License Usage',
    description: "Increments a license's usage count, for licenses limited by uses.",
    verb: 'increment the usage of',
    method: 'POST',
    path: ['actions', 'increment-usage'],
    inputs: [countField('increment', 'Increment', 'How many uses to add. Defaults to 1.')],
    body: (z, bundle) => ({
      meta: { increment: positiveInteger(z, bundle.inputData.increment, 'Increment') ?? 1 },
    }),
  },
  {
    key: 'decrement_license_usage',
    subject: 'license',
    label: 'Decrement License Usage',
    description: "Decrements a license's usage count.",
    verb: 'decrement the usage of',
    method: 'POST',
    path: ['actions', 'decrement-usage'],
    inputs: [countField('decrement', 'Decrement', 'How many uses to take away. Defaults to 1.')],
    body: (z, bundle) => ({
      meta: { decrement: positiveInteger(z, bundle.inputData.decrement, 'Decrement') ?? 1 },
    }),
  },
  {
    key: 'reset_license_usage',
    subject: 'license',
    label: 'Reset License Usage',
    description: "Resets a license's usage count to zero.",
    verb: 'reset the usage of',
    method: 'POST',
    path: ['actions', 'reset-usage'],
  },
  {
    key: 'change_license_policy',
    subject: 'license',
    label: 'Change License Policy',
    description:
      "Moves a license to another policy of the same product. Depending on the new policy's transfer strategy, the expiry may be reset.",
    verb: 'change the policy of',
    method: 'PUT',
    path: ['policy'],
    inputs: [
      {
        ...policyField,
        label: 'New Policy',
        helpText: `The policy to move the license to. ${policyField.helpText}`,
      },
    ],
    body: (z, bundle) => ({
      data: { type: 'policies', id: requireText(z, bundle.inputData.policy, 'New Policy') },
    }),
  },
  {
    key: 'change_license_owner',
    subject: 'license',
    label: 'Change License Owner',
    description: 'Makes another user the owner of a license.',
    verb: 'change the owner of',
    method: 'PUT',
    path: ['owner'],
    inputs: [{ ...ownerField, label: 'New Owner', required: true }],
    body: async (z, bundle) => ({
      data: {
        type: 'users',
        id: await userId(z, bundle, requireText(z, bundle.inputData.owner, 'New Owner')),
      },
    }),
  },
  {
    key: 'attach_license_entitlements',
    subject: 'license',
    label: 'Attach License Entitlements',
    description: 'Attaches entitlements to a license, on top of those its policy grants.',
    verb: 'attach entitlements to',
    method: 'POST',
    path: ['entitlements'],
    inputs: [entitlementsField],
    body: entitlementsBody,
    read: 'after',
  },
  {
    key: 'detach_license_entitlements',
    subject: 'license',
    label: 'Detach License Entitlements',
    description:
      "Detaches entitlements that were attached to a license (entitlements granted by its policy can't be detached).",
    verb: 'detach entitlements from',
    method: 'DELETE',
    path: ['entitlements'],
    inputs: [entitlementsField],
    body: entitlementsBody,
    read: 'after',
  },
  {
    key: 'delete_license',
    subject: 'license',
    label: 'Delete License',
    description:
      'Deletes a license and sends a license.deleted event. Returns the license as it was just before.',
    verb: 'delete',
    method: 'DELETE',
    path: [],
    inputs: [
      cannotBeUndone(
        'Deleting removes the license and its machines for good: the key stops validating at once.',
      ),
    ],
    read: 'before',
  },
  {
    key: 'ban_user',
    subject: 'user',
    label: 'Ban User',
    description:
      'Bans a user: every license the user owns fails validation until the user is unbanned.',
    verb: 'ban',
    method: 'POST',
    path: ['actions', 'ban'],
  },
  {
    key: 'unban_user',
    subject: 'user',
    label: 'Unban User',
    description: 'Unbans a banned user, so their licenses validate again.',
    verb: 'unban',
    method: 'POST',
    path: ['actions', 'unban'],
  },
  {
    key: 'deactivate_machine',
    subject: 'machine',
    label: 'Deactivate Machine',
    description:
      'Deactivates a machine: the machine is deleted, freeing its place on the license. Returns the machine as it was just before.',
    verb: 'deactivate',
    method: 'DELETE',
    path: [],
    read: 'before',
  },
];

function entitlementsBody(z: ZObject, bundle: Bundle) {
  const ids = requireList(z, bundle.inputData.entitlements, 'Entitlements');
  return { data: ids.map((id) => ({ type: 'entitlements', id })) };
}

function perform(row: RecordAction) {
  const subject = SUBJECTS[row.subject];
  const already = row.already;
  // Keygen's 422 for "already in that state" has no code: it is known by its detail and pointer.
  const accept = already
    ? (status: number, errors: readonly KeygenErrorObject[]) =>
        status === 422 &&
        errors.some((e) => e.detail === already.detail && e.source?.pointer === already.pointer)
    : undefined;
  return async (z: ZObject, bundle: Bundle) => {
    const id = inputId(z, bundle, row.subject);
    const before = row.read === 'before' ? await readRecord(z, bundle, subject, id) : undefined;
    const action = `${row.verb} ${named(subject, id)}`;
    const answer = await keygen(z, bundle, {
      method: row.method,
      path: [subject.type, id, ...row.path],
      body: await row.body?.(z, bundle),
      action,
      target: named(subject, id),
      accept,
      hint: row.hint,
    });
    if (answer.errors) {
      return recordResult(await readRecord(z, bundle, subject, id), { changed: false });
    }
    if (before) return recordResult(before);
    const record =
      row.read === 'after'
        ? await readRecord(z, bundle, subject, id)
        : resourceOf(z, answer.data, action);
    return recordResult(record, already ? { changed: true } : {});
  };
}

function define(row: RecordAction): Create {
  const subjectField = SUBJECT_FIELDS[row.subject];
  return recordStep({
    key: row.key,
    noun: subjectField.label ?? row.subject,
    label: row.label,
    description: row.description,
    inputFields: [subjectField, ...(row.inputs ?? [])],
    perform: perform(row),
    type: SUBJECTS[row.subject].type,
    extra: row.already ? CHANGED : undefined,
  });
}

export const recordActions: Record<string, Create> = Object.fromEntries(
  ROWS.map((row) => [row.key, define(row)]),
);
