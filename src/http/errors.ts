import type { ContentfulStatusCode } from "hono/utils/http-status";

/** An error the API answers with `{"type":"base_error","code","message"}`. */
export class ApiError extends Error {
  constructor(
    readonly status: ContentfulStatusCode,
    readonly code: string,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

export const unauthorized = (message = "A valid bearer token is required.") =>
  new ApiError(401, "unauthorized", message, { "WWW-Authenticate": 'Bearer error="invalid_token"' });
/** RFC 6750 §3.1: no credentials, so no error code in the challenge. */
export const missingToken = () =>
  new ApiError(401, "unauthorized", "A bearer token is required.", { "WWW-Authenticate": "Bearer" });
export const forbidden = (message = "The token lacks the permission or boundary this operation needs.") =>
  new ApiError(403, "forbidden", message);
export const notFound = (what: string) => new ApiError(404, "not_found", `${what} not found.`);
export const conflict = (message: string) => new ApiError(409, "conflict", message);
/** A dependency (D1, a Durable Object) failed; nothing was applied and the request may be retried. */
export const unavailable = () =>
  new ApiError(503, "service_unavailable", "A storage dependency is unavailable. Nothing was changed; retry shortly.", {
    "Retry-After": "1",
  });

/** The breached-password check could not answer and the tenant's policy fails closed; nothing was changed. */
export const breachCheckUnavailable = () =>
  new ApiError(
    503,
    "breached_check_unavailable",
    "The breached-password check is unavailable and the password policy fails closed. Nothing was changed; retry shortly.",
    { "Retry-After": "5" },
  );
/**
 * Too many wrong passwords in a row for one user (src/user-object/password-attempts.ts): wait
 * `retryAfterSeconds`, or, at the hard stop (null), reset the password; no wait helps then.
 */
export const tooManyAttempts = (retryAfterSeconds: number | null) =>
  retryAfterSeconds === null
    ? new ApiError(429, "password_reset_required", "Too many wrong passwords in a row: reset the password to sign in again.")
    : new ApiError(429, "too_many_attempts", "Too many wrong passwords in a row: retry after Retry-After seconds.", {
        "Retry-After": String(retryAfterSeconds),
      });

export function errorBody(code: string, message: string) {
  return { type: "base_error" as const, code, message };
}

export interface Violation {
  code: string;
  constraintAttributes: Record<string, unknown>;
}

/** 400 `constraint_violations_error` for rules beyond the schema (password policy, cross-field checks). */
export class ConstraintViolationsError extends Error {
  constructor(
    readonly violations: Record<string, Violation[]>,
    message = "The request does not satisfy the API's constraints.",
    readonly code = "message_body_constraint_violations",
  ) {
    super(message);
  }
}

export function constraintViolationsBody(code: string, message: string, violations: Record<string, Violation[]>) {
  return { type: "constraint_violations_error" as const, code, message, violations };
}
