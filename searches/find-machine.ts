import { licenseField, machineField } from '../steps/fields';
import { SUBJECTS, findRecord, resourcesOf } from '../steps/records';
import { isUuid, text } from '../steps/values';
import { keygen } from '../keygen/client';
import { asList, defineRecordSearch, nothingToSearchBy } from './define';

export const findMachine = defineRecordSearch({
  key: 'find_machine',
  noun: 'Machine',
  label: 'Find Machine',
  description: 'Finds a machine by its fingerprint (optionally within one license) or by its ID.',
  type: 'machines',
  inputFields: [
    {
      key: 'fingerprint',
      label: 'Fingerprint',
      helpText: "The machine's fingerprint, as your app computes it.",
    },
    {
      key: 'license',
      label: 'License',
      dynamic: licenseField.dynamic,
      helpText:
        'Optional license ID or key to search within. A fingerprint is only unique within a license, so this picks the right machine when several licenses have one with the same fingerprint.',
    },
    {
      key: 'machine',
      label: 'Machine ID',
      dynamic: machineField.dynamic,
      helpText: "Or the machine's ID.",
    },
  ],
  find: async (z, bundle) => {
    const machine = text(bundle.inputData.machine);
    if (machine) return asList(await findRecord(z, bundle, SUBJECTS.machine, machine));
    const fingerprint = text(bundle.inputData.fingerprint);
    if (!fingerprint) nothingToSearchBy(z, 'a Fingerprint or a Machine ID');
    const license = text(bundle.inputData.license);
    // Keygen filters by license id with `license` and by license key with `key`.
    const scope = license ? { [isUuid(license) ? 'license' : 'key']: license } : {};
    const { data } = await keygen(z, bundle, {
      path: ['machines'],
      query: { fingerprint, ...scope },
      action: 'search machines',
      target: 'machines',
    });
    return resourcesOf(data);
  },
});
