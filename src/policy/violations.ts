// A request that breaks a rule beyond its schema's (the password policy, a cross-field check), one
// list of violations per field, as the API answers them.

export interface Violation {
  code: string;
  constraintAttributes: Record<string, unknown>;
}

/** 400 `constraint_violations_error` on either edge. */
export class ConstraintViolationsError extends Error {
  constructor(
    readonly violations: Record<string, Violation[]>,
    message = "The request does not satisfy the API's constraints.",
    readonly code = "message_body_constraint_violations",
  ) {
    super(message);
  }
}
