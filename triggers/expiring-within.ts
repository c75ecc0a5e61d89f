import type { Bundle, ZObject } from 'zapier-platform-core';
import { keygenList } from '../keygen/client';
import {
  flattenResource,
  resourceOutputFields,
  type Flat,
  type JsonApiResource,
} from '../keygen/normalize';
import { sampleRecord } from '../keygen/samples';
import { lazyFields } from '../steps/lazy';

const MIN_DAYS = 1;
const MAX_DAYS = 365;
const DEFAULT_DAYS = 30;

function windowDays(z: ZObject, bundle: Bundle): number {
  const raw: unknown = bundle.inputData.days;
  if (raw === undefined || raw === null || String(raw).trim() === '') return DEFAULT_DAYS;
  // Digits only: Number() would also read "0x1F", "1e2" and true.
  const days =
    typeof raw === 'number' || (typeof raw === 'string' && /^\s*\d+\s*$/.test(raw))
      ? Number(raw)
      : NaN;
  if (!Number.isInteger(days) || days < MIN_DAYS || days > MAX_DAYS) {
    throw new z.errors.Error(
      `Days must be a whole number from ${MIN_DAYS} to ${MAX_DAYS}; got "${String(raw)}".`,
      'INVALID_DAYS',
    );
  }
  return days;
}

/**
 * The id joins license and expiry, so Zapier's de-duplication fires once per license per expiry
 * date, and again after a renewal moves the expiry.
 */
function withDedupeId(fields: Flat) {
  return { id: `${String(fields.license_id)}:${String(fields.license_expiry)}`, ...fields };
}

async function perform(z: ZObject, bundle: Bundle) {
  const days = windowDays(z, bundle);
  const licenses = await keygenList<JsonApiResource>(z, bundle, {
    path: ['licenses'],
    // Keygen reads the window as an ISO 8601 duration.
    query: {
      'expires[within]': `P${days}D`,
      policy: bundle.inputData.policy as string | undefined,
      product: bundle.inputData.product as string | undefined,
    },
    action: `list licenses expiring within ${days} days`,
    target: 'licenses',
  });
  return licenses.map((license) => withDedupeId(flattenResource(license)));
}

export const licenseExpiringWithin = {
  key: 'license_expiring_within',
  noun: 'License',
  display: {
    label: 'License Expiring Within',
    description:
      'Triggers when a license comes within the number of days you choose of its expiry (the License Expiring Soon trigger is fixed at 3 days). Fires once per license per expiry date, and again after a renewal.',
  },
  operation: lazyFields(
    {
      type: 'polling' as const,
      inputFields: [
        {
          key: 'days',
          label: 'Days Before Expiry',
          type: 'integer' as const,
          required: false,
          default: String(DEFAULT_DAYS),
          helpText: `Trigger for licenses that expire within this many days (${MIN_DAYS}–${MAX_DAYS}, default ${DEFAULT_DAYS}).`,
        },
        {
          key: 'policy',
          label: 'Policy',
          required: false,
          dynamic: 'list_policies.id.label',
          helpText: 'Only licenses of this policy. Leave empty for every policy.',
        },
        {
          key: 'product',
          label: 'Product',
          required: false,
          dynamic: 'list_products.id.label',
          helpText: 'Only licenses of this product. Leave empty for every product.',
        },
      ],
      perform,
    },
    {
      outputFields: () => [
        { key: 'id', label: 'License and Expiry ID', type: 'string' as const },
        ...resourceOutputFields('licenses'),
      ],
      sample: () => withDedupeId(sampleRecord('licenses')),
    },
  ),
};
