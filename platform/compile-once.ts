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
 *
 * `prepareApp` lives in a module core does not document (src/tools/schema.js), and the handler
 * reaches it through that module's exports, so the patch is tied to the core it was measured on:
 * any other version, a module that fails to load, or one without a replaceable `prepareApp`
 * leaves core exactly as it is (slower, never wrong), and loading the app never fails here.
 */
import { version as installedVersion } from 'zapier-platform-core';

/** The zapier-platform-core whose `prepareApp` this was written and measured against. */
export const MEASURED_CORE = '19.1.0';

interface SchemaTools {
  prepareApp: (appRaw: unknown) => unknown;
}

/** The core to patch: its version, and how to load the module core calls prepareApp through. */
export interface Core {
  version: unknown;
  schema: () => unknown;
}

const installedCore: Core = {
  version: installedVersion,
  // The module through which core's createApp and lambda handler both call prepareApp.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  schema: () => require('zapier-platform-core/src/tools/schema'),
};

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

function compilingOnce(compile: SchemaTools['prepareApp']) {
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
  return Object.assign(prepareApp, { [ONCE]: true });
}

/**
 * Makes core's prepareApp compile each definition once. Answers whether core now does (true also
 * when it already did); false means core was left as it is.
 */
export function compileDefinitionsOnce(core: Core = installedCore): boolean {
  if (core.version !== MEASURED_CORE) return false;
  try {
    const tools = core.schema() as Partial<SchemaTools> | null;
    const compile = tools?.prepareApp;
    if (typeof compile !== 'function') return false;
    if (ONCE in compile) return true;
    (tools as SchemaTools).prepareApp = compilingOnce(compile);
    // A read-only prepareApp stays core's: the assignment throws, or does nothing in sloppy mode.
    return (tools as SchemaTools).prepareApp !== compile;
  } catch {
    // The module moved or failed to load, or refused the new prepareApp: core keeps its own.
    return false;
  }
}
