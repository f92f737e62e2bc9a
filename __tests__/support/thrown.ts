/** What a call threw, for tests of error messages; each fails the test when the call threw nothing. */
import { EgiAuthError } from "../../auth/errors";

/** The error `fn` threw. */
export function thrown(fn: () => unknown): Error {
  try {
    fn();
  } catch (err) {
    return err as Error;
  }
  throw new Error("expected an error, the call returned");
}

/** The message of the error `fn` threw. */
export const messageOf = (fn: () => unknown): string => thrown(fn).message;

/** The EgiAuthError `fn` threw (anything else is rethrown). */
export function authErrorOf(fn: () => unknown): EgiAuthError {
  const err = thrown(fn);
  if (err instanceof EgiAuthError) return err;
  throw err;
}
