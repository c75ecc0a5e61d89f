/**
 * What every sandbox run starts with: one account (fresh ids and keys), a product, a timed and a
 * perpetual policy, an admin and a customer, an entitlement, a group, licenses in four states,
 * and an admin and a product token.
 */
import { randomUUID } from 'node:crypto';
import type { Account } from './serializers';
import { licenseKey, tokenSecret, type License, type PolicyAttributes, type Store } from './store';

const DAY_MS = 24 * 60 * 60 * 1000;

/** Keygen's defaults for a new policy. */
const POLICY_DEFAULTS: PolicyAttributes = {
  name: '',
  duration: null,
  strict: false,
  floating: false,
  usePool: false,
  maxMachines: 1,
  maxProcesses: null,
  maxUsers: null,
  maxCores: null,
  maxMemory: null,
  maxDisk: null,
  maxUses: null,
  machineUniquenessStrategy: 'UNIQUE_PER_LICENSE',
  machineMatchingStrategy: 'MATCH_ANY',
  componentUniquenessStrategy: 'UNIQUE_PER_MACHINE',
  componentMatchingStrategy: 'MATCH_ANY',
  expirationStrategy: 'RESTRICT_ACCESS',
  expirationBasis: 'FROM_CREATION',
  renewalBasis: 'FROM_EXPIRY',
  transferStrategy: 'KEEP_EXPIRY',
  authenticationStrategy: 'TOKEN',
  machineLeasingStrategy: 'PER_LICENSE',
  processLeasingStrategy: 'PER_MACHINE',
  overageStrategy: 'NO_OVERAGE',
  scheme: null,
  encrypted: false,
  protected: false,
  requireProductScope: false,
  requirePolicyScope: false,
  requireMachineScope: false,
  requireFingerprintScope: false,
  requireComponentsScope: false,
  requireUserScope: false,
  requireChecksumScope: false,
  requireVersionScope: false,
  requireCheckIn: false,
  checkInInterval: null,
  checkInIntervalCount: null,
  heartbeatDuration: null,
  heartbeatCullStrategy: 'DEACTIVATE_DEAD',
  heartbeatResurrectionStrategy: 'NO_REVIVE',
  heartbeatBasis: 'FROM_FIRST_PING',
  requireHeartbeat: false,
  metadata: {},
};

export interface Seed {
  account: Omit<Account, 'publicKeys'>;
  adminToken: string;
  productToken: string;
  productId: string;
  policyIds: { timed: string; perpetual: string };
  userId: string;
  userEmail: string;
  entitlementId: string;
  groupId: string;
  licenses: Record<'active' | 'expiringSoon' | 'expired' | 'suspended', License>;
}

export function seed(store: Store): Seed {
  const now = Date.now();
  const iso = (offsetMs: number) => new Date(now + offsetMs).toISOString();
  const account = {
    id: randomUUID(),
    slug: 'acme-sandbox',
    name: 'Acme (sandbox)',
    apiVersion: '1.8',
    created: iso(-365 * DAY_MS),
    updated: iso(-365 * DAY_MS),
  };
  const product = store.products.add({
    name: 'Acme App',
    code: 'acme-app',
    distributionStrategy: 'LICENSED',
    url: 'https://acme.example.com',
    platforms: ['macOS', 'Windows'],
    metadata: {},
  });
  const timed = store.policies.add({
    ...POLICY_DEFAULTS,
    productId: product.id,
    name: 'Pro Monthly',
    duration: 30 * 24 * 60 * 60,
    floating: true,
    maxMachines: 3,
    metadata: { plan: 'pro' },
  });
  // Offline installs check in monthly, so Check in License has a policy it works for.
  const perpetual = store.policies.add({
    ...POLICY_DEFAULTS,
    productId: product.id,
    name: 'Perpetual',
    requireCheckIn: true,
    checkInInterval: 'month',
    checkInIntervalCount: 1,
  });
  const admin = store.users.add({
    firstName: 'Sam',
    lastName: 'Admin',
    email: 'admin@acme.example.com',
    role: 'admin',
    banned: false,
    groupId: null,
    metadata: {},
  });
  const customer = store.users.add({
    firstName: 'Ada',
    lastName: 'Lovelace',
    email: 'ada@example.com',
    role: 'user',
    banned: false,
    groupId: null,
    metadata: { stripe_customer_id: 'cus_sandbox0001' },
  });
  const entitlement = store.entitlements.add({
    name: 'Feature A',
    code: 'FEATURE_A',
    metadata: {},
  });
  const group = store.groups.add({
    name: 'Team A',
    maxUsers: null,
    maxLicenses: null,
    maxMachines: null,
    metadata: {},
  });
  const license = (name: string, policyId: string, fields: Partial<License>): License =>
    store.licenses.add({
      productId: product.id,
      policyId,
      ownerId: customer.id,
      groupId: null,
      name,
      key: licenseKey(),
      expiry: null,
      uses: 0,
      suspended: false,
      protected: null,
      version: null,
      maxMachines: null,
      maxProcesses: null,
      maxUsers: null,
      maxCores: null,
      maxMemory: null,
      maxDisk: null,
      maxUses: null,
      lastValidated: null,
      lastCheckIn: null,
      lastCheckOut: null,
      metadata: {},
      entitlementIds: [],
      ...fields,
    });
  const licenses = {
    active: license('Pro (active)', timed.id, {
      expiry: iso(20 * DAY_MS),
      created: iso(-10 * DAY_MS),
      metadata: { stripe_subscription_id: 'sub_sandbox0001' },
      entitlementIds: [entitlement.id],
    }),
    expiringSoon: license('Pro (expiring soon)', timed.id, {
      expiry: iso(2 * DAY_MS),
      created: iso(-28 * DAY_MS),
    }),
    expired: license('Pro (expired)', timed.id, {
      expiry: iso(-DAY_MS),
      created: iso(-31 * DAY_MS),
    }),
    suspended: license('Perpetual (suspended)', perpetual.id, {
      suspended: true,
      created: iso(-60 * DAY_MS),
    }),
  };
  const adminToken = tokenSecret('admin');
  store.tokens.add({
    kind: 'admin-token',
    secret: adminToken,
    bearerType: 'users',
    bearerId: admin.id,
    name: 'Sandbox admin',
    expiry: null,
    maxActivations: null,
    maxDeactivations: null,
  });
  const productToken = tokenSecret('prod');
  store.tokens.add({
    kind: 'product-token',
    secret: productToken,
    bearerType: 'products',
    bearerId: product.id,
    name: 'Sandbox product',
    expiry: null,
    maxActivations: null,
    maxDeactivations: null,
  });
  return {
    account,
    adminToken,
    productToken,
    productId: product.id,
    policyIds: { timed: timed.id, perpetual: perpetual.id },
    userId: customer.id,
    userEmail: customer.email,
    entitlementId: entitlement.id,
    groupId: group.id,
    licenses,
  };
}
