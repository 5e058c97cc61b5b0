import type { Context } from "hono";
import type { ZodError } from "zod";
import { type Violation, constraintViolationsBody } from "./errors";


type Issue = ZodError["issues"][number];

/** Our documented violation codes; the raw zod error never reaches a caller. */
function violationOf(issue: Issue): Violation {
  switch (issue.code) {
    case "invalid_type":
      return /received undefined/.test(issue.message)
        ? { code: "required", constraintAttributes: {} }
        : { code: "invalid_type", constraintAttributes: { expected: issue.expected } };
    case "too_small":
      return issue.origin === "string"
        ? { code: "min_length", constraintAttributes: { min: Number(issue.minimum) } }
        : { code: "min", constraintAttributes: { min: Number(issue.minimum) } };
    case "too_big":
      return issue.origin === "string"
        ? { code: "max_length", constraintAttributes: { max: Number(issue.maximum) } }
        : { code: "max", constraintAttributes: { max: Number(issue.maximum) } };
    case "invalid_format":
      return { code: "invalid_format", constraintAttributes: { format: issue.format } };
    case "invalid_value":
      return { code: "invalid_value", constraintAttributes: { allowed: issue.values } };
    case "custom":
      return { code: String(issue.params?.code ?? "invalid"), constraintAttributes: {} };
    default:
      return { code: "invalid", constraintAttributes: {} };
  }
}

export function violationsOf(error: ZodError): Record<string, Violation[]> {
  // Field names come from the request ("constructor", "__proto__"): no inherited keys to collide with.
  const out: Record<string, Violation[]> = Object.create(null);
  for (const issue of error.issues) {
    const fields = issue.code === "unrecognized_keys" ? issue.keys.map((k) => [...issue.path, k]) : [issue.path];
    for (const path of fields) {
      const field = path.length ? path.join(".") : "(body)";
      const v = issue.code === "unrecognized_keys" ? { code: "unknown_field", constraintAttributes: {} } : violationOf(issue);
      (out[field] ??= []).push(v);
    }
  }
  return out;
}

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
  const target = result.target ?? "json";
  return c.json(
    constraintViolationsBody(
      CODES[target] ?? "message_body_constraint_violations",
      "The request does not satisfy the API's constraints.",
      violationsOf(result.error),
    ),
    400,
  );
}
