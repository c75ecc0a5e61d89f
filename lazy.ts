/**
 * Samples and outputFields as getters built on first read and kept, so loading the app (a cold
 * start's `require`, the CLI, tests) does not build them. Zapier's runtime still reads them once
 * per process when createApp deep-copies the definition, so building them is kept cheap as well:
 * samples are made once per payload shape (keygen/samples.ts) and field lists are shared frozen
 * arrays (keygen/normalize.ts). `npm run bench` measures both costs.
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
