/**
 * The compatibility guard (Zapier's checks C001–C003): nothing of the public surface recorded in
 * docs/public-surface.json may disappear unless CHANGELOG.md's Unreleased section lists it under
 * "Breaking". The guard's logic first, then the app against the recorded surface.
 */
import fs from 'node:fs';
import path from 'node:path';
import { App } from '../helpers/app';
import { SURFACE_FILE, readRecorded } from '../../tools/scripts/docs';
import {
  breakingChanges,
  nextSurface,
  publicSurface,
  unannouncedRemovals,
  type Surface,
  type SurfaceApp,
} from '../../tools/scripts/public-surface';

const ROOT = path.join(__dirname, '..', '..');

const RECORDED: Surface = {
  'creates.create_license': { inputs: ['name', 'policy'], sample: ['id', 'license_key'] },
  'triggers.license_created': { inputs: ['product'], sample: ['id', 'license_id'] },
};
const copy = (): Surface => structuredClone(RECORDED);

const changelog = (breaking: string) =>
  [
    '# Changelog',
    '',
    '## Unreleased',
    '',
    '- Something new.',
    '',
    '### Breaking',
    '',
    breaking,
    '',
    '## 1.0.0',
    '',
    '- `creates.create_license` (an old entry: released, so it announces nothing now).',
  ].join('\n');

describe('the guard', () => {
  it('fails a removed operation, input key or sample key, naming it', () => {
    const current = copy();
    delete current['triggers.license_created'];
    current['creates.create_license'].inputs = ['policy'];
    current['creates.create_license'].sample = ['id'];
    expect(unannouncedRemovals(RECORDED, current, [])).toEqual([
      'creates.create_license.inputs.name',
      'creates.create_license.sample.license_key',
      'triggers.license_created',
      'triggers.license_created.inputs.product',
      'triggers.license_created.sample.id',
      'triggers.license_created.sample.license_id',
    ]);
  });

  it('passes a removal listed under Breaking in the Unreleased section, and only that one', () => {
    const current = copy();
    delete current['triggers.license_created'];
    current['creates.create_license'].inputs = ['policy'];
    const breaking = breakingChanges(
      changelog('- `triggers.license_created` is gone: use New Event instead.'),
    );
    expect(breaking).toEqual(['triggers.license_created']);
    expect(unannouncedRemovals(RECORDED, current, breaking)).toEqual([
      'creates.create_license.inputs.name',
    ]);
  });

  it('reads nothing from released sections or from outside Breaking', () => {
    expect(breakingChanges(changelog('Nothing removed.'))).toEqual([]);
    expect(breakingChanges('# Changelog\n\n## 1.0.0\n\n### Breaking\n\n- `creates.x`\n')).toEqual(
      [],
    );
  });

  it('passes additions, which the next recorded surface takes in', () => {
    const current = copy();
    current['creates.create_license'].inputs.push('expiry');
    current['searches.find_user'] = { inputs: ['email'], sample: ['id'] };
    expect(unannouncedRemovals(RECORDED, current, [])).toEqual([]);
    expect(nextSurface(RECORDED, current, [])).toEqual(current);
  });

  it('keeps an unannounced removal in the next recorded surface, and drops an announced one', () => {
    const current = copy();
    current['creates.create_license'].inputs = ['policy'];
    delete current['triggers.license_created'];
    const next = nextSurface(RECORDED, current, ['triggers.license_created']);
    expect(next).toEqual({
      'creates.create_license': { inputs: ['name', 'policy'], sample: ['id', 'license_key'] },
    });
    // Regenerating docs therefore never silences the guard.
    expect(unannouncedRemovals(next, current, [])).toEqual(['creates.create_license.inputs.name']);
  });

  it('records visible operations only, without copy fields', () => {
    const app = {
      creates: {
        delete_it: {
          key: 'delete_it',
          display: {},
          operation: {
            inputFields: [{ key: 'warning', type: 'copy' }, { key: 'id' }],
            sample: { id: '1' },
          },
        },
        hidden_one: { key: 'hidden_one', display: { hidden: true }, operation: {} },
      },
    } as SurfaceApp;
    expect(publicSurface(app)).toEqual({ 'creates.delete_it': { inputs: ['id'], sample: ['id'] } });
  });
});

describe('the app against the recorded public surface', () => {
  const recorded = readRecorded(ROOT);
  const current = publicSurface(App as unknown as SurfaceApp);

  it(`${SURFACE_FILE} is committed and covers every visible operation`, () => {
    expect(fs.existsSync(path.join(ROOT, SURFACE_FILE))).toBe(true);
    expect(Object.keys(recorded.surface)).toEqual(expect.arrayContaining(Object.keys(current)));
  });

  it('removes nothing recorded, unless CHANGELOG.md lists it under Unreleased → Breaking', () => {
    expect(unannouncedRemovals(recorded.surface, current, recorded.breaking)).toEqual([]);
  });
});
