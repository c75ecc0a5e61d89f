// `npm run zapier` (tools/scripts/zapier.js) runs the project's own Zapier CLI: the path it runs
// must be the one npm ci installs, wherever the script lives in the tree.
import fs from 'node:fs';
import path from 'node:path';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { CLI } = require('../../tools/scripts/zapier') as { CLI: string };

test("the CLI it runs is the project's node_modules/zapier-platform-cli", () => {
  const root = path.join(__dirname, '..', '..');
  expect(CLI).toBe(path.join(root, 'node_modules', 'zapier-platform-cli', 'src', 'bin', 'run'));
  expect(fs.existsSync(CLI)).toBe(true);
});
