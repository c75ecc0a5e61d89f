// The built bundle patches core too: compile-once swallows a failed require of core's private
// module (platform/compile-once.ts), so only this shows that the bundle still reaches it.
import path from 'node:path';

const ONCE = Symbol.for('keygen-zapier.compile-once');

describe('the built app (root index.js) on zapier-platform-core 19.1.0', () => {
  it("makes core's prepareApp compile the app once", () => {
    jest.isolateModules(() => {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const schema = require('zapier-platform-core/src/tools/schema');
      expect(ONCE in schema.prepareApp).toBe(false);
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const built = require(path.join(__dirname, '..', '..', 'index.js'));
      expect(ONCE in schema.prepareApp).toBe(true);
      const compiled = schema.prepareApp(built);
      expect(schema.prepareApp(built)).toBe(compiled);
      expect(Object.isFrozen(compiled.triggers.license_created.operation)).toBe(true);
    });
  }, 60_000);
});
