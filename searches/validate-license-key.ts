import type { Bundle, Search, ZObject } from 'zapier-platform-core';
import { productField } from '../steps/fields';
import { emptyRecord, recordResult, recordStep } from '../steps/output';
import { list, requireText, text } from '../steps/values';
import { keygen } from '../keygen/client';
import { metaFields, metaOutputFields, type JsonApiResource } from '../keygen/normalize';
import { SAMPLE_META } from '../keygen/samples';

interface Validation {
  data?: JsonApiResource | null;
  meta?: Record<string, unknown>;
}

const VALIDATION = {
  fields: metaOutputFields('validation'),
  sample: metaFields('validation', SAMPLE_META.validation),
};

/**
 * Always one result, for a valid key, a key that fails validation and an unknown key alike, so a
 * Zap branches on Validation Code instead of stopping at "nothing found".
 */
async function perform(z: ZObject, bundle: Bundle) {
  const key = requireText(z, bundle.inputData.key, 'License Key');
  const scope = Object.fromEntries(
    Object.entries({
      fingerprint: text(bundle.inputData.fingerprint),
      product: text(bundle.inputData.product),
      entitlements: list(bundle.inputData.entitlements),
    }).filter(([, value]) => value !== undefined),
  );
  // Keygen answers an unknown key with 200 and NOT_FOUND; a 404 means the account or the route
  // was not found (a wrong Account ID or Base URL), which must not read as "no such key".
  const { data } = await keygen<Validation>(z, bundle, {
    method: 'POST',
    path: ['licenses', 'actions', 'validate-key'],
    body: { meta: { key, ...(Object.keys(scope).length > 0 ? { scope } : {}) } },
    action: 'validate a license key',
    target: `account "${String(bundle.authData.accountId)}", or the Keygen API at the connection's Base URL`,
  });
  const license = data?.data;
  const fields = license ? recordResult(license) : { id: null, ...emptyRecord('licenses') };
  return [{ ...fields, ...metaFields('validation', data?.meta) }];
}

export const validateLicenseKey: Search = recordStep({
  key: 'validate_license_key',
  noun: 'License',
  label: 'Validate License Key',
  description:
    'Finds the license of a key and validates it. Always returns one result, also for an unknown key (Validation Code NOT_FOUND, license fields empty), so later steps can branch on Validation Valid or Validation Code.',
  inputFields: [
    {
      key: 'key',
      label: 'License Key',
      required: true,
      helpText: 'The license key to validate.',
    },
    {
      key: 'fingerprint',
      label: 'Fingerprint',
      helpText:
        "Optional machine fingerprint: the key is then valid only if that machine is activated for the license (and the policy's machine rules hold).",
    },
    {
      ...productField,
      helpText: `Optional product the license must belong to. ${productField.helpText}`,
    },
    {
      key: 'entitlements',
      label: 'Entitlements',
      list: true,
      helpText:
        'Optional entitlement codes (not IDs) the license must have, such as FEATURE_A; one per line or comma-separated.',
    },
  ],
  perform,
  type: 'licenses',
  extra: VALIDATION,
});
