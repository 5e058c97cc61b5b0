import { z } from "@hono/zod-openapi";
import { ID_LENGTH } from "../../crypto/random";

export const Id = z.string().regex(new RegExp(`^[a-z0-9]{${ID_LENGTH}}$`)).openapi({ example: "f1kq8zv0m3c7yq2x9rbn4t6wsa" });

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

const DESCRIPTIONS: Record<number, string> = {
  400: "The request violates the API's constraints, or its body is not valid JSON.",
  401: "No valid bearer token.",
  403: "The token lacks the permission, or the resource is outside its boundary.",
  404: "Unknown id, or outside the caller's boundary.",
  409: "A duplicate.",
  413: "The body is over 16 KiB.",
  415: "The body is not application/json.",
  503: "A storage dependency is unavailable; nothing was changed. Retry.",
};

/** The error responses of a route, for the OpenAPI document. */
export function errorResponses(...statuses: number[]) {
  const out: Record<number, { description: string; content: { "application/json": { schema: z.ZodType } } }> = {};
  for (const s of [400, ...statuses]) {
    out[s] = { description: DESCRIPTIONS[s]!, content: { "application/json": { schema: s === 400 ? ConstraintViolations : ErrorBody } } };
  }
  return out;
}

export function jsonBody<T extends z.ZodType>(schema: T) {
  return { body: { content: { "application/json": { schema } }, required: true } };
}

export function jsonResponse<T extends z.ZodType>(schema: T, description: string) {
  return { content: { "application/json": { schema } }, description };
}

export const iso = (ms: number) => new Date(ms).toISOString();

export const bearerSecurity = [{ bearerAuth: [] }];
