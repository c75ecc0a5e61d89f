/**
 * What the deploy relies on, without running the Zapier CLI (CI runs the real build through
 * `npm run zip`): the changelog section `promote` shows, the production package list the staging
 * folder is made of, and the checks that decide whether a zip is fit to upload.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

// The deploy's scripts are plain Node (they run before anything is compiled): typed here.
interface Package {
  location: string;
  version: string;
}
// eslint-disable-next-line @typescript-eslint/no-require-imports
const checkBuild = require('../../tools/scripts/check-build') as {
  APP_FILES: string[];
  buildZipProblems: (entries: string[], packages: string[]) => string[];
  sourceZipProblems: (entries: string[]) => string[];
  productionPackages: (root: string) => Package[];
};
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { changelogSection } = require('../../tools/scripts/deploy') as {
  changelogSection: (markdown: string, version: string) => string;
};
const { APP_FILES, buildZipProblems, productionPackages, sourceZipProblems } = checkBuild;

const ROOT = path.join(__dirname, '..', '..');
const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));

describe('CHANGELOG.md', () => {
  it("has a section for package.json's version, as `zapier-platform promote` reads it", () => {
    const changelog = fs.readFileSync(path.join(ROOT, 'CHANGELOG.md'), 'utf8');
    expect(changelogSection(changelog, pkg.version).length).toBeGreaterThan(20);
  });

  const markdown = [
    '# Changelog',
    '',
    '## 1.1.0',
    '',
    '- New action.',
    '### Details',
    'More.',
    '## 1.0.0',
    '',
    'First.',
  ].join('\n');

  it.each([
    ['1.1.0', '- New action.\n### Details\nMore.'],
    ['1.0.0', 'First.'],
    ['2.0.0', ''],
  ])('section %s', (version, section) => {
    expect(changelogSection(markdown, version)).toBe(section);
  });

  it('reads Windows line endings', () => {
    expect(changelogSection('## 1.0.0\r\n\r\nFirst.\r\n## 0.9.0\r\nOld.', '1.0.0')).toBe('First.');
  });
});

describe('the production packages (what `npm install --production` installs)', () => {
  const locations = productionPackages(ROOT).map((p) => p.location);

  it('are the runtime dependencies and theirs', () => {
    expect(locations).toEqual(
      expect.arrayContaining(['node_modules/zapier-platform-core', 'node_modules/zod']),
    );
  });

  it.each(Object.keys(pkg.devDependencies))('leave out the devDependency %s', (name) => {
    expect(locations).not.toContain(`node_modules/${name}`);
  });

  it('refuse a node_modules that is not what package-lock.json says', () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'keygen-zapier-lock-'));
    try {
      const lock = {
        packages: {
          '': {},
          'node_modules/zod': { version: '4.6.7' },
          'node_modules/jest': { version: '30.5.2', dev: true },
          'node_modules/encoding': { version: '0.1.13', optional: true },
        },
      };
      fs.writeFileSync(path.join(root, 'package-lock.json'), JSON.stringify(lock));
      expect(() => productionPackages(root)).toThrow('node_modules/zod is missing: run `npm ci`');
      fs.mkdirSync(path.join(root, 'node_modules', 'zod'), { recursive: true });
      const manifest = path.join(root, 'node_modules', 'zod', 'package.json');
      fs.writeFileSync(manifest, JSON.stringify({ version: '4.0.0' }));
      expect(() => productionPackages(root)).toThrow(
        'node_modules/zod is 4.0.0, package-lock.json says 4.6.7: run `npm ci`',
      );
      fs.writeFileSync(manifest, JSON.stringify({ version: 'v4.6.7' }));
      // The optional package is not installed (another platform's) and the dev one never counts.
      expect(productionPackages(root)).toEqual([
        { location: 'node_modules/zod', version: '4.6.7' },
      ]);
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });
});

describe('the build.zip check', () => {
  const packages = [
    'node_modules/zapier-platform-core',
    'node_modules/zod',
    'node_modules/a/node_modules/b',
  ];
  const good = [
    ...APP_FILES,
    'node_modules/zapier-platform-core/package.json',
    'node_modules/zapier-platform-core/index.js',
    'node_modules/zod/package.json',
    'node_modules/zod/mini/package.json',
    'node_modules/zod/index.cjs',
    'node_modules/a/node_modules/b/package.json',
  ];

  it('accepts the app and exactly the production packages', () => {
    expect(buildZipProblems(good, packages)).toEqual([]);
  });

  it.each([
    ['test/unit/app.test.ts', 'unexpected file outside node_modules: test/unit/app.test.ts'],
    ['tools/bench/run.js', 'unexpected file outside node_modules: tools/bench/run.js'],
    ['tools/sandbox/server.js', 'unexpected file outside node_modules: tools/sandbox/server.js'],
    ['docs/events.md', 'unexpected file outside node_modules: docs/events.md'],
    ['.ci/run', 'unexpected file outside node_modules: .ci/run'],
    ['tools/scripts/deploy.js', 'unexpected file outside node_modules: tools/scripts/deploy.js'],
    ['index.ts', 'unexpected file outside node_modules: index.ts'],
    ['node_modules/jest/package.json', 'package node_modules/jest is not a production dependency'],
    [
      'node_modules/@types/jest/package.json',
      'package node_modules/@types/jest is not a production dependency',
    ],
  ])('refuses a zip holding %s', (extra, problem) => {
    expect(buildZipProblems([...good, extra], packages)).toEqual([problem]);
  });

  it.each([
    ['dist/app.js', 'missing dist/app.js'],
    ['zapierwrapper.js', 'missing zapierwrapper.js'],
    ['node_modules/zod/package.json', 'missing package node_modules/zod'],
    ['node_modules/a/node_modules/b/package.json', 'missing package node_modules/a/node_modules/b'],
  ])('refuses a zip without %s', (left, problem) => {
    expect(
      buildZipProblems(
        good.filter((name) => name !== left),
        packages,
      ),
    ).toEqual([problem]);
  });
});

describe('the source.zip check', () => {
  const good = ['package.json', 'package-lock.json', 'index.ts', 'README.md', 'keygen/client.ts'];

  it('accepts the sources', () => expect(sourceZipProblems(good)).toEqual([]));

  it.each([
    'node_modules/zod/package.json',
    'dist/app.js',
    'build/build.zip',
    'definition.json',
    'zapierwrapper.js',
  ])('refuses %s', (extra) =>
    expect(sourceZipProblems([...good, extra])).toEqual([`source.zip holds ${extra}`]),
  );
});

describe('LICENSE', () => {
  it('is the license package.json names', () => {
    expect(pkg.license).toBe('MIT');
    expect(fs.readFileSync(path.join(ROOT, 'LICENSE'), 'utf8')).toMatch(
      /^MIT License\n\nCopyright \(c\) \d{4} /,
    );
  });
});
