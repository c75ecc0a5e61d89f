import { userField } from '../steps/fields';
import { SUBJECTS, findRecord } from '../steps/records';
import { text } from '../steps/values';
import { asList, defineRecordSearch, nothingToSearchBy } from './define';

export const findUser = defineRecordSearch({
  key: 'find_user',
  noun: 'User',
  label: 'Find User',
  description: 'Finds a user by email address or ID.',
  type: 'users',
  inputFields: [
    {
      key: 'email',
      label: 'Email',
      helpText: "The user's email address (letter case doesn't matter).",
    },
    {
      key: 'user',
      label: 'User ID',
      dynamic: userField.dynamic,
      helpText: "Or the user's ID, for example a license's Owner ID from a trigger.",
    },
  ],
  // Keygen's user index has no email filter, but the user path takes an email in place of the id.
  find: async (z, bundle) => {
    const user = text(bundle.inputData.email) ?? text(bundle.inputData.user);
    if (!user) nothingToSearchBy(z, 'an Email or a User ID');
    return asList(await findRecord(z, bundle, SUBJECTS.user, user));
  },
});
