/** Reading request attributes the way Keygen's typed params do, with its 400s for wrong types. */
import { badRequest } from './errors';
import type { Metadata } from './store';

/**
 * A key as Keygen stores and filters it: Rails' `underscore.parameterize(separator: '_')`, so
 * `stripeSubscriptionId`, `stripe-subscription-id` and `Stripe Subscription ID` are one key.
 */
export function snakeCase(key: string): string {
  return key
    .replace(/([A-Z\d]+)([A-Z][a-z])/g, '$1_$2')
    .replace(/([a-z\d])([A-Z])/g, '$1_$2')
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^a-z0-9_]+/gi, '_')
    .replace(/_{2,}/g, '_')
    .replace(/^_|_$/g, '')
    .toLowerCase();
}

const at = (name: string) => ({ pointer: `/data/attributes/${name}` });

type Kind = 'string' | 'integer' | 'boolean' | 'time' | 'metadata';

/**
 * The attribute as the kind asked for: `undefined` when absent, `null` when sent as null (for the
 * kinds that allow it), else a 400 naming the attribute.
 */
export function attribute(
  attributes: Record<string, unknown>,
  name: string,
  kind: 'string',
): string | null | undefined;
export function attribute(
  attributes: Record<string, unknown>,
  name: string,
  kind: 'integer',
): number | null | undefined;
export function attribute(
  attributes: Record<string, unknown>,
  name: string,
  kind: 'boolean',
): boolean | undefined;
export function attribute(
  attributes: Record<string, unknown>,
  name: string,
  kind: 'time',
): string | null | undefined;
export function attribute(
  attributes: Record<string, unknown>,
  name: string,
  kind: 'metadata',
): Metadata | undefined;
export function attribute(attributes: Record<string, unknown>, name: string, kind: Kind): unknown {
  if (!Object.hasOwn(attributes, name)) return undefined;
  const value = attributes[name];
  if (value === null && kind !== 'boolean' && kind !== 'metadata') return null;
  const mismatch = () => badRequest(`type mismatch (expected ${kind})`, at(name));
  switch (kind) {
    case 'string':
      if (typeof value !== 'string') throw mismatch();
      return value;
    case 'integer':
      if (typeof value !== 'number' || !Number.isInteger(value)) throw mismatch();
      return value;
    case 'boolean':
      if (typeof value !== 'boolean') throw mismatch();
      return value;
    case 'time': {
      if (typeof value !== 'string' || Number.isNaN(Date.parse(value))) throw mismatch();
      return new Date(value).toISOString();
    }
    case 'metadata':
      if (typeof value !== 'object' || value === null || Array.isArray(value)) throw mismatch();
      return storedMetadata(value as Metadata);
  }
}

/** Keygen stores metadata keys snake_cased (and prints them camelCased). */
export function storedMetadata(value: Metadata): Metadata {
  const walk = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(walk);
    if (v && typeof v === 'object') {
      return Object.fromEntries(Object.entries(v).map(([k, inner]) => [snakeCase(k), walk(inner)]));
    }
    return v;
  };
  return walk(value) as Metadata;
}
