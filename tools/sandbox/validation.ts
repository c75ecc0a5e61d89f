/**
 * License validation, in the order Keygen's validation service checks (keygen-api app/services/license_validation_service.rb): banned,
 * suspended, the scopes asked for, machines, then expiry. Policies in the sandbox restrict access
 * when expired, so an expired license is invalid.
 */
import type { Context } from './serializers';
import type { License } from './store';

export interface ValidationScope {
  product?: string;
  policy?: string;
  fingerprint?: string;
  fingerprints?: string[];
  entitlements?: string[];
}

export interface ValidationResult {
  valid: boolean;
  detail: string;
  code: string;
}

export function validateLicense(
  ctx: Context,
  license: License | undefined,
  scope: ValidationScope | undefined,
): ValidationResult {
  const fail = (detail: string, code: string) => ({ valid: false, detail, code });
  if (!license) return fail('does not exist', 'NOT_FOUND');
  const owner = license.ownerId ? ctx.store.users.get(license.ownerId) : undefined;
  if (owner?.banned) return fail('is banned', 'BANNED');
  if (license.suspended) return fail('is suspended', 'SUSPENDED');
  if (scope?.product !== undefined && scope.product !== license.productId) {
    return fail('product scope does not match', 'PRODUCT_SCOPE_MISMATCH');
  }
  if (scope?.policy !== undefined && scope.policy !== license.policyId) {
    return fail('policy scope does not match', 'POLICY_SCOPE_MISMATCH');
  }
  if (scope?.entitlements !== undefined) {
    if (scope.entitlements.length === 0)
      return fail('entitlements scope is empty', 'ENTITLEMENTS_SCOPE_EMPTY');
    const codes = license.entitlementIds.map((id) => ctx.store.entitlements.get(id)?.code);
    if (scope.entitlements.some((code) => !codes.includes(code))) {
      return fail('is missing one or more required entitlements', 'ENTITLEMENTS_MISSING');
    }
  }
  const fingerprints =
    scope?.fingerprints ?? (scope?.fingerprint !== undefined ? [scope.fingerprint] : undefined);
  if (fingerprints) {
    if (fingerprints.length === 0)
      return fail('fingerprint scope is empty', 'FINGERPRINT_SCOPE_EMPTY');
    const machines = ctx.store.machines.all().filter((m) => m.licenseId === license.id);
    if (machines.length === 0) {
      return fail('fingerprint is not activated (has no associated machine)', 'NO_MACHINE');
    }
    if (!fingerprints.every((f) => machines.some((m) => m.fingerprint === f))) {
      return fingerprints.length > 1
        ? fail(
            'one or more fingerprint is not activated (does not match all associated machines)',
            'FINGERPRINT_SCOPE_MISMATCH',
          )
        : fail(
            'fingerprint is not activated (does not match any associated machines)',
            'FINGERPRINT_SCOPE_MISMATCH',
          );
    }
  }
  if (license.expiry && Date.parse(license.expiry) <= Date.now())
    return fail('is expired', 'EXPIRED');
  return { valid: true, detail: 'is valid', code: 'VALID' };
}
