/**
 * The sandbox's in-memory records. Each record holds the attributes its serializer prints, named
 * as Keygen names them, plus the ids of what it belongs to. Nothing outlives the process.
 */
import { randomBytes, randomUUID } from 'node:crypto';

export type Metadata = Record<string, unknown>;

export interface Stamped {
  id: string;
  created: string;
  updated: string;
  /** Creation order: many records share one millisecond, and lists are ordered by creation. */
  seq: number;
}

export interface Product extends Stamped {
  name: string;
  code: string | null;
  distributionStrategy: string;
  url: string | null;
  platforms: string[];
  metadata: Metadata;
}

/** Every policy attribute, in keygen-api's app/serializers/policy_serializer.rb order. */
export interface PolicyAttributes {
  name: string;
  duration: number | null;
  strict: boolean;
  floating: boolean;
  usePool: boolean;
  maxMachines: number | null;
  maxProcesses: number | null;
  maxUsers: number | null;
  maxCores: number | null;
  maxMemory: number | null;
  maxDisk: number | null;
  maxUses: number | null;
  machineUniquenessStrategy: string;
  machineMatchingStrategy: string;
  componentUniquenessStrategy: string;
  componentMatchingStrategy: string;
  expirationStrategy: string;
  expirationBasis: string;
  renewalBasis: string;
  transferStrategy: string;
  authenticationStrategy: string;
  machineLeasingStrategy: string;
  processLeasingStrategy: string;
  overageStrategy: string;
  scheme: string | null;
  encrypted: boolean;
  protected: boolean;
  requireProductScope: boolean;
  requirePolicyScope: boolean;
  requireMachineScope: boolean;
  requireFingerprintScope: boolean;
  requireComponentsScope: boolean;
  requireUserScope: boolean;
  requireChecksumScope: boolean;
  requireVersionScope: boolean;
  requireCheckIn: boolean;
  checkInInterval: string | null;
  checkInIntervalCount: number | null;
  heartbeatDuration: number | null;
  heartbeatCullStrategy: string;
  heartbeatResurrectionStrategy: string;
  heartbeatBasis: string;
  requireHeartbeat: boolean;
  metadata: Metadata;
}

export interface Policy extends Stamped, PolicyAttributes {
  productId: string;
}

export interface License extends Stamped {
  productId: string;
  policyId: string;
  ownerId: string | null;
  groupId: string | null;
  name: string | null;
  key: string;
  expiry: string | null;
  uses: number;
  suspended: boolean;
  /** `null`: the policy's `protected` applies (Keygen's License#protected?). */
  protected: boolean | null;
  version: string | null;
  maxMachines: number | null;
  maxProcesses: number | null;
  maxUsers: number | null;
  maxCores: number | null;
  maxMemory: number | null;
  maxDisk: number | null;
  maxUses: number | null;
  lastValidated: string | null;
  lastCheckIn: string | null;
  lastCheckOut: string | null;
  metadata: Metadata;
  entitlementIds: string[];
  /** Users attached as license users (besides the owner). */
  userIds?: string[];
}

export interface User extends Stamped {
  firstName: string | null;
  lastName: string | null;
  email: string;
  role: string;
  banned: boolean;
  groupId: string | null;
  metadata: Metadata;
}

export interface Machine extends Stamped {
  licenseId: string;
  ownerId: string | null;
  groupId: string | null;
  fingerprint: string;
  cores: number | null;
  memory: number | null;
  disk: number | null;
  ip: string | null;
  hostname: string | null;
  platform: string | null;
  name: string | null;
  /** Overrides the license's (and so the policy's) maxProcesses. */
  maxProcesses?: number | null;
  lastCheckOut: string | null;
  /** Set by a heartbeat ping, cleared by a reset. */
  lastHeartbeat?: string | null;
  metadata: Metadata;
}

export interface Entitlement extends Stamped {
  name: string;
  code: string;
  metadata: Metadata;
}

export interface Group extends Stamped {
  name: string;
  maxUsers: number | null;
  maxLicenses: number | null;
  maxMachines: number | null;
  metadata: Metadata;
}

export interface Token extends Stamped {
  kind: string;
  /** The secret: Keygen shows it once, when the token is generated. */
  secret: string;
  bearerType: 'users' | 'products' | 'licenses';
  bearerId: string;
  name: string | null;
  expiry: string | null;
  maxActivations: number | null;
  maxDeactivations: number | null;
  /** Machines an activation token created and deleted; Keygen counts for activation tokens only. */
  activations?: number;
  deactivations?: number;
}

export interface WebhookEndpoint extends Stamped {
  url: string;
  subscriptions: string[];
  signatureAlgorithm: string;
  apiVersion: string;
  productId: string | null;
}

export type WebhookEventStatus = 'DELIVERING' | 'DELIVERED' | 'FAILING' | 'FAILED';

export interface WebhookEvent extends Stamped {
  endpointId: string;
  endpoint: string;
  apiVersion: string;
  /** The payload document as the JSON string the envelope carries. */
  payload: string;
  event: string;
  status: WebhookEventStatus;
  lastResponseCode: number | null;
  lastResponseBody: string | null;
  idempotencyToken: string;
}

export class Collection<T extends Stamped> {
  private readonly records = new Map<string, T>();

  constructor(private readonly store: Store) {}

  add(fields: Omit<T, keyof Stamped> & Partial<Pick<T, 'id' | 'created'>>): T {
    const now = this.store.now();
    const record = {
      ...fields,
      id: fields.id ?? randomUUID(),
      created: fields.created ?? now,
      updated: fields.created ?? now,
      seq: this.store.nextSeq(),
    } as T;
    this.records.set(record.id, record);
    return record;
  }

  get(id: string): T | undefined {
    return this.records.get(id);
  }

  /** The first record, oldest first, that matches: how Keygen resolves an alias (keygen-api app/services/find_by_alias_service.rb). */
  find(match: (record: T) => boolean): T | undefined {
    return this.all('asc').find(match);
  }

  /** Newest first, as Keygen lists by default. */
  all(order: 'asc' | 'desc' = 'desc'): T[] {
    const list = [...this.records.values()].sort((a, b) => a.seq - b.seq);
    return order === 'asc' ? list : list.reverse();
  }

  touch(record: T): T {
    record.updated = this.store.now();
    return record;
  }

  delete(id: string): boolean {
    return this.records.delete(id);
  }
}

export class Store {
  private seq = 0;
  readonly products = new Collection<Product>(this);
  readonly policies = new Collection<Policy>(this);
  readonly licenses = new Collection<License>(this);
  readonly users = new Collection<User>(this);
  readonly machines = new Collection<Machine>(this);
  readonly entitlements = new Collection<Entitlement>(this);
  readonly groups = new Collection<Group>(this);
  readonly tokens = new Collection<Token>(this);
  readonly webhookEndpoints = new Collection<WebhookEndpoint>(this);
  readonly webhookEvents = new Collection<WebhookEvent>(this);

  /** A license goes with its machines and tokens, without events for them (keygen-api app/models/license.rb). */
  deleteLicense(id: string): void {
    for (const machine of this.machines.all())
      if (machine.licenseId === id) this.machines.delete(machine.id);
    for (const token of this.tokens.all()) if (token.bearerId === id) this.tokens.delete(token.id);
    this.licenses.delete(id);
  }

  now(): string {
    return new Date().toISOString();
  }

  nextSeq(): number {
    this.seq += 1;
    return this.seq;
  }
}

export function hex(bytes: number): string {
  return randomBytes(bytes).toString('hex');
}

/** A Keygen v3 token: `<prefix>-<64 hex>v3` (keygen-api app/models/token.rb). */
export function tokenSecret(prefix: string): string {
  return `${prefix}-${hex(32)}v3`;
}

/** A license key shaped like Keygen's default: six groups of six hex digits, then `V3`. */
export function licenseKey(): string {
  const groups = hex(15).toUpperCase().match(/.{6}/g) ?? [];
  return [...groups, 'V3'].join('-');
}
