import {
  booleanAttribute,
  dateAttribute,
  groupField,
  limitAttributes,
  metadataAttribute,
  ownerField,
  policyField,
  textAttribute,
} from '../steps/fields';
import { defineRecordCreate, defineRecordUpdate } from './record-writes';
import { userId } from '../steps/records';

const name = textAttribute(
  'name',
  'Name',
  'Optional name of the license, such as the customer or plan.',
);
const expiry = dateAttribute(
  'expiry',
  'Expiry',
  "When the license expires (ISO 8601, or any date Zapier understands). Leave empty to use the policy's duration.",
);
const limits = limitAttributes('license');
const protect = booleanAttribute(
  'protected',
  'Protected',
  "Whether only an admin or product token may change the license (end users can't). Leave empty to use the policy's setting.",
);

export const createLicense = defineRecordCreate({
  key: 'create_license',
  noun: 'License',
  label: 'Create License',
  description:
    'Creates a license under a policy, optionally owned by a user; its key is in the output.',
  type: 'licenses',
  inputs: [
    { field: policyField, relationship: 'policy', type: 'policies' },
    { field: ownerField, relationship: 'owner', type: 'users', resolve: userId },
    name,
    textAttribute(
      'key',
      'Key',
      'Optional custom license key. Leave empty and Keygen generates one according to the policy.',
    ),
    expiry,
    ...limits,
    protect,
    { field: groupField, relationship: 'group', type: 'groups' },
    metadataAttribute('license', ', such as a Stripe customer or subscription ID'),
  ],
});

export const updateLicense = defineRecordUpdate({
  key: 'update_license',
  noun: 'License',
  label: 'Update License',
  description:
    "Updates a license's name, expiry, limits or metadata; fields left empty keep their value.",
  subject: 'license',
  attributes: [
    name,
    expiry,
    ...limits,
    protect,
    metadataAttribute(
      'license',
      ': merged into what the license has (keys not given keep their value)',
    ),
  ],
});
