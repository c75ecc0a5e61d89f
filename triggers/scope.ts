/**
 * A hook trigger scoped to one product or one policy. Keygen filters at the source: an endpoint
 * created with a product only receives events whose record that product may read. It cannot
 * scope to a policy, and endpoints created without a product see the whole account, so the app
 * applies this one rule too, to live deliveries (after verification) and to the editor's recent
 * events alike.
 */
import type { Bundle, PlainInputField } from 'zapier-platform-core';
import { isPlainObject, nounOf, type Flat } from '../keygen/normalize';
import { policyField, productField } from '../steps/fields';
import { text } from '../steps/values';

const SCOPES = ['product', 'policy'] as const;
type ScopeName = (typeof SCOPES)[number];
export type Scope = Partial<Record<ScopeName, string>>;

const productInput: PlainInputField = {
  ...productField,
  required: false,
  helpText:
    "Optional: only events about this product's records start the Zap. Keygen then sends the Zap only events whose record the product may read, and deliveries whose record names another product are dropped. Records that name no product (users, entitlement attachments) are left to Keygen's filter and kept. Leave empty for every product (with a product token: the token's own product).",
};

const policyInput: PlainInputField = {
  ...policyField,
  required: false,
  // A trigger's input offers no search step.
  search: undefined,
  helpText:
    "Optional: only licenses of this policy start the Zap; deliveries of other policies' licenses are dropped after they are verified. The list shows each policy with its product (only the chosen Product's policies when one is chosen). Leave empty for every policy.",
};

/** The scope inputs of a trigger: `policy` only where the payload is a license. */
export function scopeInputs(resource: string | undefined): PlainInputField[] {
  return resource === 'licenses' ? [productInput, policyInput] : [productInput];
}

export function scopeOf(bundle: Bundle): Scope {
  const scope: Scope = {};
  for (const name of SCOPES) {
    const value = text(bundle.inputData?.[name]);
    if (value !== undefined) scope[name] = value;
  }
  return scope;
}

/** The type of a record that is itself what a scope names: a product's own id is its product. */
const OWN_TYPE: Record<ScopeName, string> = { product: 'products', policy: 'policies' };

/**
 * Every id a record gives for `name`: its own id, or its relationship's data, one or a list. A
 * payload's JSON is read as sent, so an id may come as a number, or as a bare value.
 */
function idsGiven(record: Record<string, unknown>, name: ScopeName): unknown[] {
  if (record.type === OWN_TYPE[name]) return [record.id];
  const relationships = isPlainObject(record.relationships) ? record.relationships : {};
  const relationship = relationships[name];
  const data = isPlainObject(relationship) ? relationship.data : undefined;
  const entries = Array.isArray(data) ? data : [data];
  return entries
    .map((entry) => (isPlainObject(entry) ? entry.id : entry))
    .filter((id) => id !== undefined && id !== null && id !== '');
}

/** An id as text, a number as JSON writes it; anything else (an object, true) cannot be the chosen id. */
const idText = (id: unknown) =>
  typeof id === 'string' ? id : typeof id === 'number' ? String(id) : undefined;

/** Keygen's ids are UUIDs, which it accepts in any case but always sends in lower case. */
const sameId = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

/**
 * Why one record is out of scope: one id it gives is not the chosen one. A record that gives no
 * id (a user names no product) is in: Keygen's product-scoped endpoint has filtered it already.
 */
function mismatch(record: Record<string, unknown>, scope: Scope): string | undefined {
  for (const name of SCOPES) {
    const wanted = scope[name];
    if (!wanted) continue;
    for (const id of idsGiven(record, name)) {
      const given = idText(id);
      if (given === undefined) return `its ${name} is given as ${typeof id}, not as an id`;
      if (!sameId(given, wanted)) return `its ${name} is ${given}, not ${wanted}`;
    }
  }
  return undefined;
}

/**
 * Why a payload (its `data`: one record or a list) is outside the Zap's scope, or `undefined`
 * when it is in. A list is in when any of its records is, or when it has none.
 */
export function outOfScope(data: unknown, scope: Scope): string | undefined {
  if (!SCOPES.some((name) => scope[name])) return undefined;
  if (!Array.isArray(data)) return isPlainObject(data) ? mismatch(data, scope) : undefined;
  const reasons = data.map((record) =>
    isPlainObject(record) ? mismatch(record, scope) : undefined,
  );
  return reasons.length > 0 && reasons.every(Boolean) ? `every record: ${reasons[0]}` : undefined;
}

/**
 * The flat key naming a record's product or policy: `license_product_id`, a product's own
 * `product_id`; with `ids`, a list payload's summary of its records' ids.
 */
const idKey = (noun: string, name: ScopeName, suffix: 'id' | 'ids' = 'id') =>
  noun === name ? `${name}_${suffix}` : `${noun}_${name}_${suffix}`;

/** The line items of a list payload (`license_entitlements`), if the event holds a list. */
function lineItems(flat: Flat, noun: string): Flat[] | undefined {
  const items = flat[`${noun}s`];
  return Array.isArray(items) ? (items as Flat[]) : undefined;
}

/** A sample that names the chosen product and policy wherever its records name one. */
export function scopedSample(sample: Flat, scope: Scope): Flat {
  const type = sample.resource_type;
  if (typeof type !== 'string') return sample;
  const noun = nounOf(type);
  const fill = (record: Flat, suffix: 'id' | 'ids'): Flat => {
    const out = { ...record };
    for (const name of SCOPES) {
      const key = idKey(noun, name, suffix);
      if (scope[name] && key in out) out[key] = scope[name];
    }
    return out;
  };
  const items = lineItems(sample, noun);
  if (!items) return fill(sample, 'id');
  return { ...fill(sample, 'ids'), [`${noun}s`]: items.map((item) => fill(item, 'id')) };
}
