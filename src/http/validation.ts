import type { Context } from "hono";
import type { ZodError } from "zod";
import { violationsOf } from "../operations/schemas/violations-of";
import { constraintViolationsBody } from "./errors";

const CODES: Record<string, string> = {
  json: "message_body_constraint_violations",
  form: "message_body_constraint_violations",
  query: "query_parameter_constraint_violations",
  param: "path_parameter_constraint_violations",
};

/** The zod-openapi hook: every failed validation answers 400 in the documented shape. */
export function validationHook(
  result: { success: true } | { success: false; error: ZodError; target?: string },
  c: Context,
) {
  if (result.success) return;
  const code = CODES[result.target ?? "json"] ?? "message_body_constraint_violations";
  c.set("errorCode", code); // for the access log
  return c.json(
    constraintViolationsBody(
      code,
      "The request does not satisfy the API's constraints.",
      violationsOf(result.error),
    ),
    400,
  );
}
