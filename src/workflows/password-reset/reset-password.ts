// The Reset Password API. The code is judged in D1; the password change, the revocation of every
// session and refresh token, and the Password Updated email then commit together in the user's
// Durable Object, and only if the credential version the code was issued at still holds. That
// check is the single-use guarantee: N concurrent requests see exactly one version match, a
// failure before the commit burns nothing, and every older code dies with the change.
import { callAddressObject } from "../../address-object/stub";
import { recordAuditEventAfter } from "../../audit/record";
import { type ResetAttempt, resetPasswordEvents } from "../../audit/reset-password-events";
import { otpWrongGuessesPerDay } from "../../policy/otp-guessing";
import type { PasswordViolation } from "../../policy/password-rules";
import { measured } from "../../metrics/measure";
import { type WorkflowDeps, workflowMetrics } from "../deps";
import { commitPasswordChange, passwordUpdated } from "../password-change";
import { type FoundCode, type ResetCodeRow, verificationCodeMatches } from "./code-store";
import { addressOfCode } from "./code-address";
import { findCodeOnItsShard } from "./code-shards";
import { type ResetMode, judgeCode, otpAttemptBudget } from "./decide";

export type ResetPasswordAnswer =
  | { result: "PASSWORD_UPDATED"; userId: string; tenantId: string; loginUrl?: string }
  | { result: "INVALID_CODE" | "EXPIRED_CODE" | "TOO_MANY_ATTEMPTS" }
  | { result: "PASSWORD_POLICY_VIOLATION"; violations: PasswordViolation[] };

export interface ResetPasswordInput {
  mode: ResetMode;
  newPassword: string;
  suppressPasswordUpdatedEmail: boolean;
  /**
   * The code named by `mode` and its user, as inspectCode read them earlier in the same request (the
   * hosted page): judged again here, not read again. The user's object still checks the credential
   * version at the commit, so a row a moment old cannot spend a code that has since died.
   */
  found?: FoundCode;
}

/**
 * Checks an OTP's verificationCode with both budgets reserved first: the request's own attempt and
 * the day's allowance, in one call to the address's object (named by the subject the code was
 * issued under, decoys too), so parallel guesses cannot exceed either and D1 is not written.
 */
async function verifyOtp(deps: WorkflowDeps, row: ResetCodeRow, verificationCode: string, attempt: ResetAttempt) {
  const { policy, address } = await addressOfCode(deps, row);
  const maxAttempts = otpAttemptBudget(row);
  const budget = { codeId: row.id, maxAttempts, expiresAt: row.expiresAt, allowance: otpWrongGuessesPerDay(policy.otpLength) };
  const guess = await callAddressObject(deps.env, address, "reserveOtpGuess", budget);
  if (guess === null) return "TOO_MANY_ATTEMPTS" as const;
  if (!(await verificationCodeMatches(deps.config.secretHashKeys, row, verificationCode))) {
    attempt.locked = guess.attempts >= maxAttempts;
    return "INVALID_CODE" as const;
  }
  await callAddressObject(deps.env, address, "refundOtpGuess", row.id, guess.guessId);
  return "OK" as const;
}

/** `applicationId`: the calling application's; null for the hosted pages, which serve every application's codes. */
export async function resetPassword(deps: WorkflowDeps, applicationId: string | null, input: ResetPasswordInput): Promise<ResetPasswordAnswer> {
  const attempt: ResetAttempt = { method: input.mode.kind, callerApplicationId: applicationId, code: null, locked: false };
  const answer = await measured(
    workflowMetrics(deps),
    () => ({ operation: "reset_password", applicationId: applicationId ?? attempt.code?.applicationId ?? null, tenantId: attempt.code?.tenantId ?? null }),
    () => attemptReset(deps, applicationId, input, attempt),
    (a) => ({ succeeded: a.result === "PASSWORD_UPDATED", reason: a.result }),
  );
  for (const event of resetPasswordEvents(attempt, answer)) recordAuditEventAfter(deps, event);
  return answer;
}

/**
 * The code and its user, in one read of the code's shard, unless the hosted page read them earlier in the request. The
 * code is read from the replica, and once from the primary when the replica has not seen it yet; the
 * user's object refuses it at the commit if the replica missed its retirement, and an OTP's attempts
 * are counted in the address's object, so a stale row can never add guesses.
 */
async function readCode(deps: WorkflowDeps, input: ResetPasswordInput): Promise<FoundCode | null> {
  if (input.found) return input.found;
  return findCodeOnItsShard(deps, input.mode.code);
}

async function attemptReset(deps: WorkflowDeps, applicationId: string | null, input: ResetPasswordInput, attempt: ResetAttempt): Promise<ResetPasswordAnswer> {
  const now = Date.now();
  const found = await readCode(deps, input);
  const row = found?.code ?? null;
  attempt.code = row;
  const verdict = judgeCode(row, input.mode, applicationId ?? row?.applicationId ?? "", now);
  if (verdict !== "VERIFY" && verdict !== "SPEND") return { result: verdict };
  const code = row!; // judgeCode reads a missing row as INVALID_CODE
  if (input.mode.kind === "EMAIL_OTP") {
    const otp = await verifyOtp(deps, code, input.mode.verificationCode, attempt);
    if (otp !== "OK") return { result: otp };
  }
  const user = code.userId ? found!.user : null;
  if (!user || code.credentialVersion === null) return { result: "INVALID_CODE" };

  const { outcome, policy } = await commitPasswordChange(deps, user, {
    newPassword: input.newPassword,
    suppressPasswordUpdatedEmail: input.suppressPasswordUpdatedEmail,
    expectedCredentialVersion: code.credentialVersion,
    codeId: code.id,
    code: input.mode.code,
    // A replica may not have seen this code superseded; the object knows the newest of its family.
    codeIssue: { family: code.kind === "ADMIN_LINK" ? "ADMIN_LINK" : "EMAIL", at: code.createdAt },
  });
  if (outcome.outcome === "POLICY_VIOLATION") return { result: "PASSWORD_POLICY_VIOLATION", violations: outcome.violations };
  if (outcome.outcome !== "UPDATED") return { result: "INVALID_CODE" };
  return passwordUpdated(user, policy);
}
