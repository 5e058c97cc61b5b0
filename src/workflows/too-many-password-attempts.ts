/**
 * Too many wrong passwords in a row for one user (src/user-object/password-attempts.ts): wait
 * `retryAfterSeconds`, or, at the hard stop (null), reset the password; no wait helps then.
 */
export class TooManyPasswordAttempts extends Error {
  override name = "TooManyPasswordAttempts";
  constructor(readonly retryAfterSeconds: number | null) {
    super(
      retryAfterSeconds === null
        ? "Too many wrong passwords in a row: reset the password to sign in again."
        : "Too many wrong passwords in a row: retry after Retry-After seconds.",
    );
  }
}
