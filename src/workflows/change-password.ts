// Change Password: the signed-in user proves the current password; the same policy, revocation
// and Password Updated email as a reset apply, in the same Durable Object transaction.
import { recordPasswordFailuresExceeded } from "../audit/password-failures";
import { recordAuditEventAfter } from "../audit/record";
import type { User } from "../directory/users";
import { TooManyPasswordAttempts } from "./too-many-password-attempts";
import type { PasswordViolation } from "../policy/password-rules";
import type { WorkflowDeps } from "./deps";
import { commitPasswordChange, passwordUpdated } from "./password-change";

export type ChangePasswordAnswer =
  | { result: "PASSWORD_UPDATED"; userId: string; tenantId: string; loginUrl?: string }
  | { result: "INVALID_CURRENT_PASSWORD" }
  | { result: "PASSWORD_POLICY_VIOLATION"; violations: PasswordViolation[] };

export async function changePassword(
  deps: WorkflowDeps,
  user: User,
  input: { currentPassword: string; newPassword: string; suppressPasswordUpdatedEmail?: boolean },
): Promise<ChangePasswordAnswer> {
  const { outcome, policy } = await commitPasswordChange(deps, user, {
    newPassword: input.newPassword,
    suppressPasswordUpdatedEmail: input.suppressPasswordUpdatedEmail ?? false,
    currentPassword: input.currentPassword,
  });
  if (outcome.outcome === "TOO_MANY_ATTEMPTS") {
    recordPasswordFailuresExceeded(deps, { id: user.tenantId, applicationId: user.applicationId }, user, "change_password", outcome.retryAfterSeconds);
    throw new TooManyPasswordAttempts(outcome.retryAfterSeconds);
  }
  if (outcome.outcome === "POLICY_VIOLATION") return { result: "PASSWORD_POLICY_VIOLATION", violations: outcome.violations };
  if (outcome.outcome !== "UPDATED") return { result: "INVALID_CURRENT_PASSWORD" };
  recordAuditEventAfter(deps, { type: "password.changed", applicationId: user.applicationId, tenantId: user.tenantId, userId: user.id, detail: {} });
  return passwordUpdated(user, policy);
}
