// The one error class RPC methods throw. Its own properties cross the service binding, so the
// caller sees the HTTP-equivalent status, the error code, and whether and when to retry.
import { Misconfigured, reportMisconfigured } from "../config/misconfigured";
import { classifyError } from "../operations/classify-error";
import type { Violation } from "../policy/violations";

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

/** A domain error as the one error class (src/operations/classify-error.ts); unknown errors become a bare 500. */
export function toServiceError(e: unknown, log: (status: number, e: unknown) => void): PasswordResetServiceError {
  if (e instanceof PasswordResetServiceError) return e;
  const classified = classifyError(e);
  if (!classified) {
    log(500, e);
    return new PasswordResetServiceError(500, "internal_error", "Internal error.");
  }
  if (e instanceof Misconfigured) reportMisconfigured(e);
  else if (classified.report) log(classified.status, e);
  const { status, code, message, retryAfter, violations } = classified;
  // Waiting helps exactly where the answer names a wait: a spent budget, storage, the breach check.
  return new PasswordResetServiceError(status, code, message, retryAfter !== null, retryAfter, violations);
}
