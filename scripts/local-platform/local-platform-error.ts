/**
 * An error the user can fix (a port in use, a bad variable, a child that died). `npm start`
 * prints its message alone, without a stack trace, and exits non-zero.
 */
export class LocalPlatformError extends Error {
  override readonly name = "LocalPlatformError";
  /** Marks instances across module copies, for {@link isLocalPlatformError}. */
  readonly isLocalPlatformError = true;
}

/** Whether `error` is a {@link LocalPlatformError}. */
export function isLocalPlatformError(error: unknown): error is LocalPlatformError {
  return (
    typeof error === "object" &&
    error !== null &&
    (error as { isLocalPlatformError?: unknown }).isLocalPlatformError === true
  );
}
