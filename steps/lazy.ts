/**
 * Samples and outputFields as getters built on first read and kept, so loading the app (a cold
 * start's `require`, the CLI, tests) does not build them. Core reads them all when it first
 * compiles the definition, once per process (platform/compile-once.ts): `npm run bench` shows what that
 * adds to the first invocation.
 */
export function lazyFields<O extends object, L extends Record<string, () => unknown>>(
  operation: O,
  builders: L,
): O & { readonly [K in keyof L]: ReturnType<L[K]> } {
  for (const [key, build] of Object.entries(builders)) {
    let value: unknown;
    let built = false;
    Object.defineProperty(operation, key, {
      enumerable: true,
      get() {
        if (!built) {
          value = build();
          built = true;
        }
        return value;
      },
    });
  }
  return operation as O & { readonly [K in keyof L]: ReturnType<L[K]> };
}
