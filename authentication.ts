import { isIP } from 'node:net';
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

/**
 * Whether the API root's host cannot be a Keygen Cloud custom domain, which is a public DNS name
 * (a CNAME): an IP address, a name without a dot (a container's, say) or one under a suffix that
 * only resolves locally.
 */
function isLocalHost(root: string): boolean {
  const host = new URL(root).hostname.replace(/^\[(.*)\]$/, '$1').replace(/\.$/, '');
  if (isIP(host) !== 0 || !host.includes('.')) return true;
  return /\.(localhost|local|internal|lan|home\.arpa|test)$/i.test(host);
}

/**
 * What a 404 from the auth test means. On Keygen Cloud, a wrong Account ID. On a server that
 * cannot be Cloud, the Account ID first; on any other host the likelier mistake is a Cloud
 * custom domain typed as the Base URL, so that comes first. The Cloud case is always explained.
 */
function accountNotFound(root: string, account: string): string {
  const cloud = `A Keygen Cloud custom domain (the CNAME your apps use) is not an API host for integrations: clear the Base URL to use ${DEFAULT_BASE_URL}.`;
  if (isDefaultApiRoot(root)) {
    return `Keygen has no account "${account}". Check the Account ID: it is shown in the Keygen dashboard under Settings (the UUID, or the account's slug).`;
  }
  if (isLocalHost(root)) {
    return `The Keygen server at ${root} has no account "${account}". Check the Account ID (the UUID or slug of the account created when the server was set up) and that the Base URL is where the server's API is served. For a Keygen Cloud account: ${cloud}`;
  }
  return `${root} answered 404 for account "${account}". ${cloud} For a self-hosted server, enter the URL its API is served at and check the Account ID.`;
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
    throw new z.errors.Error(accountNotFound(root, account), 'ACCOUNT_NOT_FOUND', 404);
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
