import { z } from "@hono/zod-openapi";

export { Id, iso } from "../../operations/schemas/id";

export const ErrorBody = z
  .object({ type: z.literal("base_error"), code: z.string(), message: z.string() })
  .openapi("Error");

const Violation = z.object({ code: z.string(), constraintAttributes: z.record(z.string(), z.unknown()) }).openapi("Violation");

export const ConstraintViolations = z
  .object({
    type: z.literal("constraint_violations_error"),
    code: z.string().openapi({ example: "message_body_constraint_violations" }),
    message: z.string(),
    violations: z.record(z.string(), z.array(Violation)),
  })
  .openapi("ConstraintViolations");

export const InternalErrorBody = z
  .object({ type: z.literal("base_error"), code: z.literal("internal_error"), message: z.string(), requestId: z.string() })
  .openapi("InternalError");

const DESCRIPTIONS = {
  404: "Unknown id, or outside the caller's boundary.",
  409: "A duplicate.",
  429: "`too_many_requests`: the caller is over a rate limit. `too_many_attempts`: too many wrong passwords in a row for this user (policy `passwordFailure…`). Both with Retry-After. At the hard stop, `password_reset_required` without Retry-After: only a password reset or change lets the password be tried again.",
  503: "A dependency is unavailable; nothing was changed. Retry after Retry-After seconds. `service_unavailable`: storage. `breached_check_unavailable`: the breached-password check could not answer and the tenant's policy sets breachedCheckFailure to closed.",
} as const;

/**
 * The statuses a route answers beyond the standard ones `apiRoute` adds for every route
 * (400, 401, 403, 405, 413, 415, 429, 500, 503, as they apply).
 */
export function errorResponses(...statuses: (keyof typeof DESCRIPTIONS)[]) {
  const out: Record<number, { description: string; content: { "application/json": { schema: z.ZodType } } }> = {};
  for (const s of statuses) out[s] = { description: DESCRIPTIONS[s], content: { "application/json": { schema: ErrorBody } } };
  return out;
}

export function jsonBody<T extends z.ZodType>(schema: T) {
  return { body: { content: { "application/json": { schema } }, required: true } };
}

export function jsonResponse<T extends z.ZodType>(schema: T, description: string) {
  return { content: { "application/json": { schema } }, description };
}

export const bearerSecurity = [{ bearerAuth: [] }];
export const basicSecurity = [{ basicAuth: [] }];
