/**
 * Payloads stored at an older Keygen API version, read in the pinned version's names. Keygen renders
 * each webhook event for its endpoint's `apiVersion` (keygen-api app/workers/webhook_worker.rb), and
 * `GET /webhook-events` lists the events of every endpoint of the account: an endpoint on 1.4 (the
 * official Zapier app's) stores policies with 1.4's attribute names. Without this, a 1.8 field such
 * as `policy_process_leasing_strategy` would read null for them.
 */
import type { JsonApiResource } from './normalize';

interface Rename {
  /** The last version with the old name: Keygen lists a migration under it and applies it to
   * every target version up to and including it (request_migrations' Migrator#migrations). */
  through: readonly [major: number, minor: number];
  type: string;
  /** Old attribute name → current one. */
  attributes: Readonly<Record<string, string>>;
}

/**
 * keygen-api config/initializers/request_migrations.rb, the migrations that rename an attribute
 * (app/migrations/rename_*_for_policy_migration.rb). Licenses' ≤ 1.5 `user` relationship (1.6's
 * `owner`) is read by normalize.ts for every version, so it is not listed here.
 */
const RENAMES: readonly Rename[] = [
  { through: [1, 6], type: 'policies', attributes: { leasingStrategy: 'processLeasingStrategy' } },
  {
    through: [1, 3],
    type: 'policies',
    attributes: {
      fingerprintUniquenessStrategy: 'machineUniquenessStrategy',
      fingerprintMatchingStrategy: 'machineMatchingStrategy',
    },
  },
];

/** `"1.4"` → `[1, 4]`; anything else (absent, malformed) → undefined. */
function parseVersion(version: string | null | undefined): [number, number] | undefined {
  const match = /^(\d+)\.(\d+)$/.exec(version?.trim() ?? '');
  return match ? [Number(match[1]), Number(match[2])] : undefined;
}

function atMost(version: [number, number], through: readonly [number, number]): boolean {
  return version[0] < through[0] || (version[0] === through[0] && version[1] <= through[1]);
}

/**
 * A resource with its old names renamed for the payload's `apiVersion`. A version that can't be read
 * gets every rename: an old name never appears in a current payload, and a current name already
 * there is never overwritten.
 */
export function toCurrentNames<T extends JsonApiResource>(
  resource: T,
  apiVersion: string | null | undefined,
): T {
  const version = parseVersion(apiVersion);
  const renames = RENAMES.filter(
    (rename) => rename.type === resource.type && (!version || atMost(version, rename.through)),
  );
  const attributes = resource.attributes;
  if (renames.length === 0 || !attributes) return resource;
  const renamed: Record<string, unknown> = { ...attributes };
  for (const rename of renames) {
    for (const [oldName, name] of Object.entries(rename.attributes)) {
      if (!Object.hasOwn(renamed, oldName) || Object.hasOwn(renamed, name)) continue;
      renamed[name] = renamed[oldName];
      delete renamed[oldName];
    }
  }
  return { ...resource, attributes: renamed };
}
