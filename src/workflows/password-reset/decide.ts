// Pure decisions of the Reset Password API, kept apart from their storage steps.

export type CodeKind = "EMAIL_LINK" | "EMAIL_OTP" | "ADMIN_LINK";

/** The one way the request names its code. */
export type ResetMode =
  | { kind: "EMAIL_LINK"; code: string }
  | { kind: "ADMIN_LINK"; code: string }
  | { kind: "EMAIL_OTP"; code: string; verificationCode: string };

export interface CodeRow {
  kind: CodeKind;
  applicationId: string;
  userId: string | null;
  attempts: number;
  maxAttempts: number;
  expiresAt: number;
  consumedAt: number | null;
  supersededAt: number | null;
}

/**
 * What the stored row alone says about a presented code. Unknown, consumed, superseded, of
 * another kind or of another application all read as INVALID_CODE, indistinguishably.
 * "VERIFY" means the OTP's verificationCode must still be checked; "SPEND" that the code is good.
 */
export function judgeCode(row: CodeRow | null, mode: Pick<ResetMode, "kind">, applicationId: string, now: number) {
  if (!row || row.kind !== mode.kind || row.applicationId !== applicationId) return "INVALID_CODE" as const;
  if (row.consumedAt !== null || row.supersededAt !== null) return "INVALID_CODE" as const;
  if (now >= row.expiresAt) return "EXPIRED_CODE" as const;
  if (row.kind === "EMAIL_OTP") return row.attempts >= row.maxAttempts ? ("TOO_MANY_ATTEMPTS" as const) : ("VERIFY" as const);
  return "SPEND" as const;
}

/**
 * The attempts an OTP request may take in its address's object (src/address-object/otp-guesses.ts).
 * D1's `attempts` counted them before the count moved there: a request issued before the move
 * keeps what it had spent; for every later one the column stays 0.
 */
export function otpAttemptBudget(row: Pick<CodeRow, "attempts" | "maxAttempts">): number {
  return row.maxAttempts - row.attempts;
}

/** Which mode the validated body names; the schema has already made the modes exclusive. */
export function resetModeOf(body: {
  emailAuthCode?: string | null;
  passwordResetCode?: string | null;
  requestCode?: string | null;
  verificationCode?: string | null;
}): ResetMode {
  if (body.emailAuthCode) return { kind: "EMAIL_LINK", code: body.emailAuthCode };
  if (body.passwordResetCode) return { kind: "ADMIN_LINK", code: body.passwordResetCode };
  return { kind: "EMAIL_OTP", code: body.requestCode!, verificationCode: body.verificationCode! };
}
