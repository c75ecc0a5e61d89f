import { groupField, metadataAttribute, textAttribute } from '../steps/fields';
import { defineRecordCreate, defineRecordUpdate } from './record-writes';

const names = [
  textAttribute('first_name', 'First Name', "The user's first name."),
  textAttribute('last_name', 'Last Name', "The user's last name."),
];

export const createUser = defineRecordCreate({
  key: 'create_user',
  noun: 'User',
  label: 'Create User',
  description: 'Creates a user: a customer who can own licenses.',
  type: 'users',
  inputs: [
    textAttribute(
      'email',
      'Email',
      "The user's email address; Keygen allows one user per email (in any letter case). The user is created without a password: to sign in to Keygen they set one through Keygen's [password reset](https://keygen.sh/docs/api/passwords/), which invites a user without a password to choose one.",
      { required: true },
    ),
    ...names,
    { field: groupField, relationship: 'group', type: 'groups' },
    metadataAttribute('user', ''),
  ],
});

export const updateUser = defineRecordUpdate({
  key: 'update_user',
  noun: 'User',
  label: 'Update User',
  description: "Updates a user's email, name or metadata; fields left empty keep their value.",
  subject: 'user',
  attributes: [
    textAttribute('email', 'Email', 'A new email address for the user.'),
    ...names,
    metadataAttribute('user', ': merged into what the user has (keys not given keep their value)'),
  ],
});
