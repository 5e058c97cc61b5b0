// The two new-password fields, and how the workflow's policy violations read next to them.
import type { PasswordViolation } from "../../policy/password-rules";
import type { Copy } from "../../copy/catalog";
import type { FieldErrors } from "./form-parts";

export interface NewPasswordInput {
  newPassword: string;
  confirmPassword: string;
}

export function newPasswordInput(body: Record<string, unknown>): NewPasswordInput {
  const text = (v: unknown) => (typeof v === "string" ? v : "");
  return { newPassword: text(body.newPassword), confirmPassword: text(body.confirmPassword) };
}

/** What the form itself can tell before the workflow runs: blanks and a mistyped repeat. */
export function formErrors(copy: Copy, input: NewPasswordInput, errors: FieldErrors = new Map()): FieldErrors {
  if (!input.newPassword) errors.set("newPassword", copy.page.errors.required);
  if (!input.confirmPassword) errors.set("confirmPassword", copy.page.errors.required);
  else if (input.newPassword && input.newPassword !== input.confirmPassword) errors.set("confirmPassword", copy.page.errors.mismatch);
  return errors;
}

/** Each rule the workflow found broken, stated next to the new password. */
export function violationErrors(copy: Copy, violations: PasswordViolation[]): FieldErrors {
  const e = copy.page.errors;
  const messages = violations.map((v) => {
    if (v.code === "too_short") return e.too_short(v.constraintAttributes.min ?? 0);
    if (v.code === "too_long") return v.constraintAttributes.max === undefined ? e.too_long_bytes : e.too_long(v.constraintAttributes.max);
    if (v.code === "contains_email") return e.contains_email;
    if (v.code === "breached") return e.breached;
    return e.same_as_current;
  });
  return new Map([["newPassword", messages.join(" ")]]);
}
