import { policyField, productField } from '../steps/fields';
import { SUBJECTS, findRecord } from '../steps/records';
import { text } from '../steps/values';
import { keygenList } from '../keygen/client';
import type { JsonApiResource } from '../keygen/normalize';
import { asList, defineRecordSearch, nothingToSearchBy } from './define';

export const findPolicy = defineRecordSearch({
  key: 'find_policy',
  noun: 'Policy',
  label: 'Find Policy',
  description: 'Finds a policy by its ID, or by its name (optionally within one product).',
  type: 'policies',
  inputFields: [
    {
      key: 'name',
      label: 'Name',
      helpText: "The policy's name, such as Pro Yearly (letter case doesn't matter).",
    },
    { ...productField, helpText: `Optional product to search within. ${productField.helpText}` },
    {
      key: 'policy',
      label: 'Policy ID',
      dynamic: policyField.dynamic,
      helpText: "Or the policy's ID, instead of its name.",
    },
  ],
  // Keygen can't filter policies by name, so the (short) list is read and matched here.
  find: async (z, bundle) => {
    const policy = text(bundle.inputData.policy);
    if (policy) return asList(await findRecord(z, bundle, SUBJECTS.policy, policy));
    const name = text(bundle.inputData.name)?.toLowerCase();
    if (!name) nothingToSearchBy(z, 'a Name or a Policy ID');
    const policies = await keygenList<JsonApiResource>(z, bundle, {
      path: ['policies'],
      query: { product: text(bundle.inputData.product) },
      action: 'list policies',
      target: 'policies',
    });
    return policies.filter(
      (p) =>
        String(p.attributes?.name ?? '')
          .trim()
          .toLowerCase() === name,
    );
  },
});
