import { licenseField } from '../steps/fields';
import { SUBJECTS, findRecord, resourcesOf } from '../steps/records';
import { lowerEmail, requireText, text } from '../steps/values';
import { keygen } from '../keygen/client';
import { asList, defineRecordSearch, nothingToSearchBy } from './define';

export const findLicense = defineRecordSearch({
  key: 'find_license',
  noun: 'License',
  label: 'Find License',
  description:
    "Finds a license by its ID or key, by a metadata value (such as a Stripe subscription ID), or by its owner's email.",
  type: 'licenses',
  inputFields: [
    {
      key: 'license',
      label: 'License',
      dynamic: licenseField.dynamic,
      helpText:
        'The license ID or license key. Leave empty to search by metadata or owner email instead.',
    },
    {
      key: 'metadata_key',
      label: 'Metadata Key',
      helpText:
        'Finds licenses whose metadata has this top-level key set to the Metadata Value, such as stripeSubscriptionId. Keygen snake_cases the key before matching, so stripeSubscriptionId and stripe_subscription_id find the same key.',
    },
    {
      key: 'metadata_value',
      label: 'Metadata Value',
      helpText:
        'The value the metadata key must have. Numbers, true, false and null also match values stored with those types.',
    },
    {
      key: 'owner_email',
      label: 'Owner Email',
      helpText:
        'Finds licenses owned by the user with this email address (combined with the metadata filter when both are filled in). The newest license comes first.',
    },
  ],
  find: async (z, bundle) => {
    const input = bundle.inputData;
    const license = text(input.license);
    if (license) return asList(await findRecord(z, bundle, SUBJECTS.license, license));
    const key = text(input.metadata_key);
    const owner = text(input.owner_email);
    if (!key && !owner) {
      nothingToSearchBy(
        z,
        'a license ID or key, a Metadata Key and Metadata Value, or an Owner Email',
      );
    }
    const query: Record<string, string> = {};
    if (key) query[`metadata[${key}]`] = requireText(z, input.metadata_value, 'Metadata Value');
    if (owner) query.owner = lowerEmail(owner);
    const { data } = await keygen(z, bundle, {
      path: ['licenses'],
      query,
      action: 'search licenses',
      target: 'licenses',
    });
    return resourcesOf(data);
  },
});
