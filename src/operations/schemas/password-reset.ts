import { z } from "@hono/zod-openapi";
import { EMAIL_LOCAL_PART_MIN_LENGTH, PASSWORD_MAX_BYTES } from "../../policy/password-rules";
import { Id } from "./id";

const Code = (description: string) => z.string().min(1).max(512).nullish().openapi({ description });

/** The rules of src/policy/password-rules.ts, in the order they are checked. */
const PASSWORD_RULES = [
  "Every rule measures the password's Unicode NFKC form, which is what is hashed: a ligature or full-width letter counts as the letters it stands for, and the same password typed either way signs in.",
  "`too_short`: fewer code points than the policy's passwordMinLength (constraintAttributes `min`).",
  `\`too_long\`: more code points than the policy's passwordMaxLength (constraintAttributes \`max\`), or more than ${PASSWORD_MAX_BYTES} bytes of UTF-8 whatever the policy (constraintAttributes \`maxBytes\`).`,
  `\`contains_email\`: contains the local part of the user's email (or that part without a +tag), compared case-insensitively; local parts shorter than ${EMAIL_LOCAL_PART_MIN_LENGTH} characters are not checked.`,
  "`breached`: found in Have I Been Pwned's corpus of breached passwords, where the policy's checkBreachedPasswords is on (the default). Only the first 5 hex digits of the SHA-1 of the NFKC form leave the service (k-anonymity, with padding). If the check cannot answer, breachedCheckFailure decides: open (default) judges on the other rules, closed answers 503 `breached_check_unavailable`.",
  "`same_as_current`: the user's present password.",
].join("\n\n");

const PolicyViolation = z
  .object({
    code: z.enum(["too_short", "too_long", "contains_email", "breached", "same_as_current"]),
    constraintAttributes: z.record(z.string(), z.number()).openapi({ description: "`min`, `max` or `maxBytes`, by code; empty for the others." }),
  })
  .openapi("PasswordPolicyViolation", { description: PASSWORD_RULES });

const NewPassword = z.string().min(1).max(4096).openapi({ description: `Checked against the password rules:\n\n${PASSWORD_RULES}` });

const MODES = {
  emailAuthCode: ["emailAuthCode"],
  passwordResetCode: ["passwordResetCode"],
  otp: ["requestCode", "verificationCode"],
} as const;
type CodeField = "emailAuthCode" | "passwordResetCode" | "requestCode" | "verificationCode";

/**
 * Exactly one mode. Null and absent are the same. When fields of more than one mode are given,
 * each of them violates the seed's rule ("if provided then the other fields must be null").
 */
function exactlyOneMode(body: Partial<Record<CodeField, string | null | undefined>>, ctx: z.RefinementCtx) {
  const given = (f: CodeField) => body[f] !== undefined && body[f] !== null;
  const modes = Object.entries(MODES).filter(([, fields]) => fields.some(given));
  if (modes.length === 0) {
    ctx.addIssue({
      code: "custom",
      path: [],
      params: { code: "one_mode_required" },
      message: "Give emailAuthCode, or passwordResetCode, or requestCode with verificationCode.",
    });
    return;
  }
  if (modes.length > 1) {
    for (const [, fields] of modes) {
      for (const f of fields.filter(given)) {
        ctx.addIssue({ code: "custom", path: [f], params: { code: "must_be_null" }, message: `${f} must be null in this mode.` });
      }
    }
    return;
  }
  if (modes[0]![0] === "otp") {
    for (const f of MODES.otp.filter((f) => !given(f))) {
      ctx.addIssue({ code: "custom", path: [f], params: { code: "required" }, message: `${f} is required with an OTP.` });
    }
  }
}

export const ResetPasswordBody = z
  .object({
    emailAuthCode: Code("From a password reset email's verification link. If given, the other code fields must be null."),
    passwordResetCode: Code("From an admin password reset link. If given, the other code fields must be null."),
    requestCode: Code("Identifies an OTP reset request (returned by request-password-reset). Needs verificationCode."),
    verificationCode: z.string().min(1).max(64).nullish().openapi({ description: "The digits from the OTP email. Needs requestCode." }),
    newPassword: NewPassword,
    suppressPasswordUpdatedEmail: z.boolean().default(false).openapi({ description: "If true, no Password Updated email is sent." }),
  })
  .strict()
  .superRefine(exactlyOneMode)
  .openapi("ResetPasswordRequest");


export const ResetPasswordResponse = z
  .discriminatedUnion("result", [
    z
      .object({ result: z.literal("PASSWORD_UPDATED"), userId: Id, tenantId: Id, loginUrl: z.string().optional() })
      .openapi({ description: "The new password is in force; every session and refresh token of the user is revoked." }),
    z.object({ result: z.literal("INVALID_CODE") }).openapi({
      description: "Unknown, wrong, consumed, superseded, or of another application: indistinguishable.",
    }),
    z.object({ result: z.literal("EXPIRED_CODE") }).openapi({ description: "The code's lifetime has passed." }),
    z.object({ result: z.literal("TOO_MANY_ATTEMPTS") }).openapi({
      description: "The OTP request is locked after otpMaxAttempts wrong codes, or the user reached the day's wrong codes: 10^(otpLength - 5), so 10 at 6 digits, in 24 hours. The link in the same OTP email still works once.",
    }),
    z.object({ result: z.literal("PASSWORD_POLICY_VIOLATION"), violations: z.array(PolicyViolation) }).openapi({
      description: "The new password breaks the policy. The code stays usable.",
    }),
  ])
  .openapi("ResetPasswordResponse");

export const RequestPasswordResetBody = z
  .object({
    tenantId: Id.openapi({ description: "The tenant whose user asks; its policy picks LINK or OTP." }),
    email: z.email().max(320).openapi({ description: "Matched case-insensitively. An unknown email gets the same answer." }),
    clientId: Id.optional().openapi({ description: "An M2M client of the caller's application, on whose behalf the reset is requested." }),
  })
  .strict()
  .openapi("RequestPasswordResetRequest");

export const RequestPasswordResetResponse = z
  .discriminatedUnion("emailVerificationStrategy", [
    z.object({ emailVerificationStrategy: z.literal("LINK") }),
    z.object({
      emailVerificationStrategy: z.literal("OTP"),
      requestCode: z.string().openapi({ description: "Send it back with the emailed verificationCode. Unknown emails get a decoy that can never succeed." }),
    }),
  ])
  .openapi("RequestPasswordResetResponse");

export const CreatePasswordResetLinkBody = z
  .object({ userId: Id.openapi({ description: "The user the link resets. Earlier admin links of the user stop working." }) })
  .strict().openapi("CreatePasswordResetLinkRequest");

export const CreatePasswordResetLinkResponse = z
  .object({
    passwordResetLink: z.string().openapi({ description: "The reset page URL with ?passwordResetCode=…" }),
    expiresAt: z.string(),
  })
  .openapi("CreatePasswordResetLinkResponse");

export const ChangePasswordBody = z
  .object({
    userId: Id.openapi({ description: "Must be the subject of the access token (Self boundary)." }),
    currentPassword: z.string().min(1).max(4096).openapi({ description: "The password in force now." }),
    newPassword: NewPassword,
    suppressPasswordUpdatedEmail: z.boolean().default(false).openapi({ description: "If true, no Password Updated email is sent." }),
  })
  .strict()
  .openapi("ChangePasswordRequest");

export const ChangePasswordResponse = z
  .discriminatedUnion("result", [
    z.object({ result: z.literal("PASSWORD_UPDATED"), userId: Id, tenantId: Id, loginUrl: z.string().optional() }),
    z.object({ result: z.literal("INVALID_CURRENT_PASSWORD") }),
    z.object({ result: z.literal("PASSWORD_POLICY_VIOLATION"), violations: z.array(PolicyViolation) }),
  ])
  .openapi("ChangePasswordResponse");
