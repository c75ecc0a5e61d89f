import type { Create } from 'zapier-platform-core';
import { checkoutActions } from './checkout-files';
import { createLicense, updateLicense } from './licenses';
import { activateMachine } from './machines';
import { recordActions } from './record-actions';
import { syncLicenseSubscription } from './sync-subscription';
import { createLicenseToken } from './tokens';
import { createUser, updateUser } from './users';

export const creates: Record<string, Create> = {
  ...Object.fromEntries(
    [createLicense, updateLicense, createUser, updateUser, activateMachine, createLicenseToken].map(
      (create) => [create.key, create],
    ),
  ),
  ...recordActions,
  [syncLicenseSubscription.key]: syncLicenseSubscription,
  ...checkoutActions,
};

export { hydrators } from './checkout-files';
