// The rules a new password must meet. Each measures the NFKC form, which is what is hashed
// (src/crypto/password-hash.ts), so a password typed with ligatures or full-width letters is
// judged as the letters it stands for.
import { normalizePassword } from "../crypto/password-hash";
import type { PasswordResetPolicy } from "./password-reset-policy";

export interface PasswordViolation {
  code: "too_short" | "too_long" | "contains_email" | "breached" | "same_as_current";
  constraintAttributes: Record<string, number>;
}

/**
 * UTF-8 bytes of the normalised password, whatever the policy allows in code points: the
 * default maximum of 256 code points fits at 4 bytes each, and NFKC, which can turn one code
 * point into 18, cannot grow what is hashed and stored past this.
 */
export const PASSWORD_MAX_BYTES = 1024;

/** A shorter local part ("jo@") would forbid too many passwords to be worth it. */
export const EMAIL_LOCAL_PART_MIN_LENGTH = 3;

const utf8 = new TextEncoder();

/**
 * Lengths (code points, then bytes), then `contains_email`, then `breached`, which is a fact the
 * caller found out beforehand (src/workflows/breached-password.ts). `same_as_current` needs the
 * stored hash: the user's object checks it.
 */
export function passwordViolations(
  password: string,
  policy: Pick<PasswordResetPolicy, "passwordMinLength" | "passwordMaxLength">,
  email: string | undefined,
  breached = false,
): PasswordViolation[] {
  const normalised = normalizePassword(password);
  const violations: PasswordViolation[] = [];
  const length = [...normalised].length;
  if (length < policy.passwordMinLength) violations.push({ code: "too_short", constraintAttributes: { min: policy.passwordMinLength } });
  else if (length > policy.passwordMaxLength) violations.push({ code: "too_long", constraintAttributes: { max: policy.passwordMaxLength } });
  else if (utf8.encode(normalised).byteLength > PASSWORD_MAX_BYTES) violations.push({ code: "too_long", constraintAttributes: { maxBytes: PASSWORD_MAX_BYTES } });
  if (email !== undefined && containsEmailLocalPart(normalised, email)) violations.push({ code: "contains_email", constraintAttributes: {} });
  if (breached) violations.push({ code: "breached", constraintAttributes: {} });
  return violations;
}

/** The local part, and the local part without a `+tag`, compared case-insensitively in NFKC. */
function containsEmailLocalPart(normalisedPassword: string, email: string): boolean {
  const at = email.lastIndexOf("@");
  const local = normalizePassword(at < 0 ? email : email.slice(0, at)).toLowerCase();
  const untagged = local.split("+")[0]!;
  const haystack = normalisedPassword.toLowerCase();
  return [local, untagged].some((part) => [...part].length >= EMAIL_LOCAL_PART_MIN_LENGTH && haystack.includes(part));
}

export const SAME_AS_CURRENT: PasswordViolation = { code: "same_as_current", constraintAttributes: {} };
