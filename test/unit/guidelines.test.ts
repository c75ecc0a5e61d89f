/**
 * Zapier's review guidelines (Zapier's integration checks: zapier-platform-cli's `validate` and docs.zapier.com/platform/publish/integration-checks-reference), each checked by
 * walking the whole app definition, so that operations and inputs added later are held to them
 * too: D018 labels, no app name in descriptions, a `copy` warning on destructive actions, every
 * sample key labelled, help texts that say something, D028 decided and D027 kept.
 */
import fs from 'node:fs';
import path from 'node:path';
import { App } from '../helpers/app';
import { titlecase } from '../helpers/titlecase';

const ROOT = path.join(__dirname, '..', '..');
/** The newest zapier-platform-core the reference names (zapier/zapier-platform HEAD, D027). */
const NEWEST_CORE = '19.1.0';

interface Field {
  key: string;
  label?: string;
  type?: string;
  helpText?: string;
  children?: Field[];
}
interface Operation {
  inputFields?: readonly (Field | ((...args: never[]) => unknown))[];
  outputFields?: readonly (Field | ((...args: never[]) => unknown))[];
  sample?: Record<string, unknown>;
  cleanInputData?: unknown;
}
interface Member {
  key: string;
  display: { label: string; description: string; hidden?: boolean };
  operation: Operation;
}

const GROUPS = ['triggers', 'creates', 'searches'] as const;
const definition = App as unknown as Record<(typeof GROUPS)[number], Record<string, Member>> & {
  searchOrCreates: Record<string, { key: string; display: { label: string; description: string } }>;
  authentication: { fields: Field[] };
  flags?: { cleanInputData?: unknown };
};

/** Every visible operation, named `group.key`. */
const visible: [string, Member][] = GROUPS.flatMap((group) =>
  Object.values(definition[group])
    .filter((member) => !member.display.hidden)
    .map((member): [string, Member] => [`${group}.${member.key}`, member]),
);

/** The static input fields of an operation, children included. */
const inputsOf = (member: Member): Field[] =>
  (member.operation.inputFields ?? [])
    .filter((field): field is Field => typeof field === 'object')
    .flatMap((field) => [field, ...(field.children ?? [])]);

/** Labels Zapier shows: operations, search-or-creates, their inputs and the connection form. */
function visibleLabels(): [string, string][] {
  return [
    ...visible.flatMap(([name, member]): [string, string][] => [
      [name, member.display.label],
      ...inputsOf(member)
        .filter((field) => field.label !== undefined)
        .map((field): [string, string] => [`${name} input ${field.key}`, field.label!]),
    ]),
    ...Object.values(definition.searchOrCreates).map((pair): [string, string] => [
      `searchOrCreates.${pair.key}`,
      pair.display.label,
    ]),
    ...definition.authentication.fields.map((field): [string, string] => [
      `authentication ${field.key}`,
      field.label ?? field.key,
    ]),
  ];
}

/** Help texts the user reads: every static input of a visible operation and of the connection. */
function helpTexts(): [string, string | undefined][] {
  return [
    ...visible.flatMap(([name, member]) =>
      inputsOf(member).map((field): [string, string | undefined] => [
        `${name} input ${field.key}`,
        field.helpText,
      ]),
    ),
    ...definition.authentication.fields.map((field): [string, string | undefined] => [
      `authentication ${field.key}`,
      field.helpText,
    ]),
  ];
}

/** The app's own name as the subject of a description: Zapier shows the app beside every step. */
const NAMES_THE_APP = /\bKeygen\b/;

/** Keys of a sample as Zapier flattens them: line items as `key[]sub`. */
function sampleKeys(sample: Record<string, unknown>, prefix = ''): string[] {
  return Object.entries(sample).flatMap(([key, value]) =>
    Array.isArray(value) && typeof value[0] === 'object' && value[0] !== null
      ? [`${prefix}${key}`, ...sampleKeys(value[0] as Record<string, unknown>, `${prefix}${key}[]`)]
      : [`${prefix}${key}`],
  );
}

/** Keys of the static output fields that carry a label. */
function labelledKeys(fields: Operation['outputFields'] = [], prefix = ''): string[] {
  return fields.flatMap((field) =>
    typeof field === 'function'
      ? []
      : [
          ...(field.label ? [`${prefix}${field.key}`] : []),
          ...labelledKeys(field.children, `${prefix}${field.key}[]`),
        ],
  );
}

const MIN_HELP = 20;
const DESTRUCTIVE = /^(Delete|Remove|Revoke|Destroy)\b/;

describe('python-titlecase (D018), as this suite applies it', () => {
  it.each([
    ['License Check-In Required Soon', 'License Check-in Required Soon'],
    ['License Check-In Overdue', 'License Check-in Overdue'],
    ['Check In License', 'Check in License'],
    ['Sync License With Subscription', 'Sync License With Subscription'],
    ['find or create user', 'Find or Create User'],
    ['the end of the line', 'The End of the Line'],
    ['what it is for', 'What It Is For'],
    ['TTL in Seconds', 'TTL in Seconds'],
    ['License Owner ID', 'License Owner ID'],
    ['an in-the-box solution', 'An in-the-Box Solution'],
    ['Policy Check In Interval', 'Policy Check in Interval'],
    ['Step 1: the plan', 'Step 1: The Plan'],
    ['read/write access', 'Read/Write Access'],
  ])('%j → %j', (label, expected) => {
    expect(titlecase(label)).toBe(expected);
  });
});

describe('the app definition meets the review guidelines', () => {
  it('is walked whole: every visible operation, search-or-create and connection field', () => {
    expect(visible.length).toBeGreaterThan(60);
    expect(visible.map(([name]) => name)).toEqual(
      expect.arrayContaining([
        'triggers.new_event',
        'creates.create_license',
        'searches.find_user',
      ]),
    );
    expect(visibleLabels().length).toBeGreaterThan(200);
  });

  it('labels everything exactly as python-titlecase would (D018)', () => {
    const wrong = visibleLabels()
      .filter(([, label]) => titlecase(label) !== label)
      .map(([where, label]) => `${where}: "${label}" should be "${titlecase(label)}"`);
    expect(wrong).toEqual([]);
  });

  it('never names the app in a description: Zapier shows it beside every step', () => {
    const naming = [
      ...visible.map(([name, member]): [string, string] => [name, member.display.description]),
      ...Object.values(definition.searchOrCreates).map((pair): [string, string] => [
        `searchOrCreates.${pair.key}`,
        pair.display.description,
      ]),
    ]
      .filter(([, description]) => NAMES_THE_APP.test(description))
      .map(([where, description]) => `${where}: ${description}`);
    expect(naming).toEqual([]);
  });

  it('warns in a copy field that a destructive action cannot be undone', () => {
    const destructive = visible.filter(
      ([name, member]) => name.startsWith('creates.') && DESTRUCTIVE.test(member.display.label),
    );
    expect(destructive.map(([name]) => name)).toEqual(
      expect.arrayContaining(['creates.revoke_license', 'creates.delete_license']),
    );
    for (const [name, member] of destructive) {
      const copy = inputsOf(member).filter((field) => field.type === 'copy');
      expect([name, copy.map((field) => field.helpText)]).toEqual([
        name,
        [expect.stringMatching(/^\*\*This cannot be undone\.\*\* \S/)],
      ]);
    }
  });

  it.each(visible)('%s labels every key of its sample with a static output field', (_, member) => {
    const sample = member.operation.sample ?? {};
    const labelled = new Set(labelledKeys(member.operation.outputFields));
    expect(Object.keys(sample).length).toBeGreaterThan(0);
    expect(sampleKeys(sample).filter((key) => !labelled.has(key))).toEqual([]);
  });

  it(`gives every input a help text of at least ${MIN_HELP} characters`, () => {
    const short = helpTexts()
      .filter(([, help]) => (help ?? '').trim().length < MIN_HELP)
      .map(([where, help]) => `${where}: ${JSON.stringify(help)}`);
    expect(short).toEqual([]);
  });

  it('decides cleanInputData explicitly for the whole app, and says why (D028)', () => {
    expect(typeof definition.flags?.cleanInputData).toBe('boolean');
    const overridden = visible.filter(([, m]) => m.operation.cleanInputData !== undefined);
    expect(overridden.map(([name]) => name)).toEqual([]);
    const architecture = fs.readFileSync(path.join(ROOT, 'docs', 'architecture.md'), 'utf8');
    expect(architecture).toMatch(
      new RegExp(
        `## Empty inputs\\n\\nThe app sets \`flags.cleanInputData\` to \`${String(definition.flags?.cleanInputData)}\``,
      ),
    );
  });

  it(`stays on the newest zapier-platform-core, ${NEWEST_CORE} (D027)`, () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
    expect(pkg.dependencies['zapier-platform-core']).toBe(NEWEST_CORE);
    expect(pkg.devDependencies['zapier-platform-cli']).toBe(NEWEST_CORE);
    const installed = JSON.parse(
      fs.readFileSync(
        path.join(ROOT, 'node_modules', 'zapier-platform-core', 'package.json'),
        'utf8',
      ),
    );
    expect(installed.version).toBe(NEWEST_CORE);
    expect((App as unknown as { platformVersion: string }).platformVersion).toBe(NEWEST_CORE);
  });

  it('new_event adds the chosen events’ other fields to its static ones, each once', async () => {
    const fields = definition.triggers.new_event.operation.outputFields ?? [];
    const dynamic = fields.find((field) => typeof field === 'function') as unknown as (
      z: unknown,
      bundle: { inputData: Record<string, unknown> },
    ) => Promise<Field[]>;
    const chosen = await dynamic(
      {},
      { inputData: { events: ['user.created', 'license.created'] } },
    );
    const fixed = new Set(labelledKeys(fields));
    expect(chosen.map((field) => field.key)).toContain('user_email');
    expect(chosen.filter((field) => fixed.has(field.key))).toEqual([]);
    expect(chosen.every((field) => Boolean(field.label))).toBe(true);
  });
});
