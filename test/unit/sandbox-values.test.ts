/**
 * Values the sandbox computes as Keygen does (keygen-api app/models): what depends on time or on
 * records no route creates yet is checked here on the store; the rest over HTTP in
 * test/e2e/sandbox-api.test.ts.
 */
import { seed } from '../../tools/sandbox/seed';
import {
  heartbeatStatus,
  mayResurrect,
  nextCheckIn,
  serializeLicense,
  serializeMachine,
  userStatus,
  type Context,
} from '../../tools/sandbox/serializers';
import { Store, type Machine, type User } from '../../tools/sandbox/store';

const DAY = 86_400_000;
const NOW = Date.now();
const ago = (ms: number) => new Date(NOW - ms).toISOString();

function setup() {
  const store = new Store();
  const seeded = seed(store);
  const ctx: Context = {
    account: { ...seeded.account, publicKeys: { ed25519: '', rsa2048: '', ecdsa: '' } },
    store,
  };
  return { store, seeded, ctx };
}

function addUser(store: Store, created: string, role = 'user'): User {
  return store.users.add({
    firstName: null,
    lastName: null,
    email: `${Math.random()}@example.com`,
    role,
    banned: false,
    groupId: null,
    metadata: {},
    created,
  });
}

describe('user status (User#active?: created or any license active in the last 90 days)', () => {
  it('is ACTIVE for 90 days after creation, for every role, then INACTIVE without licenses', () => {
    const { store, ctx } = setup();
    for (const role of ['user', 'admin', 'developer']) {
      expect(userStatus(ctx, addUser(store, ago(89 * DAY), role), NOW)).toBe('ACTIVE');
      expect(userStatus(ctx, addUser(store, ago(91 * DAY), role), NOW)).toBe('INACTIVE');
    }
  });

  it('is ACTIVE when a license they own or are attached to had activity, expired or not', () => {
    const { store, seeded, ctx } = setup();
    const owner = addUser(store, ago(400 * DAY));
    const attached = addUser(store, ago(400 * DAY));
    const license = seeded.licenses.expired;
    Object.assign(license, { created: ago(300 * DAY), ownerId: owner.id, userIds: [attached.id] });
    expect(userStatus(ctx, owner, NOW)).toBe('INACTIVE');
    for (const field of ['lastValidated', 'lastCheckOut', 'lastCheckIn'] as const) {
      Object.assign(license, { lastValidated: null, lastCheckOut: null, lastCheckIn: null });
      license[field] = ago(10 * DAY);
      expect(userStatus(ctx, owner, NOW)).toBe('ACTIVE');
      expect(userStatus(ctx, attached, NOW)).toBe('ACTIVE');
    }
    store.users.get(owner.id)!.banned = true;
    expect(userStatus(ctx, owner, NOW)).toBe('BANNED');
  });
});

describe('licenses', () => {
  it('count attached users with the owner in the users meta', () => {
    const { store, seeded, ctx } = setup();
    const license = seeded.licenses.active;
    const users = (l = license) => serializeLicense(ctx, l).relationships!.users.meta;
    expect(users()).toEqual({ count: 1 });
    license.userIds = [addUser(store, ago(0)).id, addUser(store, ago(0)).id];
    expect(users()).toEqual({ count: 3 });
    license.ownerId = null;
    expect(users()).toEqual({ count: 2 });
  });

  it('take protected from the policy unless the license sets it', () => {
    const { store, seeded, ctx } = setup();
    const license = seeded.licenses.active;
    const policy = store.policies.get(license.policyId)!;
    const shown = () => serializeLicense(ctx, license).attributes.protected;
    license.protected = null;
    policy.protected = true;
    expect(shown()).toBe(true);
    policy.protected = false;
    expect(shown()).toBe(false);
    license.protected = true;
    expect(shown()).toBe(true);
  });

  it('schedule the next check-in in calendar months and years, clamped to the month', () => {
    expect(nextCheckIn('2026-01-31T10:00:00.000Z', 'month', 1)).toBe('2026-02-28T10:00:00.000Z');
    expect(nextCheckIn('2028-01-31T10:00:00.000Z', 'month', 1)).toBe('2028-02-29T10:00:00.000Z');
    expect(nextCheckIn('2026-03-15T10:00:00.000Z', 'month', 3)).toBe('2026-06-15T10:00:00.000Z');
    expect(nextCheckIn('2028-02-29T10:00:00.000Z', 'year', 1)).toBe('2029-02-28T10:00:00.000Z');
    expect(nextCheckIn('2026-03-15T10:00:00.000Z', 'week', 2)).toBe('2026-03-29T10:00:00.000Z');
    expect(nextCheckIn('2026-03-15T10:00:00.000Z', 'day', 1)).toBe('2026-03-16T10:00:00.000Z');

    const { store, seeded, ctx } = setup();
    const license = seeded.licenses.active;
    Object.assign(store.policies.get(license.policyId)!, {
      requireCheckIn: true,
      checkInInterval: 'month',
      checkInIntervalCount: 1,
    });
    license.lastCheckIn = '2026-01-31T10:00:00.000Z';
    expect(serializeLicense(ctx, license).attributes.nextCheckIn).toBe('2026-02-28T10:00:00.000Z');
  });
});

describe('machine heartbeat (Machine#heartbeat_status)', () => {
  function machineOf(store: Store, licenseId: string, fields: Partial<Machine>): Machine {
    return store.machines.add({
      licenseId,
      ownerId: null,
      groupId: null,
      fingerprint: `fp-${Math.random()}`,
      cores: null,
      memory: null,
      disk: null,
      ip: null,
      hostname: null,
      platform: null,
      name: null,
      lastCheckOut: null,
      metadata: {},
      ...fields,
    });
  }

  it('is NOT_STARTED, ALIVE or DEAD by the last ping and the duration (600 s by default)', () => {
    const { store, seeded } = setup();
    const license = seeded.licenses.active;
    const policy = store.policies.get(license.policyId)!;
    const status = (fields: Partial<Machine>) =>
      heartbeatStatus(machineOf(store, license.id, fields), policy, NOW);

    expect(status({ created: ago(DAY) })).toMatchObject({
      status: 'NOT_STARTED',
      duration: 600,
      required: false,
      next: null,
    });
    const pinged = ago(599_000);
    expect(status({ lastHeartbeat: pinged })).toMatchObject({
      status: 'ALIVE',
      required: true,
      next: new Date(Date.parse(pinged) + 600_000).toISOString(),
    });
    expect(status({ lastHeartbeat: ago(601_000) }).status).toBe('DEAD');

    policy.requireHeartbeat = true;
    policy.heartbeatDuration = 3600;
    expect(status({ created: ago(3599_000) })).toMatchObject({
      status: 'NOT_STARTED',
      duration: 3600,
    });
    expect(status({ created: ago(3601_000) }).status).toBe('DEAD');
    expect(status({ created: ago(DAY), lastHeartbeat: ago(3000_000) }).status).toBe('ALIVE');
  });

  it('a dead machine may come back always, never, or within the revive window after its missed ping', () => {
    const { store, seeded } = setup();
    const license = seeded.licenses.active;
    const policy = store.policies.get(license.policyId)!;
    policy.heartbeatDuration = 60;
    // Missed its heartbeat 4 minutes ago (last ping 5 minutes ago, 60 s duration).
    const missed = machineOf(store, license.id, { lastHeartbeat: ago(300_000) });
    const never = machineOf(store, license.id, { created: ago(DAY) });
    const revive = (strategy: string, machine = missed) => {
      policy.heartbeatResurrectionStrategy = strategy;
      return mayResurrect(machine, policy, NOW);
    };
    expect(revive('NO_REVIVE')).toBe(false);
    expect(revive('ALWAYS_REVIVE')).toBe(true);
    expect(revive('ALWAYS_REVIVE', never)).toBe(true);
    expect(revive('5_MINUTE_REVIVE')).toBe(true);
    expect(revive('2_MINUTE_REVIVE')).toBe(false);
    expect(revive('5_MINUTE_REVIVE', never)).toBe(false);
  });

  it('serializes maxProcesses as the machine override, else the license’s, else the policy’s', () => {
    const { store, seeded, ctx } = setup();
    const license = seeded.licenses.active;
    const policy = store.policies.get(license.policyId)!;
    const machine = machineOf(store, license.id, {});
    const shown = () => serializeMachine(ctx, machine).attributes.maxProcesses;
    policy.maxProcesses = 2;
    expect(shown()).toBe(2);
    license.maxProcesses = 4;
    expect(shown()).toBe(4);
    machine.maxProcesses = 8;
    expect(shown()).toBe(8);
    expect(serializeMachine(ctx, machine).attributes.heartbeatDuration).toBe(600);
  });
});
