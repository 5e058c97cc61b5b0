// The one error class RPC methods throw. Its own properties cross the service binding, so the
// caller sees the HTTP-equivalent status, the error code, and whether and when to retry.
import { Misconfigured } from "../config/misconfigured";
import { DependencyUnavailable, DuplicateError, isStorageFailure } from "../db/errors";
import { BreachCheckUnavailable } from "../breached-passwords/pwned-passwords";
import { ApiError, ConstraintViolationsError, type Violation, breachCheckUnavailable, unavailable } from "../http/errors";
import { OAuthError } from "../http/oauth-errors";

export class PasswordResetServiceError extends Error {
  override name = "PasswordResetServiceError" as const;
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly retryable = false,
    readonly retryAfter: number | null = null,
    readonly violations?: Record<string, Violation[]>,
  ) {
    super(message);
  }
}

function retryAfterOf(headers: Record<string, string>): number | null {
  const value = Number(headers["Retry-After"]);
  return Number.isInteger(value) && value >= 0 ? value : null;
}

/** The same classification as the HTTP error handler, as one error class; unknown errors become a bare 500. */
export function toServiceError(e: unknown, log: (status: number, e: unknown) => void): PasswordResetServiceError {
  if (e instanceof PasswordResetServiceError) return e;
  if (e instanceof ConstraintViolationsError) return new PasswordResetServiceError(400, e.code, e.message, false, null, e.violations);
  if (e instanceof OAuthError) return new PasswordResetServiceError(e.status, e.error, e.description, e.status === 503, retryAfterOf(e.headers));
  if (e instanceof ApiError) {
    const retryAfter = retryAfterOf(e.headers);
    return new PasswordResetServiceError(e.status, e.code, e.message, e.status === 503 || (e.status === 429 && retryAfter !== null), retryAfter);
  }
  if (e instanceof DuplicateError) return new PasswordResetServiceError(409, "conflict", e.message);
  if (e instanceof Misconfigured) {
    log(503, e);
    return new PasswordResetServiceError(503, "misconfigured", `The service is misconfigured: ${e.message} Nothing was changed.`);
  }
  if (e instanceof DependencyUnavailable || isStorageFailure(e)) {
    log(503, e);
    return toServiceError(unavailable(), log);
  }
  if (e instanceof BreachCheckUnavailable) {
    log(503, e);
    return toServiceError(breachCheckUnavailable(), log);
  }
  log(500, e);
  return new PasswordResetServiceError(500, "internal_error", "Internal error.");
}
