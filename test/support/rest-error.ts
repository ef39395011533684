/**
 * What a user checks on a failed Azure SDK call: the `RestError`'s status, service code and message.
 * Fails the test when the call succeeded.
 */
export async function rejection(promise: Promise<unknown>) {
  const err = (await promise.then(
    () => undefined,
    (e: unknown) => e,
  )) as { statusCode?: number; code?: string; message?: string } | undefined;
  if (!err) throw new Error("expected the SDK call to fail");
  return { statusCode: err.statusCode, code: err.code, message: err.message };
}
