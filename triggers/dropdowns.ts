/**
 * Hidden polling triggers that fill the dynamic dropdowns of actions and searches. Each call reads
 * one page (Zapier's 0-based `bundle.meta.page` is Keygen's 1-based `page[number]`), and labels
 * every record the way a person recognises it.
 */
import type { Bundle, PlainInputField, Trigger, ZObject } from 'zapier-platform-core';
import { productField } from '../steps/fields';
import { resourcesOf } from '../steps/records';
import { text } from '../steps/values';
import { MAX_PAGE_SIZE, keygen } from '../keygen/client';
import { flattenResource, type JsonApiResource } from '../keygen/normalize';

type Label = (record: JsonApiResource) => string;

interface Dropdown {
  key: string;
  /** The JSON:API type listed, also its path. */
  type: string;
  noun: string;
  plural: string;
  inputFields?: PlainInputField[];
  /** Input keys passed on as Keygen index filters of the same name. */
  filters?: readonly string[];
  /** The labeller for one page; some need a second look-up (a policy's product name). */
  labeller: (
    z: ZObject,
    bundle: Bundle,
    records: readonly JsonApiResource[],
  ) => Label | Promise<Label>;
}

const attr = (record: JsonApiResource, name: string): string | undefined =>
  text(record.attributes?.[name]);

const byName: Label = (r) => attr(r, 'name') ?? r.id;

/** "Pro License (…8E21D4-V3)": the name, and the end of the key to tell same-named licenses apart. */
const licenseLabel: Label = (r) => {
  const key = attr(r, 'key');
  const name = attr(r, 'name');
  if (!key) return name ?? r.id;
  return `${name ?? 'License'} (…${key.slice(-9)})`;
};

const userLabel: Label = (r) => {
  const name =
    attr(r, 'fullName') ??
    ([attr(r, 'firstName'), attr(r, 'lastName')].filter(Boolean).join(' ') || undefined);
  const email = attr(r, 'email');
  if (!email) return name ?? r.id;
  return name ? `${name} <${email}>` : email;
};

const entitlementLabel: Label = (r) => {
  const code = attr(r, 'code');
  return code ? `${byName(r)} (${code})` : byName(r);
};

const machineLabel: Label = (r) => {
  const fingerprint = attr(r, 'fingerprint');
  const name = attr(r, 'name');
  return name && fingerprint ? `${name} (${fingerprint})` : (name ?? fingerprint ?? r.id);
};

/** Product names by id, or none if they can't be read: the ids still tell policies apart. */
async function productNames(z: ZObject, bundle: Bundle): Promise<Map<string, string>> {
  try {
    const { data } = await keygen(z, bundle, {
      path: ['products'],
      query: { 'page[size]': MAX_PAGE_SIZE, 'page[number]': 1 },
      action: 'list products',
      target: 'products',
    });
    return new Map(resourcesOf(data).map((product) => [product.id, byName(product)]));
  } catch {
    return new Map();
  }
}

/**
 * "Pro Yearly (Product: Acme App)". Keygen has no `include`, so the product names come from one
 * more request (none for an empty page).
 */
async function policyLabeller(
  z: ZObject,
  bundle: Bundle,
  policies: readonly JsonApiResource[],
): Promise<Label> {
  const names = policies.length > 0 ? await productNames(z, bundle) : new Map<string, string>();
  return (r) => {
    const relation = r.relationships?.product?.data;
    const productId = relation && !Array.isArray(relation) ? relation.id : undefined;
    return productId ? `${byName(r)} (Product: ${names.get(productId) ?? productId})` : byName(r);
  };
}

const DROPDOWNS: readonly Dropdown[] = [
  {
    key: 'list_products',
    type: 'products',
    noun: 'Product',
    plural: 'products',
    labeller: () => byName,
  },
  {
    key: 'list_policies',
    type: 'policies',
    noun: 'Policy',
    plural: 'policies',
    inputFields: [
      { ...productField, helpText: `Lists only this product's policies. ${productField.helpText}` },
    ],
    filters: ['product'],
    labeller: policyLabeller,
  },
  {
    key: 'list_entitlements',
    type: 'entitlements',
    noun: 'Entitlement',
    plural: 'entitlements',
    labeller: () => entitlementLabel,
  },
  {
    key: 'list_licenses',
    type: 'licenses',
    noun: 'License',
    plural: 'licenses',
    labeller: () => licenseLabel,
  },
  { key: 'list_users', type: 'users', noun: 'User', plural: 'users', labeller: () => userLabel },
  { key: 'list_groups', type: 'groups', noun: 'Group', plural: 'groups', labeller: () => byName },
  {
    key: 'list_machines',
    type: 'machines',
    noun: 'Machine',
    plural: 'machines',
    labeller: () => machineLabel,
  },
];

function define(dropdown: Dropdown): Trigger {
  const perform = async (z: ZObject, bundle: Bundle) => {
    const filters = Object.fromEntries(
      (dropdown.filters ?? []).map((key) => [key, text(bundle.inputData?.[key])]),
    );
    const { data } = await keygen(z, bundle, {
      path: [dropdown.type],
      query: {
        ...filters,
        'page[number]': (Number(bundle.meta?.page) || 0) + 1,
        'page[size]': MAX_PAGE_SIZE,
      },
      action: `list ${dropdown.plural}`,
      target: dropdown.plural,
    });
    const records = resourcesOf(data);
    const label = await dropdown.labeller(z, bundle, records);
    return records.map((record) => ({
      id: record.id,
      label: label(record),
      ...flattenResource(record),
    }));
  };
  const title = dropdown.plural[0].toUpperCase() + dropdown.plural.slice(1);
  return {
    key: dropdown.key,
    noun: dropdown.noun,
    display: {
      label: `List ${title}`,
      description: `Lists ${dropdown.plural} for dropdowns.`,
      hidden: true,
    },
    operation: {
      type: 'polling',
      canPaginate: true,
      inputFields: dropdown.inputFields ?? [],
      perform,
    },
  };
}

export const dropdownTriggers: Record<string, Trigger> = Object.fromEntries(
  DROPDOWNS.map((dropdown) => [dropdown.key, define(dropdown)]),
);
