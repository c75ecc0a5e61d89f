/**
 * JSON:API resources to flat, labelled fields. One field table per resource type generates both
 * the values and the outputFields (and, from a synthetic resource, the samples), so the three can
 * never disagree.
 */
import { toCurrentNames } from './api-versions';
import type { PayloadMeta } from './events';

export type FieldType = 'string' | 'integer' | 'number' | 'boolean' | 'datetime';
export interface OutputField {
  key: string;
  label: string;
  /** `file`: a step's own output (a license file), never a resource attribute. */
  type?: FieldType | 'file';
  list?: boolean;
  children?: OutputField[];
}
export type Flat = Record<string, unknown>;

export interface RelationshipData {
  type: string;
  id: string;
}
export interface JsonApiResource {
  id: string;
  type: string;
  attributes?: Record<string, unknown>;
  relationships?: Record<
    string,
    { data?: RelationshipData | RelationshipData[] | null; meta?: Record<string, unknown> }
  >;
}

/**
 * Attributes in Keygen's serializer order: `name:type` where type is d(atetime), i(nteger),
 * n(umber), b(oolean), l(ist of strings) or s(tring, the default). After `|`: relationships whose
 * id becomes `<noun>_<rel>_id` (`rel:t` also gives the related type, for polymorphic ones). After a
 * second `|`: relationship meta, `rel.key:type`, whose value becomes `<noun>_<rel>_<key>`.
 * The grammar is checked when a type's spec is first read, and the whole table by `npm test`
 * (compileFieldTable in test/unit/field-table.test.ts): a bad spec fails loudly, with its name.
 * Not at module load: parsing every spec there added about 4 ms to each cold start.
 */
const TABLE: Record<string, string> = {
  licenses:
    'name key expiry:d status uses:i suspended:b scheme encrypted:b strict:b floating:b protected:b version maxMachines:i maxProcesses:i maxUsers:i maxCores:i maxMemory:i maxDisk:i maxUses:i requireHeartbeat:b requireCheckIn:b lastValidated:d lastCheckIn:d nextCheckIn:d lastCheckOut:d permissions:l created:d updated:d | environment product policy group owner | users.count:i machines.count:i machines.cores:i machines.memory:i machines.disk:i',
  machines:
    'fingerprint cores:i memory:i disk:i ip hostname platform name requireHeartbeat:b heartbeatStatus heartbeatDuration:i maxProcesses:i lastCheckOut:d lastHeartbeat:d nextHeartbeat:d created:d updated:d | environment product group license owner',
  users:
    'fullName firstName lastName email status role permissions:l created:d updated:d | environment group',
  products:
    'name code distributionStrategy url platforms:l permissions:l created:d updated:d | environment',
  policies:
    'name duration:i strict:b floating:b usePool:b maxMachines:i maxProcesses:i maxUsers:i maxCores:i maxMemory:i maxDisk:i maxUses:i machineUniquenessStrategy machineMatchingStrategy componentUniquenessStrategy componentMatchingStrategy expirationStrategy expirationBasis renewalBasis transferStrategy authenticationStrategy machineLeasingStrategy processLeasingStrategy overageStrategy scheme encrypted:b protected:b requireProductScope:b requirePolicyScope:b requireMachineScope:b requireFingerprintScope:b requireComponentsScope:b requireUserScope:b requireChecksumScope:b requireVersionScope:b requireCheckIn:b checkInInterval checkInIntervalCount:i heartbeatDuration:i heartbeatCullStrategy heartbeatResurrectionStrategy heartbeatBasis requireHeartbeat:b created:d updated:d | environment product',
  releases:
    'name description channel status tag version semver.major:i semver.minor:i semver.patch:i semver.prerelease semver.build created:d updated:d backdated:d yanked:d | environment product package',
  artifacts:
    'filename filetype filesize:i platform arch signature checksum status created:d updated:d | environment release',
  entitlements: 'name code created:d updated:d | environment',
  groups: 'name maxUsers:i maxLicenses:i maxMachines:i created:d updated:d | environment',
  processes:
    'pid status lastHeartbeat:d nextHeartbeat:d interval:i created:d updated:d | environment product license machine',
  components: 'fingerprint name created:d updated:d | environment product license machine',
  tokens:
    'kind name expiry:d maxActivations:i activations:i maxDeactivations:i deactivations:i permissions:l created:d updated:d | environment bearer:t',
  keys: 'key created:d updated:d | environment product policy',
  packages: 'name key engine created:d updated:d | environment product',
  environments: 'name code isolationStrategy created:d updated:d',
  'second-factors': 'enabled:b created:d updated:d | environment user',
  accounts: 'name slug apiVersion status protected:b created:d updated:d | plan billing',
  settings: 'key value:l created:d updated:d',
  constraints: 'created:d updated:d | environment entitlement release',
  plans:
    'name price:i interval trialDuration:i requestLogRetentionDuration:i eventLogRetentionDuration:i maxReqs:i maxAdmins:i maxUsers:i maxPolicies:i maxLicenses:i maxProducts:i maxStorage:i maxTransfer:i maxUpload:i private:b created:d updated:d',
  billings:
    'subscriptionStatus subscriptionPeriodStart:d subscriptionPeriodEnd:d cardExpiry:d cardBrand cardLast4 state created:d updated:d | plan',
  'license-entitlements': 'created:d updated:d | environment entitlement license',
  'license-users': 'created:d updated:d | environment license user',
  'policy-entitlements': 'created:d updated:d | environment entitlement policy',
  'group-owners': 'created:d updated:d | environment group user',
  // Signed certificates for offline use (check-out); Keygen renders them, it stores none.
  'license-files': 'certificate algorithm includes:l ttl:i expiry:d issued:d | environment license',
  'machine-files':
    'certificate algorithm includes:l ttl:i expiry:d issued:d | environment license machine',
  'webhook-endpoints':
    'url subscriptions:l signatureAlgorithm apiVersion created:d updated:d | environment product',
};

const TYPE_CODES: Record<string, { type: FieldType; list?: boolean }> = {
  s: { type: 'string' },
  d: { type: 'datetime' },
  i: { type: 'integer' },
  n: { type: 'number' },
  b: { type: 'boolean' },
  l: { type: 'string', list: true },
};

export interface AttributeSpec {
  path: readonly string[];
  suffix: string;
  label: string;
  type: FieldType;
  list?: boolean;
}
export interface RelationshipSpec {
  name: string;
  suffix: string;
  label: string;
  withType: boolean;
}
/** A key of a relationship's `meta` (a license's machines `count`, `cores`, ...). */
export interface RelationshipMetaSpec {
  relationship: string;
  key: string;
  suffix: string;
  label: string;
  type: FieldType;
  list?: boolean;
}
export interface ResourceSpec {
  type: string;
  noun: string;
  nounLabel: string;
  attributes: AttributeSpec[];
  relationships: RelationshipSpec[];
  relationshipMeta: RelationshipMetaSpec[];
}

const WORD_LABELS: Record<string, string> = { id: 'ID', ip: 'IP', url: 'URL', api: 'API' };

/**
 * `table[key]` only when the table itself has it: types come from the wire, and a type such as
 * `constructor` or `__proto__` must not find Object.prototype's members.
 */
function own<T>(table: Record<string, T>, key: string): T | undefined {
  return Object.hasOwn(table, key) ? table[key] : undefined;
}

export function snakeCase(name: string): string {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/[-.\s]+/g, '_')
    .toLowerCase();
}

function titleCase(snake: string): string {
  return snake
    .split('_')
    .filter(Boolean)
    .map((word) => own(WORD_LABELS, word) ?? word[0].toUpperCase() + word.slice(1))
    .join(' ');
}

const IRREGULAR_SINGULARS: Record<string, string> = {
  policies: 'policy',
  processes: 'process',
};

/** `licenses` → `license`, `second-factors` → `second_factor`, `policies` → `policy`. */
export function nounOf(type: string): string {
  const singular = own(IRREGULAR_SINGULARS, type) ?? type.replace(/s$/, '');
  return snakeCase(singular);
}

/** `second-factors` → `Second Factor`: the noun as labels and Zapier nouns show it. */
export function nounLabel(type: string): string {
  return titleCase(nounOf(type));
}

/** A field table that does not follow the grammar above; the message names the type and the spec. */
export class FieldTableError extends Error {
  override name = 'FieldTableError';
}

const NAME = '[a-z][A-Za-z0-9]*';
const TYPE_CODE = '(?::([a-z]))?';
const GRAMMAR = {
  attribute: new RegExp(`^(${NAME}(?:\\.${NAME})*)${TYPE_CODE}$`),
  relationship: new RegExp(`^(${NAME})(?::(t))?$`),
  'relationship meta': new RegExp(`^(${NAME})\\.(${NAME})${TYPE_CODE}$`),
};
const GRAMMAR_HINT = {
  attribute: 'name or name:type',
  relationship: 'name or name:t',
  'relationship meta': 'relationship.key or relationship.key:type',
};

function typeOf(code = 's', fail: (why: string) => never) {
  return (
    own(TYPE_CODES, code) ??
    fail(`has an unknown type "${code}" (use ${Object.keys(TYPE_CODES).join(', ')})`)
  );
}

function parseSpec(type: string, text: string): ResourceSpec {
  const sections = text.split('|');
  if (sections.length > 3) {
    throw new FieldTableError(
      `Field table, ${type}: more than 3 sections separated by "|" (attributes | relationships | relationship meta).`,
    );
  }
  const [attributeText = '', relationshipText = '', metaText = ''] = sections;
  const noun = nounOf(type);
  const nounLabel = titleCase(noun);
  const words = (part: string, kind: keyof typeof GRAMMAR) =>
    part
      .trim()
      .split(/\s+/)
      .filter(Boolean)
      .map((word) => {
        const fail = (why: string): never => {
          throw new FieldTableError(`Field table, ${type}: "${word}" ${why}.`);
        };
        const match =
          GRAMMAR[kind].exec(word) ??
          fail(`is malformed: expected ${GRAMMAR_HINT[kind]} (${kind})`);
        return { match, fail };
      });
  const spec: ResourceSpec = {
    type,
    noun,
    nounLabel,
    attributes: words(attributeText, 'attribute').map(({ match: [, name, code], fail }) => {
      const path = name.split('.');
      const suffix = path.map(snakeCase).join('__');
      return {
        path,
        suffix,
        label: titleCase(path.map(snakeCase).join('_')),
        ...typeOf(code, fail),
      };
    }),
    relationships: words(relationshipText, 'relationship').map(({ match: [, name, flag] }) => ({
      name,
      suffix: `${snakeCase(name)}_id`,
      label: `${titleCase(snakeCase(name))} ID`,
      withType: flag === 't',
    })),
    relationshipMeta: words(metaText, 'relationship meta').map(
      ({ match: [, relationship, key, code], fail }) => {
        const suffix = `${snakeCase(relationship)}_${snakeCase(key)}`;
        return { relationship, key, suffix, label: titleCase(suffix), ...typeOf(code, fail) };
      },
    ),
  };
  const seen = new Set<string>();
  for (const field of buildResourceOutputFields(spec)) {
    if (seen.has(field.key)) {
      throw new FieldTableError(`Field table, ${type}: the field ${field.key} is declared twice.`);
    }
    seen.add(field.key);
  }
  return spec;
}

/** Every type's spec of `table` (the shipped one by default), parsed and checked at once. */
export function compileFieldTable(
  table: Readonly<Record<string, string>> = TABLE,
): Map<string, ResourceSpec> {
  return new Map(Object.entries(table).map(([type, text]) => [type, parseSpec(type, text)]));
}

const specs = new Map<string, ResourceSpec>();

/** The spec of a resource type; a type Keygen adds later gets an empty one (its values still flow). */
export function specOf(type: string): ResourceSpec {
  let spec = specs.get(type);
  if (!spec) {
    spec = parseSpec(type, own(TABLE, type) ?? '');
    specs.set(type, spec);
  }
  return spec;
}

export function knownResourceTypes(): string[] {
  return Object.keys(TABLE);
}

const MS_PER_DAY = 86_400_000;

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Nesting kept as separate fields; anything deeper becomes a note. Zapier fields are flat, and a
 * payload (metadata is free-form) could nest deep enough to exhaust the stack.
 */
export const MAX_FLAT_DEPTH = 10;
export const TOO_DEEP = `(nested more than ${MAX_FLAT_DEPTH} levels deep: not shown)`;

/** Whether a value nests deeper than `limit` levels, without recursion. */
function deeperThan(value: unknown, limit: number): boolean {
  let level: unknown[] = [value];
  for (let depth = 0; level.length > 0; depth += 1) {
    if (depth > limit) return true;
    level = level.flatMap((v) => (typeof v === 'object' && v !== null ? Object.values(v) : []));
  }
  return false;
}

/** Lists of scalars stay lists; anything Zapier can't show as a field becomes JSON text. */
function fieldValue(value: unknown): unknown {
  if (value === undefined) return null;
  if (typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value) && value.every((v) => v === null || typeof v !== 'object')) return value;
  if (Array.isArray(value) || isPlainObject(value)) {
    return deeperThan(value, MAX_FLAT_DEPTH) ? TOO_DEEP : JSON.stringify(value);
  }
  return value;
}

function flattenInto(out: Flat, prefix: string, value: Record<string, unknown>, depth = 1): void {
  if (depth > MAX_FLAT_DEPTH) {
    out[prefix] = TOO_DEEP;
    return;
  }
  for (const [key, item] of Object.entries(value)) {
    if (isPlainObject(item) && Object.keys(item).length > 0)
      flattenInto(out, `${prefix}__${key}`, item, depth + 1);
    else out[`${prefix}__${key}`] = fieldValue(item);
  }
}

function readPath(source: Record<string, unknown>, path: readonly string[]): unknown {
  let value: unknown = source;
  for (const part of path) value = isPlainObject(value) ? value[part] : undefined;
  return value;
}

/** A relationship by name, with Keygen ≤ 1.5's `user` standing in for `owner`. */
function relationshipOf(resource: JsonApiResource, name: string) {
  const relationships = resource.relationships ?? {};
  return relationships[name] ?? (name === 'owner' ? relationships.user : undefined);
}

/**
 * A resource's flat fields, every key prefixed with its noun. Every field in the type's table is
 * present (`null` when Keygen sent no value); attributes and relationships the table doesn't
 * know yet are kept too, so nothing Keygen sends is lost.
 */
export function flattenResource(resource: JsonApiResource, now: number = Date.now()): Flat {
  const spec = specOf(resource.type);
  const attributes = resource.attributes ?? {};
  const p = spec.noun;
  const out: Flat = { [`${p}_id`]: resource.id ?? null };
  const known = new Set(['metadata']);
  for (const attribute of spec.attributes) {
    known.add(attribute.path[0]);
    out[`${p}_${attribute.suffix}`] = fieldValue(readPath(attributes, attribute.path));
  }
  for (const [name, value] of Object.entries(attributes)) {
    if (known.has(name)) continue;
    if (isPlainObject(value) && Object.keys(value).length > 0)
      flattenInto(out, `${p}_${snakeCase(name)}`, value);
    else out[`${p}_${snakeCase(name)}`] = fieldValue(value);
  }
  if (resource.type === 'licenses') {
    const expiry = Date.parse(String(attributes.expiry ?? ''));
    out.license_days_until_expiry = Number.isNaN(expiry)
      ? null
      : Math.floor((expiry - now) / MS_PER_DAY);
  }
  // Metadata of any type, also of types the table doesn't know yet.
  if (isPlainObject(attributes.metadata)) {
    flattenInto(out, `${p}_metadata`, attributes.metadata);
  }
  // `user` is Keygen ≤ 1.5's `owner`: skipped only where it stands in for one.
  const knownRelationships = new Set(['account']);
  if (spec.relationships.some((rel) => rel.name === 'owner')) knownRelationships.add('user');
  for (const rel of spec.relationships) {
    knownRelationships.add(rel.name);
    const data = relationshipOf(resource, rel.name)?.data;
    const single = Array.isArray(data) ? undefined : data;
    out[`${p}_${rel.suffix}`] = single?.id ?? null;
    if (rel.withType) out[`${p}_${snakeCase(rel.name)}_type`] = single?.type ?? null;
  }
  for (const meta of spec.relationshipMeta) {
    knownRelationships.add(meta.relationship);
    const value = relationshipOf(resource, meta.relationship)?.meta?.[meta.key];
    out[`${p}_${meta.suffix}`] = fieldValue(value);
  }
  for (const [name, rel] of Object.entries(resource.relationships ?? {})) {
    if (name === 'account' || !rel) continue;
    const key = `${p}_${snakeCase(name)}`;
    // Meta keys the table doesn't list yet still flow, as every scalar key of a relationship's meta.
    for (const [metaKey, value] of Object.entries(isPlainObject(rel.meta) ? rel.meta : {})) {
      const flatKey = `${key}_${snakeCase(metaKey)}`;
      if (!(flatKey in out) && (value === null || typeof value !== 'object')) out[flatKey] = value;
    }
    if (knownRelationships.has(name) || !rel.data) continue;
    if (Array.isArray(rel.data)) out[`${key}_ids`] = idList(rel.data.map((d) => d?.id));
    else out[`${key}_id`] = rel.data.id ?? null;
  }
  return out;
}

const outputFieldCache = new Map<string, readonly OutputField[]>();

/**
 * The outputFields describing `flattenResource` for a type (metadata keys vary, so they are not
 * listed). One frozen array per type, built once for every trigger, action and search of that
 * type. Core's compile of the definition still copies it once per operation (platform/compile-once.ts).
 */
export function resourceOutputFields(type: string): readonly OutputField[] {
  let fields = outputFieldCache.get(type);
  if (!fields) {
    fields = Object.freeze(buildResourceOutputFields(specOf(type)).map((f) => Object.freeze(f)));
    outputFieldCache.set(type, fields);
  }
  return fields;
}

function buildResourceOutputFields(spec: ResourceSpec): OutputField[] {
  const p = spec.noun;
  const fields: OutputField[] = [{ key: `${p}_id`, label: `${spec.nounLabel} ID`, type: 'string' }];
  for (const a of spec.attributes) {
    fields.push({
      key: `${p}_${a.suffix}`,
      label: `${spec.nounLabel} ${a.label}`,
      type: a.type,
      ...(a.list ? { list: true } : {}),
    });
  }
  if (spec.type === 'licenses') {
    fields.push({
      key: 'license_days_until_expiry',
      label: 'License Days Until Expiry',
      type: 'integer',
    });
  }
  for (const rel of spec.relationships) {
    fields.push({
      key: `${p}_${rel.suffix}`,
      label: `${spec.nounLabel} ${rel.label}`,
      type: 'string',
    });
    if (rel.withType) {
      const name = snakeCase(rel.name);
      fields.push({
        key: `${p}_${name}_type`,
        label: `${spec.nounLabel} ${titleCase(name)} Type`,
        type: 'string',
      });
    }
  }
  for (const meta of spec.relationshipMeta) {
    fields.push({
      key: `${p}_${meta.suffix}`,
      label: `${spec.nounLabel} ${meta.label}`,
      type: meta.type,
      ...(meta.list ? { list: true } : {}),
    });
  }
  return fields;
}

/** Comma-separated ids; `null` when there are none (absent values are `null`, never ''). */
function idList(ids: readonly unknown[]): string | null {
  const present = ids.filter((id): id is string => typeof id === 'string' && id !== '');
  return present.length > 0 ? present.join(',') : null;
}

/**
 * A payload whose `data` is a list (join records such as license-entitlements) as one flat object:
 * `<noun>_ids`, the ids of each relationship (`<noun>_<rel>_ids`), and the records as line items
 * under `<noun>s`.
 */
export function flattenList(
  type: string,
  resources: readonly JsonApiResource[],
  now = Date.now(),
): Flat {
  const spec = specOf(type);
  const p = spec.noun;
  const out: Flat = { [`${p}_ids`]: idList(resources.map((r) => r.id)) };
  for (const rel of spec.relationships) {
    const ids = resources
      .map((r) => relationshipOf(r, rel.name)?.data)
      .map((d) => (d && !Array.isArray(d) ? d.id : undefined));
    out[`${p}_${snakeCase(rel.name)}_ids`] = idList([...new Set(ids)]);
  }
  out[`${p}s`] = resources.map((r) => flattenResource(r, now));
  return out;
}

export function listOutputFields(type: string): OutputField[] {
  const spec = specOf(type);
  const p = spec.noun;
  return [
    { key: `${p}_ids`, label: `${spec.nounLabel} IDs`, type: 'string' },
    ...spec.relationships.map((rel): OutputField => ({
      key: `${p}_${snakeCase(rel.name)}_ids`,
      label: `${spec.nounLabel} ${titleCase(snakeCase(rel.name))} IDs`,
      type: 'string',
    })),
    {
      key: `${p}s`,
      label: `${spec.nounLabel}s`,
      list: true,
      children: [...resourceOutputFields(type)],
    },
  ];
}

/** A webhook event as delivered (`body.data`) or listed by `GET /webhook-events`. */
export interface WebhookEventResource {
  id: string;
  type?: string;
  attributes: {
    event: string;
    payload?: string | null;
    apiVersion?: string | null;
    created?: string | null;
  };
  meta?: { idempotencyToken?: string | null } | null;
}

/** What an event type's payload holds, from the event catalog. */
export interface PayloadShape {
  resource: string;
  list: boolean;
  meta?: PayloadMeta;
}

export const EVENT_FIELDS: readonly OutputField[] = [
  { key: 'id', label: 'Event ID', type: 'string' },
  { key: 'event', label: 'Event Type', type: 'string' },
  { key: 'event_created', label: 'Event Created', type: 'datetime' },
  { key: 'idempotency_token', label: 'Idempotency Token', type: 'string' },
  { key: 'api_version', label: 'API Version', type: 'string' },
  { key: 'resource_type', label: 'Resource Type', type: 'string' },
  { key: 'resource_id', label: 'Resource ID', type: 'string' },
];

/** A payload `meta` field: its flat key and label, and the meta paths tried in order. */
interface MetaField extends OutputField {
  type: FieldType;
  from: readonly string[];
}

const metaField = (
  key: string,
  label: string,
  type: FieldType,
  from: string[],
  list = false,
): MetaField => ({ key, label, type, ...(list ? { list } : {}), from });

/**
 * A validation's `meta.scope` echoes the scope the request sent (keygen-api
 * app/controllers/api/v1/licenses/actions/validations_controller.rb); these are the keys it accepts.
 */
const VALIDATION_SCOPE: readonly [key: string, list?: boolean][] = [
  ['product'],
  ['policy'],
  ['user'],
  ['machine'],
  ['fingerprint'],
  ['fingerprints', true],
  ['components', true],
  ['entitlements', true],
  ['checksum'],
  ['version'],
  ['environment'],
];

/** Payload meta objects whose every key becomes a field under a prefix, listed or not. */
const OPEN_META: Partial<Record<PayloadMeta, { prefix: string; from: string }>> = {
  validation: { prefix: 'validation_scope', from: 'scope' },
};

const META_FIELDS: Record<PayloadMeta, readonly MetaField[]> = {
  validation: [
    metaField('validation_valid', 'Validation Valid', 'boolean', ['valid']),
    // API ≤ 1.1 calls the code `constant` (keygen-api rename_code_to_constant_for_validation_migration).
    metaField('validation_code', 'Validation Code', 'string', ['code', 'constant']),
    metaField('validation_detail', 'Validation Detail', 'string', ['detail']),
    metaField('validation_ts', 'Validation Timestamp', 'datetime', ['ts']),
    metaField('validation_nonce', 'Validation Nonce', 'integer', ['nonce']),
    ...VALIDATION_SCOPE.map(([key, list]) =>
      metaField(
        `validation_scope_${snakeCase(key)}`,
        `Validation Scope ${titleCase(snakeCase(key))}`,
        'string',
        [`scope.${key}`],
        list,
      ),
    ),
  ],
  'password-reset': [
    metaField('password_reset_token', 'Password Reset Token', 'string', ['passwordResetToken']),
  ],
  upgrade: [
    metaField('upgrade_current_version', 'Upgrade Current Version', 'string', ['current']),
    metaField('upgrade_next_version', 'Upgrade Next Version', 'string', ['next']),
  ],
  proof: [metaField('machine_proof', 'Machine Proof', 'string', ['proof'])],
};

export function metaOutputFields(meta: PayloadMeta | undefined): OutputField[] {
  if (!meta) return [];
  return META_FIELDS[meta].map(({ key, label, type, list }) => ({
    key,
    label,
    type,
    ...(list ? { list } : {}),
  }));
}

export function metaFields(meta: PayloadMeta | undefined, source: unknown): Flat {
  const out: Flat = {};
  if (!meta) return out;
  const values = isPlainObject(source) ? source : {};
  for (const { key, from } of META_FIELDS[meta]) {
    const found = from
      .map((name) => readPath(values, name.split('.')))
      .find((v) => v !== undefined);
    out[key] = fieldValue(found);
  }
  const open = OPEN_META[meta];
  const extra = open && values[open.from];
  if (open && isPlainObject(extra)) {
    // Keys Keygen adds to the object later still reach the user.
    for (const [name, value] of Object.entries(extra)) {
      const key = `${open.prefix}_${snakeCase(name)}`;
      if (!(key in out)) out[key] = fieldValue(value);
    }
  }
  return out;
}

const eventFieldCache = new Map<string, readonly OutputField[]>();

/** The outputFields of an event's flat object; events with the same payload shape share one array. */
export function eventOutputFields(shape: PayloadShape | undefined): readonly OutputField[] {
  if (!shape) return EVENT_FIELDS;
  const key = `${shape.resource}|${shape.list}|${shape.meta ?? ''}`;
  let fields = eventFieldCache.get(key);
  if (!fields) {
    fields = Object.freeze([
      ...EVENT_FIELDS,
      ...(shape.list ? listOutputFields(shape.resource) : resourceOutputFields(shape.resource)),
      ...metaOutputFields(shape.meta),
    ]);
    eventFieldCache.set(key, fields);
  }
  return fields;
}

export interface ParsedPayload {
  data?: unknown;
  meta?: unknown;
}

/**
 * One webhook event as one flat object: the event's own fields, then its payload resource (or
 * list), then the payload's meta. `shape` comes from the catalog; a type the catalog doesn't know
 * is flattened by what the payload itself holds.
 */
export function flattenEvent(
  event: WebhookEventResource,
  payload: ParsedPayload,
  shape: PayloadShape | undefined,
  now: number = Date.now(),
): Flat {
  const { data } = payload;
  const asList = Array.isArray(data) || Boolean(shape?.list);
  // A list event whose data came as one record still lists it.
  const records = (Array.isArray(data) ? data : [data])
    .filter(isResource)
    .map((record) => toCurrentNames(record, event.attributes.apiVersion));
  const single = !asList ? records[0] : undefined;
  const type = single?.type ?? records[0]?.type ?? shape?.resource ?? null;
  const out: Flat = {
    id: event.id,
    event: event.attributes.event,
    event_created: event.attributes.created ?? null,
    idempotency_token: event.meta?.idempotencyToken ?? null,
    api_version: event.attributes.apiVersion ?? null,
    resource_type: type,
    resource_id: records.length ? records.map((r) => r.id).join(',') : null,
  };
  if (asList) {
    if (type) Object.assign(out, flattenList(type, records, now));
  } else if (single) {
    Object.assign(out, flattenResource(single, now));
  } else if (shape) {
    Object.assign(
      out,
      Object.fromEntries(resourceOutputFields(shape.resource).map((f) => [f.key, null])),
    );
  }
  return Object.assign(out, metaFields(shape?.meta, payload.meta));
}

/** A JSON:API resource object: at least an id and a type. */
export function isResource(value: unknown): value is JsonApiResource {
  return isPlainObject(value) && typeof value.id === 'string' && typeof value.type === 'string';
}
