import type { Search, SearchOrCreate } from 'zapier-platform-core';
import { findLicense } from './find-license';
import { findMachine } from './find-machine';
import { findPolicy } from './find-policy';
import { findUser } from './find-user';
import { validateLicenseKey } from './validate-license-key';

export const searches: Record<string, Search> = Object.fromEntries(
  [findLicense, findUser, findMachine, findPolicy, validateLicenseKey].map((search) => [
    search.key,
    search,
  ]),
);

/** Find or Create pairs: Zapier runs the create when the search returns `[]`. */
export const searchOrCreates: Record<string, SearchOrCreate> = {
  find_user: {
    key: 'find_user',
    display: {
      label: 'Find or Create User',
      description: 'Finds a user by email address, or creates one when there is none.',
    },
    search: 'find_user',
    create: 'create_user',
  },
  find_license: {
    key: 'find_license',
    display: {
      label: 'Find or Create License',
      description:
        'Finds a license by ID, key, metadata or owner email, or creates one when there is none.',
    },
    search: 'find_license',
    create: 'create_license',
  },
};
