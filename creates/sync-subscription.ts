/**
 * Sync License With Subscription: one step that brings every license holding a subscription's ID
 * in line with the subscription's status, instead of one Zap per status. Each license is compared
 * with the state wanted first, so a replayed or repeated event writes nothing; the writes
 * themselves are the license actions' and Update License's, with their messages and Keygen's
 * "already in that state" answers.
 */
import type { Bundle, Create, ZObject } from 'zapier-platform-core';
import { keygenError, keygenFailure, keygenList } from '../keygen/client';
import type { Flat, JsonApiResource } from '../keygen/normalize';
import { recordResult, recordStep } from '../steps/output';
import { updateLicense } from './licenses';
import { recordActions } from './record-actions';
import { SYNC_INPUTS, readSyncRequest, type SyncRequest } from './subscription-inputs';

/** One write to a license, as the action it is and the words it is reported in. */
type Write =
  | { action: 'reinstate_license' | 'suspend_license' | 'revoke_license' }
  | { action: 'update_license'; expiry: string };

const DONE: Record<Write['action'], string> = {
  reinstate_license: 'reinstated',
  suspend_license: 'suspended',
  revoke_license: 'revoked',
  update_license: 'expiry set to',
};

type Perform = (z: ZObject, bundle: Bundle) => Promise<Flat>;

/** The operations that do each write, run with the license as their only input. */
const PERFORMS: Record<Write['action'], Perform> = {
  reinstate_license: recordActions.reinstate_license.operation.perform as Perform,
  suspend_license: recordActions.suspend_license.operation.perform as Perform,
  revoke_license: recordActions.revoke_license.operation.perform as Perform,
  update_license: updateLicense.operation.perform as Perform,
};

const attributesOf = (license: JsonApiResource) =>
  (license.attributes ?? {}) as { suspended?: unknown; expiry?: unknown };

const sameTime = (a: unknown, b: string) =>
  typeof a === 'string' && Date.parse(a) === Date.parse(b);

/** What the license needs to be in the state wanted; nothing when it already is. */
function writesFor(
  license: JsonApiResource,
  sync: Pick<SyncRequest, 'state' | 'periodEnd' | 'onCancel' | 'onPastDue'>,
  now = new Date(),
): Write[] {
  const { suspended, expiry } = attributesOf(license);
  const suspend: Write[] = suspended === true ? [] : [{ action: 'suspend_license' }];
  const expireAt = (at: string): Write[] =>
    sameTime(expiry, at) ? [] : [{ action: 'update_license', expiry: at }];
  switch (sync.state) {
    case 'active':
      return [
        ...(suspended === true ? [{ action: 'reinstate_license' } as const] : []),
        ...(sync.periodEnd ? expireAt(sync.periodEnd) : []),
      ];
    case 'delinquent':
      return sync.onPastDue === 'suspend' ? suspend : [];
    case 'ended':
      if (sync.onCancel === 'suspend') return suspend;
      if (sync.onCancel === 'revoke') return [{ action: 'revoke_license' }];
      if (sync.periodEnd) return expireAt(sync.periodEnd);
      // Without a period end "expire" means now; an expiry already past is left as it is.
      return typeof expiry === 'string' && Date.parse(expiry) <= now.getTime()
        ? []
        : expireAt(now.toISOString());
  }
}

/** Why a license got no write, in words: what `writesFor` found already so. */
function kept(sync: Pick<SyncRequest, 'state' | 'periodEnd' | 'onCancel' | 'onPastDue'>): string {
  const expiry = sync.periodEnd ? `expiry already ${sync.periodEnd}` : undefined;
  if (sync.state === 'active') return expiry ? `not suspended, ${expiry}` : 'not suspended';
  if (sync.state === 'delinquent' && sync.onPastDue === 'nothing') {
    return 'left as it is (On Past Due is "nothing")';
  }
  if (sync.state === 'ended' && sync.onCancel === 'expire') return expiry ?? 'already expired';
  return 'already suspended';
}

/** What one write did, in words; Keygen may have found the license already so (a race). */
function said(write: Write, wrote: boolean): string {
  const done =
    write.action === 'update_license'
      ? `${DONE.update_license} ${write.expiry}`
      : DONE[write.action];
  return wrote ? done : `already ${done}`;
}

/**
 * A write Keygen refused, after earlier ones went through: its error, with what was already done
 * (running the step again finishes the job, since a license in line gets no write).
 */
function refusedAfter(z: ZObject, bundle: Bundle, error: unknown, done: readonly string[]) {
  const failure = keygenFailure(error);
  if (!failure || done.length === 0) return error;
  return keygenError(z, bundle, {
    ...failure,
    message: `${failure.message} Already done before it: ${done.join(' ')}`,
  });
}

/** Brings one license in line; `before` is what earlier licenses' syncs did, for an error. */
async function sync(
  z: ZObject,
  bundle: Bundle,
  license: JsonApiResource,
  wanted: SyncRequest,
  before: readonly string[],
) {
  const writes = writesFor(license, wanted);
  let result = recordResult(license);
  const words: string[] = [];
  let changed = false;
  const sentence = (parts: string) => `License ${license.id}: ${parts}.`;
  for (const write of writes) {
    const inputData = {
      license: license.id,
      ...(write.action === 'update_license' ? { expiry: write.expiry } : {}),
    };
    const { changed: wrote, ...record } = await PERFORMS[write.action](z, {
      ...bundle,
      inputData,
    }).catch((error: unknown) => {
      const done = words.length > 0 ? [...before, sentence(words.join(', '))] : before;
      throw refusedAfter(z, bundle, error, done);
    });
    // Suspend and reinstate say `changed: false` when Keygen found the license already so.
    words.push(said(write, wrote !== false));
    changed ||= wrote !== false;
    result = record;
  }
  return {
    result,
    changed,
    words: sentence(words.length > 0 ? words.join(', ') : `${kept(wanted)}, nothing written`),
  };
}

async function perform(z: ZObject, bundle: Bundle): Promise<Flat> {
  const wanted = readSyncRequest(z, bundle);
  const where = `metadata ${wanted.metadataKey} = "${wanted.subscriptionId}"`;
  const licenses = await keygenList<JsonApiResource>(z, bundle, {
    path: ['licenses'],
    query: { [`metadata[${wanted.metadataKey}]`]: wanted.subscriptionId },
    action: `list the licenses with ${where}`,
    target: `licenses with ${where}`,
  });
  if (licenses.length === 0) {
    throw new z.errors.HaltedError(
      `No license has ${where}, so nothing was changed. Store the subscription ID in the license's metadata under ${wanted.metadataKey} when you create it (Create License, Metadata), or set Metadata Key to the key you use.`,
    );
  }
  const synced: Awaited<ReturnType<typeof sync>>[] = [];
  for (const license of licenses) {
    synced.push(
      await sync(
        z,
        bundle,
        license,
        wanted,
        synced.map((s) => s.words),
      ),
    );
  }
  return {
    ...synced[0].result,
    changed: synced.some((s) => s.changed),
    changes: synced.map((s) => s.words).join(' '),
    license_ids: licenses.map((l) => l.id).join(','),
    subscription_state: wanted.state,
  };
}

/** The id of the sample license (keygen/samples.ts), so the sample's fields agree. */
const SAMPLE_ID = 'license-0000-4000-8000-000000000001';

export const syncLicenseSubscription: Create = recordStep({
  key: 'sync_license_subscription',
  noun: 'License',
  label: 'Sync License With Subscription',
  description:
    "Brings every license whose metadata holds a subscription's ID in line with the subscription's status in Stripe, Paddle, Lemon Squeezy or Chargebee: reinstates it while the subscription is active (expiry set to the period end), suspends it when a payment is past due, and suspends, revokes or expires it when the subscription ends. A license already in line is left as it is.",
  inputFields: SYNC_INPUTS,
  perform,
  type: 'licenses',
  extra: {
    fields: [
      { key: 'changed', label: 'Changed', type: 'boolean' },
      { key: 'changes', label: 'Changes', type: 'string' },
      { key: 'license_ids', label: 'Synced License IDs', type: 'string' },
      { key: 'subscription_state', label: 'Subscription State', type: 'string' },
    ],
    sample: {
      changed: true,
      changes: `License ${SAMPLE_ID}: reinstated, expiry set to 2027-06-30T19:50:11.456Z.`,
      license_ids: SAMPLE_ID,
      subscription_state: 'active',
    },
  },
});
