/**
 * Samples for triggers, actions and searches, made by flattening synthetic resources with the
 * normalizer, so a sample has exactly the keys of the outputFields and of a live result. Each is
 * built once per resource type or payload shape, however many operations show it.
 */
import { KEYGEN_API_VERSION } from './client';
import {
  flattenEvent,
  flattenResource,
  specOf,
  type Flat,
  type JsonApiResource,
  type PayloadShape,
} from './normalize';

/** Every sample's moment: samples never drift with the day the app is loaded. */
export const SAMPLE_DATE = '2026-06-30T19:50:11.456Z';
const SAMPLE_NOW = Date.parse(SAMPLE_DATE);
/** Keygen's default time to live of a license or machine file: one month, in seconds. */
const SAMPLE_TTL = 2_629_746;
const SAMPLE_FILE_EXPIRY = new Date(SAMPLE_NOW + SAMPLE_TTL * 1000).toISOString();

/** A certificate in Keygen's format for the sample license or machine (the signature is a stand-in). */
function sampleCertificate(noun: 'license' | 'machine'): string {
  const base64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64');
  const enc = base64({
    meta: { issued: SAMPLE_DATE, expiry: SAMPLE_FILE_EXPIRY, ttl: SAMPLE_TTL },
    data: { type: `${noun}s`, id: `${noun}-0000-4000-8000-000000000001` },
  });
  const body = base64({ enc, sig: 'c2FtcGxlIHNpZ25hdHVyZQ==', alg: 'base64+ed25519' });
  const armour = `${noun.toUpperCase()} FILE-----`;
  return [`-----BEGIN ${armour}`, ...(body.match(/.{1,60}/g) ?? []), `-----END ${armour}`, ''].join(
    '\n',
  );
}

const fileSamples = (noun: 'license' | 'machine') => ({
  [`${noun}-files.certificate`]: sampleCertificate(noun),
  [`${noun}-files.algorithm`]: 'base64+ed25519',
  [`${noun}-files.includes`]: 'entitlements',
  [`${noun}-files.ttl`]: SAMPLE_TTL,
  [`${noun}-files.expiry`]: SAMPLE_FILE_EXPIRY,
});

const SAMPLE_VALUES: Record<string, unknown> = {
  'licenses.name': 'Pro License (ACME Inc.)',
  'licenses.key': '4A5E1C-9F02B7-D3E6A1-0C7B5F-8E21D4-V3',
  'licenses.expiry': '2027-06-30T19:50:11.456Z',
  'licenses.status': 'ACTIVE',
  'licenses.scheme': 'ED25519_SIGN',
  'machines.fingerprint': '4f:1a:9c:2e:7b:d0',
  'machines.heartbeatStatus': 'ALIVE',
  'machines.ip': '203.0.113.7',
  'machines.platform': 'macOS',
  'users.email': 'jane@example.com',
  'users.fullName': 'Jane Doe',
  'users.firstName': 'Jane',
  'users.lastName': 'Doe',
  'users.status': 'ACTIVE',
  'users.role': 'user',
  'tokens.kind': 'license-token',
  'releases.version': '2.4.1',
  'releases.status': 'PUBLISHED',
  'artifacts.filename': 'app-2.4.1.dmg',
  ...fileSamples('license'),
  ...fileSamples('machine'),
};

/** A synthetic resource of a type with a plausible value for every field in its table. */
export function sampleResource(type: string): JsonApiResource {
  const spec = specOf(type);
  const attributes: Record<string, unknown> = {};
  for (const a of spec.attributes) {
    const fixed = SAMPLE_VALUES[`${type}.${a.path.join('.')}`];
    const value =
      fixed ??
      {
        string: `${spec.nounLabel} ${a.label}`.replace(/ /g, '-').toLowerCase(),
        datetime: SAMPLE_DATE,
        integer: 1,
        number: 1,
        boolean: false,
      }[a.type];
    let target = attributes;
    for (const part of a.path.slice(0, -1)) {
      target = (target[part] ??= {}) as Record<string, unknown>;
    }
    target[a.path[a.path.length - 1]] = a.list ? [value] : value;
  }
  const relationships: NonNullable<JsonApiResource['relationships']> = {};
  for (const rel of spec.relationships) {
    relationships[rel.name] = {
      data: { type: `${rel.name}s`, id: `${rel.name}-0000-4000-8000-000000000001` },
    };
  }
  for (const meta of spec.relationshipMeta) {
    const rel = (relationships[meta.relationship] ??= {});
    rel.meta = { ...rel.meta, [meta.key]: 1 };
  }
  return {
    id: `${spec.noun}-0000-4000-8000-000000000001`.replace(/_/g, '-'),
    type,
    attributes,
    relationships,
  };
}

/** Payload meta of each kind, as Keygen sends it. */
export const SAMPLE_META: Record<NonNullable<PayloadShape['meta']>, Record<string, unknown>> = {
  validation: {
    ts: SAMPLE_DATE,
    valid: true,
    detail: 'is valid',
    code: 'VALID',
    nonce: 1751313011,
    scope: { fingerprint: '4f:1a:9c:2e:7b:d0', entitlements: ['FEATURE_A'] },
  },
  'password-reset': { passwordResetToken: 'c5f0e7a1b2d34c8e9f6a7b8c9d0e1f2a' },
  upgrade: { current: '2.4.0', next: '2.4.1' },
  proof: { proof: 'proof-data.signature' },
};

const records = new Map<string, Flat>();

/** The flat fields of a type's sample resource. */
export function sampleRecord(type: string): Flat {
  let flat = records.get(type);
  if (!flat) {
    flat = flattenResource(sampleResource(type), SAMPLE_NOW);
    records.set(type, flat);
  }
  return flat;
}

const events = new Map<string, Flat>();

/** A trigger's sample: events with the same payload shape differ only in their type. */
export function sampleEvent(type: string, shape: PayloadShape): Flat {
  const key = `${shape.resource}|${shape.list}|${shape.meta ?? ''}`;
  let flat = events.get(key);
  if (!flat) {
    const resource = sampleResource(shape.resource);
    flat = flattenEvent(
      {
        id: '0b5f4f58-0d53-4b0a-8d7a-9f3a1c0e6a01',
        attributes: { event: type, apiVersion: KEYGEN_API_VERSION, created: SAMPLE_DATE },
        meta: {
          idempotencyToken: 'd2f8a6c1e0b94f7a8c3d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b1c2d3e4f5av3',
        },
      },
      {
        data: shape.list ? [resource] : resource,
        meta: shape.meta ? SAMPLE_META[shape.meta] : undefined,
      },
      shape,
      SAMPLE_NOW,
    );
    events.set(key, flat);
  }
  return { ...flat, event: type };
}
