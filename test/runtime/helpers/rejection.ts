/** The error a promise rejects with; fails the test when it resolves instead. */
export async function rejection<E = unknown>(promise: Promise<unknown>): Promise<E> {
  try {
    await promise;
  } catch (error) {
    return error as E;
  }
  throw new Error("Expected a rejection, but the promise resolved.");
}
