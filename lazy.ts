/**
 * Zapier loads the app on every cold start, but only the editor and the schema check read samples
 * and outputFields: build them on first read instead of at load.
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
