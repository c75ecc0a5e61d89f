/**
 * zapier-platform-core compiles the app definition (a deep copy that keeps functions by reference,
 * then a deep freeze) twice on every invocation, in `createApp` and again in the lambda handler
 * (core's own TODO calls the second one redundant), and core's copy rebuilds every object it meets,
 * shared or not. With the output fields and samples Zapier's editor shows for every trigger, action
 * and search, that copying was most of what an invocation cost (docs/benchmarks.md). Core copies
 * and serializes the same properties, so no shape of the definition keeps the editor's content and
 * escapes the copy: functions are kept by reference, but serialize as `$func$` placeholders.
 *
 * The compiled definition depends only on the definition object and is deep-frozen, so this makes
 * core's `prepareApp` compile a definition once and hand the same frozen result to later calls
 * while the definition is unchanged: the first invocation of a process compiles, later ones reuse.
 * Every command (execute, definition, validate) gets exactly what core compiled. The definition's
 * own properties are compared on each call, because core's app tester adds and removes an ad hoc
 * `_testRequest` there; nested objects must not change after load, and nothing here changes them.
 * A definition the event carries (`appRawOverride`) is a new object, compiled anew.
 */
interface SchemaTools {
  prepareApp: (appRaw: unknown) => unknown;
}

interface Compiled {
  /** The definition's own properties when it was compiled. */
  keys: string[];
  values: unknown[];
  app: unknown;
}

const ONCE = Symbol.for('keygen-zapier.compile-once');

function unchanged(definition: Record<string, unknown>, compiled: Compiled): boolean {
  const keys = Object.keys(definition);
  return (
    keys.length === compiled.keys.length &&
    keys.every((key, i) => key === compiled.keys[i] && definition[key] === compiled.values[i])
  );
}

export function compileDefinitionsOnce(
  // The module through which core's createApp and lambda handler both call prepareApp.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  tools: SchemaTools = require('zapier-platform-core/src/tools/schema'),
): void {
  const compile = tools.prepareApp;
  // Another core layout leaves core as it is: slower, never wrong.
  if (typeof compile !== 'function' || ONCE in compile) return;
  const cache = new WeakMap<object, Compiled>();
  const prepareApp = (appRaw: unknown) => {
    // Anything but an object goes to core, which says what is wrong with the definition.
    if (typeof appRaw !== 'object' || appRaw === null) return compile(appRaw);
    const definition = appRaw as Record<string, unknown>;
    const cached = cache.get(definition);
    if (cached && unchanged(definition, cached)) return cached.app;
    const keys = Object.keys(definition);
    const values = keys.map((key) => definition[key]);
    const app = compile(definition);
    cache.set(definition, { keys, values, app });
    return app;
  };
  tools.prepareApp = Object.assign(prepareApp, { [ONCE]: true });
}
