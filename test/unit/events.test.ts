import { EVENTS, eventTriggerKey, findEvent, type KeygenEvent } from '../../keygen/events';
import { titlecase } from '../helpers/titlecase';

const family = (type: string): string => type.slice(0, type.indexOf('.'));

const get = (type: string): KeygenEvent => {
  const event = findEvent(type);
  if (!event) throw new Error(`missing event ${type}`);
  return event;
};

/** What Zapier's label check (D018, python-titlecase) accepts. */
const isTitleCase = (text: string): boolean => text === titlecase(text);

const ZAPIER_KEY = /^[a-zA-Z]+[a-zA-Z0-9_]*$/;

const REQUIRED_OWN_TRIGGERS = [
  'license.created',
  'license.updated',
  'license.deleted',
  'license.expired',
  'license.expiring-soon',
  'license.suspended',
  'license.reinstated',
  'license.renewed',
  'license.revoked',
  'license.validation.succeeded',
  'license.validation.failed',
  'license.usage.incremented',
  'license.checked-in',
  'license.check-in-overdue',
  'license.policy.updated',
  'license.owner.updated',
  'license.entitlements.attached',
  'machine.created',
  'machine.updated',
  'machine.deleted',
  'machine.heartbeat.dead',
  'machine.heartbeat.resurrected',
  'user.created',
  'user.updated',
  'user.deleted',
  'user.banned',
  'user.unbanned',
  'user.password-reset',
  'release.created',
  'release.published',
  'release.yanked',
  'artifact.uploaded',
  'artifact.downloaded',
];

describe('event catalog', () => {
  it('has exactly 119 events with unique types, keys and labels', () => {
    expect(EVENTS).toHaveLength(119);
    expect(new Set(EVENTS.map((e) => e.type)).size).toBe(119);
    expect(new Set(EVENTS.map((e) => e.key)).size).toBe(119);
    expect(new Set(EVENTS.map((e) => e.label)).size).toBe(119);
  });

  it('matches the per-family counts of the reference, grouped in its order', () => {
    const counts: Record<string, number> = {};
    for (const event of EVENTS) counts[family(event.type)] = (counts[family(event.type)] ?? 0) + 1;
    const expected = {
      account: 10,
      artifact: 8,
      component: 3,
      entitlement: 3,
      environment: 3,
      group: 5,
      key: 3,
      license: 27,
      machine: 12,
      package: 3,
      policy: 6,
      process: 7,
      product: 3,
      release: 12,
      'second-factor': 4,
      token: 3,
      user: 7,
    };
    expect(counts).toEqual(expected);
    // Families are contiguous and in the reference's order.
    const order = EVENTS.map((e) => family(e.type)).filter((f, i, all) => f !== all[i - 1]);
    expect(order).toEqual(Object.keys(expected));
  });

  it('derives trigger keys by replacing . and - with _', () => {
    expect(eventTriggerKey('license.expiring-soon')).toBe('license_expiring_soon');
    expect(eventTriggerKey('user.password-reset')).toBe('user_password_reset');
    expect(eventTriggerKey('second-factor.enabled')).toBe('second_factor_enabled');
    expect(eventTriggerKey('license.check-in-required-soon')).toBe(
      'license_check_in_required_soon',
    );
    expect(get('license.expiring-soon').key).toBe('license_expiring_soon');
    expect(get('user.password-reset').key).toBe('user_password_reset');
    for (const event of EVENTS) {
      expect(event.key).toBe(eventTriggerKey(event.type));
      expect(event.key).toMatch(ZAPIER_KEY);
    }
  });

  it.each(EVENTS.map((e) => [e.type, e] as const))(
    '%s has a valid label, noun and description',
    (_, event) => {
      expect(event.label.length).toBeGreaterThanOrEqual(2);
      expect(event.label.length).toBeLessThanOrEqual(64);
      expect(isTitleCase(event.label)).toBe(true);

      expect(isTitleCase(event.noun)).toBe(true);
      // Singular: the noun's last word pluralized is the last part of the payload resource type.
      const last = event.noun.split(' ').pop()!.toLowerCase();
      const plural = /[^aeiou]y$/.test(last)
        ? `${last.slice(0, -1)}ies`
        : last.endsWith('s')
          ? `${last}es`
          : `${last}s`;
      expect(event.resource.split('-').pop()).toBe(plural);

      expect(event.description.startsWith('Triggers when ')).toBe(true);
      expect(event.description.endsWith('.')).toBe(true);
      expect(event.description.length).toBeLessThanOrEqual(1000);
      expect(event.description).not.toMatch(/\s{2}/);
    },
  );

  it('gives the expected labels to a few events', () => {
    expect(get('license.expiring-soon').label).toBe('License Expiring Soon');
    expect(get('license.validation.failed').label).toBe('License Validation Failed');
    expect(get('license.check-in-overdue').label).toBe('License Check-in Overdue');
    expect(get('license.checked-in').label).toBe('License Checked In');
    expect(get('machine.checked-out').label).toBe('Machine Checked Out');
    expect(get('license.check-in-required-soon').label).toBe('License Check-in Required Soon');
    expect(get('machine.heartbeat.dead').label).toBe('Machine Heartbeat Dead');
    expect(get('user.password-reset').label).toBe('User Password Reset');
    expect(get('account.settings.created').label).toBe('Account Settings Created');
    expect(get('second-factor.enabled').label).toBe('Second Factor Enabled');
  });

  it('gives the required events their own trigger', () => {
    for (const type of REQUIRED_OWN_TRIGGERS)
      expect([type, get(type).ownTrigger]).toEqual([type, true]);
  });

  it('marks exactly the 4 unseeded and 2 never-emitted events, none with its own trigger', () => {
    const typesWith = (availability: string) =>
      EVENTS.filter((e) => e.availability === availability).map((e) => e.type);
    expect(typesWith('unseeded').sort()).toEqual(
      [
        'group.owners.attached',
        'group.owners.detached',
        'process.heartbeat.resurrected',
        'process.updated',
      ].sort(),
    );
    expect(typesWith('never-emitted').sort()).toEqual(['license.validated', 'release.replaced']);
    for (const event of EVENTS.filter(
      (e) => e.availability === 'unseeded' || e.availability === 'never-emitted',
    )) {
      expect([event.type, event.ownTrigger]).toEqual([event.type, false]);
    }
    for (const type of typesWith('unseeded')) {
      expect(get(type).description).toMatch(/only after the event has fired/);
    }
    for (const type of typesWith('never-emitted')) {
      expect(get(type).description).toMatch(/never fires/);
    }
  });

  it('marks Cloud-only and EE-only events', () => {
    const typesWith = (availability: string) =>
      EVENTS.filter((e) => e.availability === availability).map((e) => e.type);
    expect(typesWith('cloud-only')).toEqual([
      'account.subscription.canceled',
      'account.subscription.paused',
      'account.subscription.renewed',
      'account.subscription.resumed',
      'account.plan.updated',
      'account.billing.updated',
    ]);
    expect(typesWith('ee-only')).toEqual([
      'environment.created',
      'environment.updated',
      'environment.deleted',
    ]);
    for (const type of typesWith('cloud-only')) expect(get(type).description).toMatch(/Cloud only/);
    for (const type of typesWith('ee-only')) expect(get(type).description).toMatch(/\(EE\)/);
  });

  it('describes list payloads and their resources', () => {
    const lists: Record<string, [string, string]> = {
      'license.entitlements.attached': ['license-entitlements', 'License Entitlement'],
      'license.entitlements.detached': ['license-entitlements', 'License Entitlement'],
      'license.users.attached': ['license-users', 'License User'],
      'license.users.detached': ['license-users', 'License User'],
      'policy.entitlements.attached': ['policy-entitlements', 'Policy Entitlement'],
      'policy.entitlements.detached': ['policy-entitlements', 'Policy Entitlement'],
      'group.owners.attached': ['group-owners', 'Group Owner'],
      'group.owners.detached': ['group-owners', 'Group Owner'],
      'release.constraints.attached': ['constraints', 'Release Constraint'],
      'release.constraints.detached': ['constraints', 'Release Constraint'],
    };
    for (const [type, [resource, noun]] of Object.entries(lists)) {
      expect(get(type)).toMatchObject({ type, list: true, resource, noun });
    }
    expect(
      EVENTS.filter((e) => e.list)
        .map((e) => e.type)
        .sort(),
    ).toEqual(Object.keys(lists).sort());
  });

  it('describes payload meta', () => {
    expect(get('license.validation.succeeded').meta).toBe('validation');
    expect(get('license.validation.failed').meta).toBe('validation');
    expect(get('user.password-reset').meta).toBe('password-reset');
    expect(get('release.upgraded').meta).toBe('upgrade');
    expect(get('machine.proofs.generated').meta).toBe('proof');
    expect(EVENTS.filter((e) => e.meta !== undefined)).toHaveLength(5);
    expect('meta' in get('license.created')).toBe(false);
  });

  it('names the payload resource of the special events', () => {
    expect(get('release.downloaded')).toMatchObject({ resource: 'artifacts', noun: 'Artifact' });
    expect(get('release.upgraded')).toMatchObject({ resource: 'releases', noun: 'Release' });
    expect(get('policy.pool.popped')).toMatchObject({ resource: 'keys', noun: 'Key' });
    expect(get('account.plan.updated')).toMatchObject({ resource: 'plans', noun: 'Plan' });
    expect(get('account.billing.updated')).toMatchObject({ resource: 'billings', noun: 'Billing' });
    expect(get('account.updated')).toMatchObject({ resource: 'accounts', noun: 'Account' });
    for (const action of ['created', 'updated', 'deleted']) {
      expect(get(`account.settings.${action}`).resource).toBe('settings');
    }
    expect(get('license.expiring-soon')).toMatchObject({ resource: 'licenses', noun: 'License' });
    expect(get('second-factor.created').resource).toBe('second-factors');
  });

  it('states the semantics that matter in descriptions', () => {
    const soon = get('license.expiring-soon').description;
    expect(soon).toMatch(/3 days/);
    expect(soon).toMatch(/10 minutes/);
    expect(soon).toMatch(/once a day/);
    expect(soon).toMatch(/License Expiring Within/);
    expect(soon).toMatch(/without an expiry never/);
    expect(get('license.expired').description).toMatch(/12 hours/);
    expect(get('license.revoked').description).toMatch(/not License Deleted/);
    expect(get('license.deleted').description).toMatch(/License Revoked/);
    expect(get('license.suspended').description).toMatch(/License Updated instead/);
    expect(get('license.reinstated').description).toMatch(/License Updated instead/);
    for (const type of ['license.validation.succeeded', 'license.validation.failed']) {
      expect(get(type).description).toMatch(/quick GET validations send nothing/);
      expect(get(type).description).toMatch(/matches no license sends nothing/);
    }
    expect(get('machine.heartbeat.dead').description).toMatch(/once per machine life/);
    expect(get('machine.heartbeat.dead').description).toMatch(/without a Machine Deleted/);
    expect(get('machine.heartbeat.pong').description).toMatch(/noisy/);
    expect(get('release.downloaded').description).toMatch(/artifact, not the release/);
    expect(get('artifact.uploaded').description).toMatch(
      /legacy twin of Artifact Upload Succeeded/,
    );
  });

  it('finds events by type in O(1) and returns undefined for unknown types', () => {
    for (const event of EVENTS) expect(findEvent(event.type)).toBe(event);
    expect(findEvent('license.exploded')).toBeUndefined();
    expect(findEvent('')).toBeUndefined();
    expect(findEvent('*')).toBeUndefined();
    expect(findEvent('license_expiring_soon')).toBeUndefined();
  });

  it('is immutable', () => {
    expect(Object.isFrozen(EVENTS)).toBe(true);
    expect(EVENTS.every((e) => Object.isFrozen(e))).toBe(true);
  });
});
