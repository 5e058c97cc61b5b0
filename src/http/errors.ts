// Errors only the HTTP edge raises (the request itself, not an operation, is wrong), and the
// bodies of error answers. Domain errors are answered by src/http/error-handler.ts.
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { Violation } from "../policy/violations";

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

/** RFC 6750 §3.1: no credentials, so no error code in the challenge. */
export const missingToken = () =>
  new ApiError(401, "unauthorized", "A bearer token is required.", { "WWW-Authenticate": "Bearer" });

export function errorBody(code: string, message: string) {
  return { type: "base_error" as const, code, message };
}

export function constraintViolationsBody(code: string, message: string, violations: Record<string, Violation[]>) {
  return { type: "constraint_violations_error" as const, code, message, violations };
}
