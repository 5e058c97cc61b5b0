import type { PasswordResetPolicy } from "./password-reset-policy";

export interface PasswordViolation {
  code: "too_short" | "too_long" | "same_as_current";
  constraintAttributes: Record<string, number>;
}

/** Length rules, counted in Unicode code points. `same_as_current` needs the stored hash: the user's object checks it. */
export function passwordViolations(
  password: string,
  policy: Pick<PasswordResetPolicy, "passwordMinLength" | "passwordMaxLength">,
): PasswordViolation[] {
  const length = [...password].length;
  if (length < policy.passwordMinLength) return [{ code: "too_short", constraintAttributes: { min: policy.passwordMinLength } }];
  if (length > policy.passwordMaxLength) return [{ code: "too_long", constraintAttributes: { max: policy.passwordMaxLength } }];
  return [];
}

export const SAME_AS_CURRENT: PasswordViolation = { code: "same_as_current", constraintAttributes: {} };
