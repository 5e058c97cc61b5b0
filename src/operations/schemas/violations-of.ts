// What a request breaks of its schema, in the API's words, on either edge.
import type { ZodError } from "zod";
import type { Violation } from "../../policy/violations";

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
