import { dateAttribute, integerAttribute, textAttribute } from '../steps/fields';
import { defineRecordCreate } from './record-writes';

export const createLicenseToken = defineRecordCreate({
  key: 'create_license_token',
  noun: 'Token',
  label: 'Create License Token',
  description:
    "Creates a token for a license, which your app can use to activate and manage the license's machines. The token is a secret that grants access to the license: it is shown only in this step's output (Token Secret), so pass it straight on and never post it anywhere public.",
  type: 'tokens',
  parent: 'license',
  inputs: [
    textAttribute('name', 'Name', 'Optional name to recognise the token by.'),
    dateAttribute(
      'expiry',
      'Expiry',
      'Optional moment the token stops working. Leave empty for a token that does not expire.',
    ),
    integerAttribute(
      'max_activations',
      'Max Activations',
      'Optional limit on how many machines the token may activate.',
    ),
    integerAttribute(
      'max_deactivations',
      'Max Deactivations',
      'Optional limit on how many machines the token may deactivate.',
    ),
  ],
  output: {
    fields: [{ key: 'token_token', label: 'Token Secret', type: 'string' }],
    sample: {
      token_token: 'activ-0000000000000000000000000000000000000000000000000000000000000000v3',
    },
  },
});
