// Every failure of an RPC method as one error class, the HTTP-equivalent status, the error code,
// and whether and when to retry; answered to the caller as a result (`failureResult`).
import { Misconfigured, reportMisconfigured } from "../config/misconfigured";
import { classifyError } from "../operations/classify-error";
import type { Violation } from "../policy/violations";
import { type RpcFailure, thrownFailureMessage } from "./contract";

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

/**
 * A method's failure as the caller receives it. An Error's own properties do not cross a service
 * binding between two Workers (only its message does), so every failure the service can name is a
 * result; one it cannot (a bug, 500) is thrown, the failure written into the message.
 */
export function failureResult(e: unknown, log: (status: number, e: unknown) => void): { ok: false; error: RpcFailure } {
  const { status, code, message, retryable, retryAfter, violations } = toServiceError(e, log);
  // Violations are keyed by input field names, in a null-prototype record that structured clone
  // refuses; fromEntries defines own properties, so even a field named "__proto__" stays data.
  const error: RpcFailure = { status, code, message, retryable, retryAfter, ...(violations ? { violations: Object.fromEntries(Object.entries(violations)) } : {}) };
  if (status === 500) throw new Error(thrownFailureMessage(error));
  return { ok: false, error };
}
