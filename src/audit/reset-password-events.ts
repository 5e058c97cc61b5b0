// What a Reset Password attempt adds to the trail: success, or failure with its reason, and the
// lockout when a wrong verificationCode spent the OTP request's last attempt.
import type { ResetPasswordAnswer } from "../workflows/password-reset/reset-password";
import type { CodeKind } from "../workflows/password-reset/decide";
import type { AuditEvent } from "./events";

export interface ResetAttempt {
  method: CodeKind;
  /** The calling application; null on the hosted pages, which serve every application's codes. */
  callerApplicationId: string | null;
  /** The stored code the request named, if any. */
  code: { applicationId: string; tenantId: string; userId: string | null; maxAttempts: number } | null;
  /** A wrong verificationCode just spent the request's last attempt. */
  locked: boolean;
}

export function resetPasswordEvents(attempt: ResetAttempt, answer: ResetPasswordAnswer): AuditEvent[] {
  const applicationId = attempt.callerApplicationId ?? attempt.code?.applicationId;
  // An unknown code on a hosted page names no application whose trail it could go to.
  if (!applicationId) return [];
  // Another application's code: the attempt is the caller's, and tells it nothing about that code.
  const code = attempt.code?.applicationId === applicationId ? attempt.code : null;
  const subject = { applicationId, tenantId: code?.tenantId ?? null, userId: code?.userId ?? null };
  if (answer.result === "PASSWORD_UPDATED") return [{ ...subject, type: "password_reset.succeeded", detail: { method: attempt.method } }];
  const failed: AuditEvent = { ...subject, type: "password_reset.failed", detail: { reason: answer.result, method: attempt.method } };
  return attempt.locked && code ? [failed, { ...subject, type: "otp.locked", detail: { maxAttempts: code.maxAttempts } }] : [failed];
}
