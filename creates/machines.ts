import { licenseField, metadataAttribute, textAttribute } from '../steps/fields';
import { defineRecordCreate } from './record-writes';
import { licenseId } from '../steps/records';

export const activateMachine = defineRecordCreate({
  key: 'activate_machine',
  noun: 'Machine',
  label: 'Activate Machine',
  description: "Activates a machine for a license, taking one of the license's machine places.",
  type: 'machines',
  inputs: [
    {
      field: {
        ...licenseField,
        helpText: `The license to activate the machine for. ${licenseField.helpText}`,
      },
      relationship: 'license',
      type: 'licenses',
      resolve: licenseId,
    },
    textAttribute(
      'fingerprint',
      'Fingerprint',
      "The machine's unique fingerprint, as your app computes it (a hashed hardware ID, for example).",
      { required: true },
    ),
    textAttribute('name', 'Name', 'Optional human-readable name of the machine.'),
    textAttribute('platform', 'Platform', 'Optional platform, such as macOS or Windows.'),
    textAttribute('hostname', 'Hostname', 'Optional hostname of the machine.'),
    metadataAttribute('machine', ''),
  ],
});
