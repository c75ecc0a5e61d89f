import type { Authentication, Bundle, ZObject } from 'zapier-platform-core';
import { DEFAULT_BASE_URL, apiRoot, isDefaultApiRoot, keygen } from './keygen/client';
import type { JsonApiResource } from './keygen/normalize';

interface WhoAmI {
  data: JsonApiResource;
  included?: JsonApiResource[];
}

/** Who a token belongs to, as people recognise it: a product's name, a user's email, or "admin". */
function bearerName(me: WhoAmI): string {
  const { type, attributes = {} } = me.data;
  const token = me.included?.find((r) => r.type === 'tokens');
  const kind = String(token?.attributes?.kind ?? '');
  const text = (key: string) =>
    typeof attributes[key] === 'string' ? String(attributes[key]) : '';
  switch (type) {
    case 'products':
      return `product ${text('name') || me.data.id}`;
    case 'environments':
      return `environment ${text('code') || text('name') || me.data.id}`;
    case 'licenses':
      return `license ${text('name') || me.data.id}`;
    case 'users':
      return kind === 'admin-token' || text('role') === 'admin'
        ? `admin ${text('email')}`.trim()
        : text('email') || me.data.id;
    default:
      return `${type} ${me.data.id}`;
  }
}

const test = async (z: ZObject, bundle: Bundle) => {
  const root = apiRoot(z, bundle.authData);
  const account = bundle.authData.accountId;
  const response = await keygen<WhoAmI>(z, bundle, {
    path: ['me'],
    action: `read who the token belongs to in account "${account}"`,
    target: `account "${account}"`,
    allowNotFound: true,
  });
  if (response.status === 404 || !response.data?.data) {
    throw new z.errors.Error(
      isDefaultApiRoot(root)
        ? `Keygen has no account "${account}". Check the Account ID: it is shown in the Keygen dashboard under Settings (the UUID, or the account's slug).`
        : `${root} answered 404 for account "${account}". A Keygen Cloud custom domain (the CNAME your apps use) is not an API host for integrations: clear the Base URL to use ${DEFAULT_BASE_URL}. For a self-hosted server, enter the URL its API is served at and check the Account ID.`,
      'ACCOUNT_NOT_FOUND',
      404,
    );
  }
  const me = response.data;
  return {
    id: me.data.id,
    type: me.data.type,
    bearer: bearerName(me),
    account,
  };
};

const authentication: Authentication = {
  type: 'custom',
  fields: [
    {
      key: 'baseUrl',
      label: 'Base URL',
      required: false,
      type: 'string',
      placeholder: DEFAULT_BASE_URL,
      helpText: `Leave empty for Keygen Cloud ([${DEFAULT_BASE_URL}](${DEFAULT_BASE_URL})). For a self-hosted Keygen CE or EE server, enter the URL its API is served at, such as \`https://keygen.example.com\`. A Keygen Cloud custom domain (a CNAME for your apps) is not an API host for integrations: keep the default for Cloud accounts.`,
    },
    {
      key: 'accountId',
      label: 'Account ID',
      required: true,
      type: 'string',
      helpText:
        "Your Keygen account's ID (a UUID) or slug, shown in the [Keygen dashboard](https://app.keygen.sh/settings) under Settings.",
    },
    {
      key: 'token',
      label: 'API Token',
      required: true,
      type: 'password',
      helpText:
        'An admin token (full access), a product token (one product: its licenses, machines, users and webhooks) or an environment token (Keygen EE). Create one in the [Keygen dashboard](https://app.keygen.sh/tokens) under Tokens. User and license tokens cannot manage webhooks, so triggers need one of the three.',
    },
    {
      key: 'environment',
      label: 'Environment',
      required: false,
      type: 'string',
      helpText:
        'Keygen EE only: the code or ID of the environment to work in (sent as the Keygen-Environment header). Leave empty for the global environment and for Keygen CE.',
    },
  ],
  test,
  connectionLabel: async (_z: ZObject, bundle: Bundle) =>
    `${String(bundle.inputData.account)} (${String(bundle.inputData.bearer)})`,
};

export = authentication;
