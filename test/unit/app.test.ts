import fs from 'node:fs';
import path from 'node:path';
import { App } from '../helpers/app';
import { titlecase } from '../helpers/titlecase';

// Internal to core, but it is exactly what `zapier-platform validate --without-style` runs.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const schema = require('zapier-platform-core/src/tools/schema');

type Field = { key: string; label?: string; helpText?: string; children?: Field[] };
type Operation = {
  inputFields?: readonly Field[];
  outputFields?: readonly Field[];
  sample?: Record<string, unknown>;
};
type Action = {
  key: string;
  noun: string;
  display: { label: string; description: string; hidden?: boolean };
  operation: Operation;
};

const groups = {
  triggers: App.triggers as Record<string, Action>,
  creates: App.creates as Record<string, Action>,
  searches: App.searches as Record<string, Action>,
};

function flatKeys(fields: Field[] = [], prefix = ''): string[] {
  return fields.flatMap((f) =>
    f.children
      ? [`${prefix}${f.key}`, ...flatKeys(f.children, `${prefix}${f.key}[]`)]
      : [`${prefix}${f.key}`],
  );
}

function sampleKeys(sample: Record<string, unknown>, prefix = ''): string[] {
  return Object.entries(sample).flatMap(([key, value]) =>
    Array.isArray(value) && value.length > 0 && typeof value[0] === 'object' && value[0] !== null
      ? [`${prefix}${key}`, ...sampleKeys(value[0] as Record<string, unknown>, `${prefix}${key}[]`)]
      : [`${prefix}${key}`],
  );
}

describe('the app definition', () => {
  it('passes zapier-platform-schema validation (validate --without-style)', () => {
    expect(schema.validateApp(schema.prepareApp(App))).toEqual([]);
  });

  it('has the version of package.json and the platform version of the pinned core', () => {
    const pkg = JSON.parse(
      fs.readFileSync(path.join(__dirname, '..', '..', 'package.json'), 'utf8'),
    );
    expect(App.version).toBe(pkg.version);
    expect(pkg.dependencies['zapier-platform-core']).toMatch(/^\d+\.\d+\.\d+$/);
    expect(App.platformVersion).toBe(pkg.dependencies['zapier-platform-core']);
  });

  it('has the contract authentication fields', () => {
    expect((App.authentication.fields ?? []).map((f) => f.key)).toEqual([
      'baseUrl',
      'accountId',
      'token',
      'environment',
    ]);
    expect((App.authentication.fields ?? []).find((f) => f.key === 'token')?.type).toBe('password');
  });

  describe.each(Object.entries(groups))('%s', (group, members) => {
    const visible = Object.values(members).filter((m) => !m.display.hidden);

    it('has members', () => expect(Object.keys(members).length).toBeGreaterThan(0));

    it.each(Object.values(members).map((m) => [m.key, m] as const))(
      '%s follows Zapier conventions',
      (_key, action) => {
        expect(action.key).toMatch(/^[a-z][a-z0-9_]*$/);
        expect(action.display.label).toBe(titlecase(action.display.label));
        if (group === 'triggers' && !action.display.hidden) {
          expect(action.display.description).toMatch(/^Triggers when .*\.$/s);
        }
        for (const field of action.operation.inputFields ?? []) {
          expect(`${field.key}: ${field.helpText ?? ''}`).toMatch(/: \S/);
          // A copy field is Markdown shown as it is, without a label.
          if ((field as { type?: string }).type !== 'copy') {
            expect(field.label).toBe(titlecase(field.label ?? ''));
          }
        }
      },
    );

    it.each(visible.map((m) => [m.key, m] as const))(
      '%s has a sample whose keys equal its outputFields',
      (_key, member) => {
        const { sample, outputFields } = member.operation;
        expect(sample).toBeDefined();
        expect(outputFields?.length).toBeGreaterThan(0);
        const fixed = (outputFields ?? []).filter((f) => typeof f === 'object');
        for (const field of fixed) expect(field.label).toBeTruthy();
        if (fixed.length === outputFields?.length) {
          expect(new Set(sampleKeys(sample ?? {}))).toEqual(new Set(flatKeys(fixed)));
        } else {
          // Fields computed from the Zap's input come on top of the fixed ones.
          expect(sampleKeys(sample ?? {})).toEqual(expect.arrayContaining(flatKeys(fixed)));
        }
      },
    );
  });
});
