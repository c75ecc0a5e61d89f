/** The error a call failed with; a call that succeeds fails the test. */
export async function failure(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected the call to fail, but it succeeded');
}

/** core's AppError (z.errors.Error) carries `{message, code, status}` as JSON in `.message`. */
export function appError(error: Error): { message: string; code: string; status?: number } {
  expect(error.name).toBe('AppError');
  return JSON.parse(error.message);
}

/** core's ThrottledError carries `{message, delay}` as JSON in `.message`. */
export function throttled(error: Error): { message: string; delay: number } {
  expect(error.name).toBe('ThrottledError');
  return JSON.parse(error.message);
}

/** A failure as name, raw message and, when the message is core's JSON, its parsed fields. */
export async function caught(
  promise: Promise<unknown>,
): Promise<{ name: string; text: string; json: Record<string, unknown> }> {
  const { name, message } = await failure(promise);
  let json: Record<string, unknown> = {};
  try {
    json = JSON.parse(message);
  } catch {
    // A plain error: its message is not JSON.
  }
  return { name, text: message, json };
}
