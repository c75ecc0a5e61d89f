// Runs in every test file (jest setupFilesAfterEnv): records all output and every app invocation's
// result and error, keeps expected errors and warnings off the screen, and fails the file if a
// recognised test token appears in any of it. Set SHOW_TEST_OUTPUT=1 to see console output.
import { format } from 'node:util';
import { leaks, recognise, record, recorder } from './helpers/output';

const show = process.env.SHOW_TEST_OUTPUT === '1';

for (const method of ['log', 'info', 'warn', 'error', 'debug'] as const) {
  const original = console[method].bind(console);
  console[method] = (...args: unknown[]) => {
    record(format(...args));
    if (show) original(...args);
  };
}

for (const stream of [process.stdout, process.stderr]) {
  const write = stream.write.bind(stream) as (...args: unknown[]) => boolean;
  stream.write = ((chunk: unknown, ...rest: unknown[]) => {
    record(String(chunk));
    return write(chunk, ...rest);
  }) as typeof stream.write;
}

function text(value: unknown): string {
  try {
    return typeof value === 'string' ? value : (JSON.stringify(value) ?? String(value));
  } catch {
    return String(value);
  }
}

// Every app tester of every file, also those made later or from the built app, records what the
// app returned or threw and learns the token it was given.
type Tester = (
  method: unknown,
  bundle?: { authData?: Record<string, unknown> },
  ...rest: unknown[]
) => Promise<unknown>;
// The module object itself (not an import copy), so files importing it later get the wrapper.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const core = require('zapier-platform-core') as Record<string, unknown>;
const createAppTester = core.createAppTester as unknown as (...args: unknown[]) => Tester;
core.createAppTester = (...args: unknown[]) => {
  const tester = createAppTester(...args);
  const wrapped = (async (method, bundle, ...rest) => {
    recognise(bundle?.authData?.token);
    try {
      const result = await tester(method, bundle, ...rest);
      record(text(result));
      return result;
    } catch (error) {
      record(
        error instanceof Error ? `${error.name}: ${error.message}\n${error.stack}` : text(error),
      );
      throw error;
    }
  }) as Tester & { zcacheTestObj?: unknown };
  Object.defineProperty(wrapped, 'zcacheTestObj', {
    get: () => (tester as unknown as { zcacheTestObj: unknown }).zcacheTestObj,
    set: (value) => {
      (tester as unknown as { zcacheTestObj: unknown }).zcacheTestObj = value;
    },
  });
  return wrapped;
};

afterAll(() => {
  const found = leaks();
  recorder.lines.length = 0;
  if (found.length > 0) {
    throw new Error(
      `A test token appeared in output, a result or an error:\n${found.join('\n---\n')}`,
    );
  }
});
