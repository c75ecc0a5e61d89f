/**
 * The Keygen event catalog: every webhook event type Keygen knows (119: keygen-api db/seeds.rb, the event_types rows), with the
 * label, noun, payload resource, description and trigger flag the integration builds from.
 *
 * The table below is declarative: one family per resource, one row per event. A row gives the
 * event's suffix, the rest of its description after "Triggers when ", and only what differs from
 * the family's defaults. Labels, keys, nouns and availability notes are derived once, at load.
 */

import { nounLabel } from './normalize';

export type PayloadMeta = 'validation' | 'password-reset' | 'upgrade' | 'proof';
export type Availability = 'everywhere' | 'cloud-only' | 'ee-only' | 'unseeded' | 'never-emitted';

export interface KeygenEvent {
  readonly type: string;
  readonly key: string;
  readonly label: string;
  readonly noun: string;
  readonly resource: string;
  readonly list: boolean;
  readonly meta?: PayloadMeta;
  readonly description: string;
  readonly ownTrigger: boolean;
  readonly availability: Availability;
}

/** Trigger key of an event: the type with `.` and `-` replaced by `_`. */
export function eventTriggerKey(type: string): string {
  return type.replace(/[.-]/g, '_');
}

interface RowOptions {
  /** Gets its own trigger. */
  readonly own?: boolean;
  /** Overrides the label derived from the type. */
  readonly label?: string;
  /** JSON:API type of the payload `data` when it differs from the family's. */
  readonly resource?: string;
  /** Payload `data` is an array of `resource`. */
  readonly list?: boolean;
  readonly meta?: PayloadMeta;
  readonly availability?: Availability;
}

/** [suffix after the family prefix, description after "Triggers when ", options]. */
type Row = readonly [suffix: string, when: string, options?: RowOptions];

interface Family {
  readonly prefix: string;
  /** First words of every label in the family. */
  readonly label: string;
  readonly resource: string;
  readonly availability?: Availability;
  readonly rows: readonly Row[];
}

const OWN: RowOptions = { own: true };
const UNSEEDED: RowOptions = { availability: 'unseeded' };
const CLOUD: RowOptions = { availability: 'cloud-only' };
const VALIDATION: RowOptions = { own: true, meta: 'validation' };

const VALIDATE_ONLY =
  'Only the validate actions (POST validate and validate-key) send it; quick GET validations send nothing, and a key that matches no license sends nothing.';
const CHECKED = 'It is checked every 10 minutes and sent at most once a day per license';
const CHECKS = 'It is checked every 10 minutes';

const FAMILIES: readonly Family[] = [
  {
    prefix: 'account',
    label: 'Account',
    resource: 'accounts',
    rows: [
      ['updated', 'your Keygen account itself is updated (for example its name or slug).'],
      ['subscription.canceled', "the account's Keygen subscription is canceled.", CLOUD],
      ['subscription.paused', "the account's Keygen subscription is paused.", CLOUD],
      ['subscription.renewed', "the account's Keygen subscription is renewed.", CLOUD],
      ['subscription.resumed', "the account's paused Keygen subscription is resumed.", CLOUD],
      [
        'plan.updated',
        "the account's Keygen plan changes. The payload is the account's plan.",
        { ...CLOUD, resource: 'plans' },
      ],
      [
        'billing.updated',
        "the account's billing details with Keygen are updated. The payload is the account's billing record.",
        { ...CLOUD, resource: 'billings' },
      ],
      [
        'settings.created',
        'an account setting (an account-wide configuration record) is created.',
        { resource: 'settings' },
      ],
      ['settings.updated', 'an account setting is changed.', { resource: 'settings' }],
      ['settings.deleted', 'an account setting is deleted.', { resource: 'settings' }],
    ],
  },
  {
    prefix: 'artifact',
    label: 'Artifact',
    resource: 'artifacts',
    rows: [
      [
        'created',
        'a release artifact is created. Its file may not be uploaded yet: Artifact Upload Succeeded tells when it is.',
      ],
      ['updated', "a release artifact's attributes or metadata are updated."],
      ['deleted', 'a release artifact is deleted.'],
      [
        'downloaded',
        'a download of a release artifact is requested. It is normally sent together with Release Downloaded, which carries the same artifact.',
        OWN,
      ],
      [
        'upload.processing',
        "an artifact's uploaded file starts processing (npm, gem and OCI packages are processed after upload).",
      ],
      [
        'upload.succeeded',
        "an artifact's file upload (and any processing) succeeds and the artifact becomes available. Sent for every upload, including npm, gem and OCI packages.",
      ],
      ['upload.failed', "an artifact's file upload or processing fails."],
      [
        'uploaded',
        "an artifact's file has been uploaded. This is the legacy twin of Artifact Upload Succeeded and is sent together with it for regular uploads; npm, gem and OCI package uploads send only Artifact Upload Succeeded.",
        OWN,
      ],
    ],
  },
  {
    prefix: 'component',
    label: 'Component',
    resource: 'components',
    rows: [
      ['created', 'a component (a hardware component fingerprint of a machine) is created.'],
      ['updated', "a machine component's attributes or metadata are updated."],
      ['deleted', 'a machine component is deleted.'],
    ],
  },
  {
    prefix: 'entitlement',
    label: 'Entitlement',
    resource: 'entitlements',
    rows: [
      [
        'created',
        'an entitlement (a named feature that can be attached to policies, licenses and releases) is created.',
      ],
      ['updated', "an entitlement's name, code or metadata is updated."],
      ['deleted', 'an entitlement is deleted.'],
    ],
  },
  {
    prefix: 'environment',
    label: 'Environment',
    resource: 'environments',
    availability: 'ee-only',
    rows: [
      [
        'created',
        'an environment (an isolated or shared space for test or staging data) is created.',
      ],
      ['updated', "an environment's attributes are updated."],
      ['deleted', 'an environment is deleted.'],
    ],
  },
  {
    prefix: 'group',
    label: 'Group',
    resource: 'groups',
    rows: [
      ['created', 'a group (a set of users, licenses and machines with shared limits) is created.'],
      ['updated', "a group's name, limits or metadata are updated."],
      ['deleted', 'a group is deleted.'],
      [
        'owners.attached',
        'one or more owners (users who manage the group) are added to a group. The payload is a list of group owner records.',
        { ...UNSEEDED, resource: 'group-owners', list: true },
      ],
      [
        'owners.detached',
        'one or more owners are removed from a group. The payload is a list of group owner records.',
        { ...UNSEEDED, resource: 'group-owners', list: true },
      ],
    ],
  },
  {
    prefix: 'key',
    label: 'Pool Key',
    resource: 'keys',
    rows: [
      ['created', "a key is added to a policy's key pool."],
      ['updated', 'a pooled key is updated.'],
      ['deleted', 'a pooled key is deleted.'],
    ],
  },
  {
    prefix: 'license',
    label: 'License',
    resource: 'licenses',
    rows: [
      ['created', 'a license is created.', OWN],
      [
        'updated',
        "a license's attributes (name, expiry, limits, metadata, ...) are changed with an update request. Setting or clearing suspended through an update fires this event, not License Suspended or License Reinstated.",
        OWN,
      ],
      [
        'deleted',
        "a license is deleted with a delete request. Revoking a license also deletes it but sends only License Revoked, never this event. Neither sends Machine Deleted for the license's machines.",
        OWN,
      ],
      [
        'suspended',
        'a license is suspended with the suspend action. Setting suspended through a license update fires License Updated instead.',
        OWN,
      ],
      [
        'reinstated',
        'a suspended license is reinstated with the reinstate action. Clearing suspended through a license update fires License Updated instead.',
        OWN,
      ],
      [
        'renewed',
        "a license is renewed with the renew action: its expiry is extended by the policy's duration, counted from the old expiry or from now according to the policy's renewal basis.",
        OWN,
      ],
      [
        'revoked',
        'a license is revoked. Revoking deletes the license and sends only this event, not License Deleted (and no Machine Deleted for its machines); the payload is the license as it was.',
        OWN,
      ],
      [
        'checked-in',
        'a license is checked in with the check-in action (policies that require check-ins).',
        OWN,
      ],
      [
        'checked-out',
        'a license file (a signed certificate for offline use) is checked out for a license.',
        OWN,
      ],
      [
        'expiring-soon',
        `a license will expire within the next 3 days. ${CHECKED}, so it usually fires about 3 times before the expiry. The 3-day window is fixed: for a different window use the License Expiring Within polling trigger. Licenses without an expiry never fire it.`,
        OWN,
      ],
      [
        'expired',
        `a license has expired. ${CHECKS} and sent when the expiry is less than 12 hours past, at most once a day per license, so normally once per expiry. Licenses without an expiry never fire it.`,
        OWN,
      ],
      [
        'check-in-required-soon',
        `a license's next required check-in is due within the next 3 days. ${CHECKED}, so it usually fires about 3 times before the deadline. Expired licenses are skipped.`,
        OWN,
      ],
      [
        'check-in-overdue',
        `a license's required check-in is overdue. ${CHECKS} and sent when the check-in was missed less than 12 hours ago, at most once a day per license, so normally once per missed check-in. Expired licenses are skipped.`,
        OWN,
      ],
      [
        'usage.incremented',
        "a license's usage count is incremented with the increment-usage action.",
        OWN,
      ],
      [
        'usage.decremented',
        "a license's usage count is decremented with the decrement-usage action.",
        OWN,
      ],
      ['usage.reset', "a license's usage count is reset to 0 with the reset-usage action.", OWN],
      [
        'policy.updated',
        "a license is moved to another policy. Depending on the new policy's transfer strategy, its expiry may be reset.",
        OWN,
      ],
      [
        'owner.updated',
        "a license's owner is changed or removed. An owner change through the legacy license user route fires License User Updated instead.",
        OWN,
      ],
      ['group.updated', 'a license is moved to another group or removed from its group.'],
      [
        'user.updated',
        "a license's owner is changed through the legacy license user route (PUT /licenses/{id}/user). The current owner route fires License Owner Updated instead.",
      ],
      [
        'validation.succeeded',
        `a license validation succeeds. ${VALIDATE_ONLY} The payload carries the validation result (valid, code such as VALID, detail, timestamp).`,
        VALIDATION,
      ],
      [
        'validation.failed',
        `a license validation fails, for example because the license is expired or suspended, or has too many machines. ${VALIDATE_ONLY} The payload carries the validation result (code such as EXPIRED, SUSPENDED or NO_MACHINE, and detail).`,
        VALIDATION,
      ],
      [
        'validated',
        'a license was validated, in old Keygen versions. Use License Validation Succeeded or License Validation Failed instead.',
        { availability: 'never-emitted' },
      ],
      [
        'entitlements.attached',
        'one or more entitlements are attached to a license. The payload is a list of license entitlement records, each naming the entitlement and the license.',
        { own: true, resource: 'license-entitlements', list: true },
      ],
      [
        'entitlements.detached',
        'one or more entitlements are detached from a license. The payload is a list of license entitlement records.',
        { own: true, resource: 'license-entitlements', list: true },
      ],
      [
        'users.attached',
        'one or more users are attached to a license as license users. The payload is a list of license user records, each naming the user and the license.',
        { resource: 'license-users', list: true },
      ],
      [
        'users.detached',
        'one or more users are detached from a license. The payload is a list of license user records.',
        { resource: 'license-users', list: true },
      ],
    ],
  },
  {
    prefix: 'machine',
    label: 'Machine',
    resource: 'machines',
    rows: [
      ['created', 'a machine is activated (created) for a license.', OWN],
      ['updated', "a machine's attributes or metadata are updated.", OWN],
      [
        'deleted',
        'a machine is deactivated with a delete request. Machines culled after a dead heartbeat are destroyed without this event (Machine Heartbeat Dead is the only notice), and revoking or deleting a license does not send it for its machines.',
        OWN,
      ],
      [
        'checked-out',
        'a machine file (a signed certificate for offline use) is checked out for a machine.',
      ],
      ['group.updated', 'a machine is moved to another group or removed from its group.'],
      ['owner.updated', "a machine's owner is changed or removed."],
      [
        'heartbeat.ping',
        'a machine sends a heartbeat ping. A ping that resurrects a dead machine sends Machine Heartbeat Resurrected instead.',
      ],
      [
        'heartbeat.pong',
        "Keygen's heartbeat monitor finds a machine still alive. It fires on every check of every machine with a heartbeat, so it is very noisy.",
      ],
      [
        'heartbeat.reset',
        "a machine's heartbeat is reset with the reset action (back to not started).",
      ],
      [
        'heartbeat.dead',
        "a machine's heartbeat dies (no ping in time), once per machine life, also when a required heartbeat never started. If the policy culls dead machines (heartbeat cull strategy DEACTIVATE_DEAD), the machine is then destroyed without a Machine Deleted event, so this is the only notice.",
        OWN,
      ],
      [
        'heartbeat.resurrected',
        "a dead machine pings again and is resurrected, as the policy's heartbeat resurrection strategy allows.",
        OWN,
      ],
      [
        'proofs.generated',
        'an offline proof is generated for a machine with the deprecated generate-offline-proof action. The payload carries the signed proof.',
        { label: 'Machine Offline Proof Generated', meta: 'proof' },
      ],
    ],
  },
  {
    prefix: 'package',
    label: 'Package',
    resource: 'packages',
    rows: [
      [
        'created',
        'a release package (a named set of releases, such as an npm, gem or OCI package) is created.',
      ],
      ['updated', "a release package's attributes are updated."],
      ['deleted', 'a release package is deleted.'],
    ],
  },
  {
    prefix: 'policy',
    label: 'Policy',
    resource: 'policies',
    rows: [
      ['created', 'a policy (the rules that licenses are created from) is created.'],
      ['updated', "a policy's rules, limits or metadata are updated."],
      ['deleted', 'a policy is deleted.'],
      [
        'entitlements.attached',
        'one or more entitlements are attached to a policy. The payload is a list of policy entitlement records.',
        { resource: 'policy-entitlements', list: true },
      ],
      [
        'entitlements.detached',
        'one or more entitlements are detached from a policy. The payload is a list of policy entitlement records.',
        { resource: 'policy-entitlements', list: true },
      ],
      [
        'pool.popped',
        "a key is taken from a policy's key pool to create a license. The payload is the popped key.",
        { label: 'Policy Pool Key Popped', resource: 'keys' },
      ],
    ],
  },
  {
    prefix: 'process',
    label: 'Process',
    resource: 'processes',
    rows: [
      ['created', 'a process is spawned (created) on a machine.'],
      ['updated', "a machine process's attributes or metadata are updated.", UNSEEDED],
      ['deleted', 'a machine process is killed (deleted).'],
      ['heartbeat.ping', 'a machine process sends a heartbeat ping.'],
      [
        'heartbeat.pong',
        "Keygen's heartbeat monitor finds a process still alive. It fires on every check of every process, so it is very noisy.",
      ],
      ['heartbeat.dead', "a machine process's heartbeat dies (no ping in time)."],
      ['heartbeat.resurrected', 'a dead machine process pings again and is resurrected.', UNSEEDED],
    ],
  },
  {
    prefix: 'product',
    label: 'Product',
    resource: 'products',
    rows: [
      ['created', 'a product is created.'],
      ['updated', "a product's attributes or metadata are updated."],
      ['deleted', 'a product is deleted.'],
    ],
  },
  {
    prefix: 'release',
    label: 'Release',
    resource: 'releases',
    rows: [
      ['created', 'a release is created (as a draft or already published).', OWN],
      ['updated', "a release's attributes or metadata are updated."],
      ['deleted', 'a release is deleted.'],
      ['published', 'a release is published and becomes available to download.', OWN],
      ['yanked', 'a release is yanked (withdrawn from distribution).', OWN],
      ['package.updated', 'a release is moved to another package or removed from its package.'],
      [
        'uploaded',
        'an artifact is uploaded for a release through the legacy API v1.0 upload route. Current uploads fire Artifact Upload Succeeded instead.',
      ],
      [
        'upgraded',
        'a client checks for an upgrade (the upgrade action) and Keygen finds a newer release. The payload is the next release, with the current and next version strings.',
        { meta: 'upgrade' },
      ],
      [
        'downloaded',
        'a release is downloaded. The payload carries the downloaded artifact, not the release; it is normally sent together with Artifact Downloaded.',
        { resource: 'artifacts' },
      ],
      [
        'constraints.attached',
        'one or more entitlement constraints are attached to a release, so only licenses with those entitlements can access it. The payload is a list of constraint records.',
        { resource: 'constraints', list: true },
      ],
      [
        'constraints.detached',
        'one or more entitlement constraints are detached from a release. The payload is a list of constraint records.',
        { resource: 'constraints', list: true },
      ],
      [
        'replaced',
        'a release was replaced, in old Keygen versions.',
        { availability: 'never-emitted' },
      ],
    ],
  },
  {
    prefix: 'second-factor',
    label: 'Second Factor',
    resource: 'second-factors',
    rows: [
      [
        'created',
        'a user adds a second factor (a TOTP authenticator), not yet enabled. Its secret and URI are left out of the payload.',
      ],
      ['enabled', "a user's second factor is enabled (two-factor authentication turned on)."],
      ['disabled', "a user's second factor is disabled (two-factor authentication turned off)."],
      ['deleted', "a user's second factor is deleted."],
    ],
  },
  {
    prefix: 'token',
    label: 'Token',
    resource: 'tokens',
    rows: [
      ['generated', 'an API token is generated. The raw token value is left out of the payload.'],
      [
        'regenerated',
        'an API token is regenerated. The raw token value is left out of the payload.',
      ],
      ['revoked', 'an API token is revoked.'],
    ],
  },
  {
    prefix: 'user',
    label: 'User',
    resource: 'users',
    rows: [
      ['created', 'a user is created.', OWN],
      ['updated', "a user's attributes (name, email, role, metadata, ...) are updated.", OWN],
      ['deleted', 'a user is deleted.', OWN],
      [
        'banned',
        'a user is banned with the ban action; their licenses then report the status BANNED.',
        OWN,
      ],
      ['unbanned', 'a banned user is unbanned with the unban action.', OWN],
      ['group.updated', 'a user is moved to another group or removed from its group.'],
      [
        'password-reset',
        'a user requests a password reset (forgot password). The payload carries the password reset token (valid for 24 hours), so you can send your own reset email when the built-in one is turned off.',
        { own: true, meta: 'password-reset' },
      ],
    ],
  },
];

/** Nouns that read better with their parent than the resource type alone gives. */
const NOUN_OVERRIDES: Readonly<Record<string, string>> = {
  settings: 'Account Setting',
  constraints: 'Release Constraint',
};

/** Sentences appended to the description of every event that is not available everywhere. */
const AVAILABILITY_NOTES: Readonly<Record<Availability, string>> = {
  everywhere: '',
  'cloud-only': ' Keygen Cloud only: self-hosted Keygen CE and EE servers never send it.',
  'ee-only':
    ' Environments are a Keygen Enterprise (EE) feature: servers and accounts without them never send it.',
  unseeded:
    ' A self-hosted Keygen server accepts a subscription to this event only after the event has fired there once; until then it rejects it (SUBSCRIPTIONS_NOT_ALLOWED).',
  'never-emitted':
    ' Keygen never sends this legacy event: it is still accepted in subscriptions but never fires.',
};

const capitalize = (word: string): string => word.charAt(0).toUpperCase() + word.slice(1);

/**
 * 'check-in-required-soon' -> 'Check-in Required Soon' (the noun keeps its hyphen, and the part
 * after it stays lower case as python-titlecase, Zapier's label check, wants);
 * 'checked-in' -> 'Checked In'; 'password-reset' -> 'Password Reset'.
 */
function labelWords(suffix: string): string {
  return suffix
    .replace(/\bcheck-(in|out)\b/g, 'check~$1')
    .split(/[.-]/)
    .map((word) => capitalize(word).replace('~', '-'))
    .join(' ');
}

function buildEvent(family: Family, [suffix, when, options = {}]: Row): KeygenEvent {
  const type = `${family.prefix}.${suffix}`;
  const resource = options.resource ?? family.resource;
  const availability = options.availability ?? family.availability ?? 'everywhere';
  const noun = NOUN_OVERRIDES[resource] ?? nounLabel(resource);
  return Object.freeze({
    type,
    key: eventTriggerKey(type),
    label: options.label ?? `${family.label} ${labelWords(suffix)}`,
    noun,
    resource,
    list: options.list ?? false,
    ...(options.meta ? { meta: options.meta } : {}),
    description: `Triggers when ${when}${AVAILABILITY_NOTES[availability]}`,
    ownTrigger: options.own ?? false,
    availability,
  });
}

/** All 119 Keygen event types, grouped by family in the reference's order. */
export const EVENTS: readonly KeygenEvent[] = Object.freeze(
  FAMILIES.flatMap((family) => family.rows.map((row) => buildEvent(family, row))),
);

const BY_TYPE: ReadonlyMap<string, KeygenEvent> = new Map(
  EVENTS.map((event) => [event.type, event]),
);

/** The catalog entry of an event type, or undefined for a type Keygen does not send. */
export function findEvent(type: string): KeygenEvent | undefined {
  return BY_TYPE.get(type);
}
