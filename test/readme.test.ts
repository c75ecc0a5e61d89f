import fs from 'node:fs';
import path from 'node:path';
import { App } from './helpers/app';

const readme = fs.readFileSync(path.join(__dirname, '..', 'README.md'), 'utf8');

type Member = { key: string; display: { hidden?: boolean } };
const documented = (members: Record<string, Member>) =>
  Object.values(members).map((m) => [m.key, m.display.hidden === true] as const);

describe('README', () => {
  it.each([
    ...documented(App.triggers as Record<string, Member>),
    ...documented(App.creates as Record<string, Member>),
    ...documented(App.searches as Record<string, Member>),
  ])('documents %s', (key, hidden) => {
    // Visible ones in a table row; hidden dropdown triggers by name.
    expect(readme).toContain(hidden ? `\`${key}\`` : `| \`${key}\``);
  });
});
