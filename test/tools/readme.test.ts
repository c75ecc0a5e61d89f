import fs from 'node:fs';
import path from 'node:path';
import { App } from '../helpers/app';

const readme = fs.readFileSync(path.join(__dirname, '..', '..', 'README.md'), 'utf8');

type Member = { key: string; display: { hidden?: boolean } };
const documented = (members: Record<string, Member>) =>
  Object.values(members).map((m) => [m.key, m.display.hidden === true] as const);

describe('README', () => {
  it('names the Node.js version package.json requires (engines)', () => {
    const pkg = JSON.parse(
      fs.readFileSync(path.join(__dirname, '..', '..', 'package.json'), 'utf8'),
    );
    const minimum = /^>=(\d+\.\d+)$/.exec(pkg.engines.node)?.[1];
    expect(minimum).toBeDefined();
    expect(readme).toContain(`Node.js ${minimum} or newer`);
  });

  it('stays short enough for a newcomer (the reference lives in docs/)', () => {
    expect(Buffer.byteLength(readme)).toBeLessThanOrEqual(16_000);
  });

  const linked = readme.matchAll(/\]\(((?:docs\/)?[\w./-]+\.md|LICENSE)\)/g);
  const localLinks = [...new Set([...linked].map(([, link]) => link))];

  it('links to the docs, the changelog and the license', () => {
    expect(localLinks).toEqual(
      expect.arrayContaining([
        'docs/events.md',
        'docs/fields.md',
        'docs/actions.md',
        'docs/architecture.md',
        'docs/benchmarks.md',
        'docs/sandbox.md',
        'docs/examples.md',
        'CHANGELOG.md',
        'LICENSE',
      ]),
    );
  });

  it.each(localLinks)('links to %s, which exists', (link) => {
    expect(fs.existsSync(path.join(__dirname, '..', '..', link))).toBe(true);
  });

  it.each([
    ...documented(App.triggers as Record<string, Member>),
    ...documented(App.creates as Record<string, Member>),
    ...documented(App.searches as Record<string, Member>),
  ])('documents %s', (key, hidden) => {
    // Visible ones in a table row; hidden dropdown triggers by name.
    expect(readme).toContain(hidden ? `\`${key}\`` : `| \`${key}\``);
  });
});
