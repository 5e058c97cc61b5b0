// Change Password: the signed-in user proves the current password; the same policy, revocation
// and Password Updated email as a reset apply, in the same Durable Object transaction.
import { policyForTenant } from "../directory/policies";
import type { User } from "../directory/users";
import type { PasswordViolation } from "../policy/password-rules";
import { callUserObject } from "../user-object/stub";
import { type WorkflowDeps, logBackgroundFailure } from "./deps";
import { retireOpenCodes } from "./password-reset/code-store";
import { passwordUpdatedNotice } from "./password-updated-notice";

export type ChangePasswordAnswer =
  | { result: "PASSWORD_UPDATED"; userId: string; tenantId: string; loginUrl?: string }
  | { result: "INVALID_CURRENT_PASSWORD" }
  | { result: "PASSWORD_POLICY_VIOLATION"; violations: PasswordViolation[] };

export async function changePassword(
  deps: WorkflowDeps,
  user: User,
  input: { currentPassword: string; newPassword: string; suppressPasswordUpdatedEmail?: boolean },
): Promise<ChangePasswordAnswer> {
  const { db, env } = deps;
  const policy = await policyForTenant(db, { id: user.tenantId, applicationId: user.applicationId });
  const notification = await passwordUpdatedNotice(db, user, policy, input.suppressPasswordUpdatedEmail ?? false);
  const change = await callUserObject(env, user.id, "changePassword", {
    newPassword: input.newPassword,
    policy,
    currentPassword: input.currentPassword,
    ...(notification ? { notification } : {}),
  });
  if (change.outcome === "POLICY_VIOLATION") return { result: "PASSWORD_POLICY_VIOLATION", violations: change.violations };
  if (change.outcome !== "UPDATED") return { result: "INVALID_CURRENT_PASSWORD" };
  deps.waitUntil(retireOpenCodes(db, user.id).catch((e) => logBackgroundFailure("change_password.retire_failed", e)));
  return { result: "PASSWORD_UPDATED", userId: user.id, tenantId: user.tenantId, ...(policy.loginUrl ? { loginUrl: policy.loginUrl } : {}) };
}
