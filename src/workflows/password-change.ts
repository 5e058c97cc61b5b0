// What Reset Password and Change Password share: the tenant's policy, the breached-password
// check, the Password Updated notice, and the one Durable Object transaction that changes the
// password and revokes everything. The check runs before the object call, outside its
// transaction; its answer is one more fact for the object's rules.
import type { Database } from "../db/client";
import { userKeyIdsStatement } from "../directory/key-usage";
import { policyForTenant } from "../directory/policies";
import { logBackgroundFailure } from "../audit/background-failure";
import type { User } from "../directory/users";
import type { PasswordResetPolicy } from "../policy/password-reset-policy";
import { newIdForEmail } from "../shards/routing";
import { callUserObject } from "../user-object/stub";
import { breachedUnderPolicy } from "./breached-password";
import type { ChangePasswordOutcome, CodeIssue } from "../user-object/user-durable-object";
import type { WorkflowDeps } from "./deps";
import { retireUserCodes } from "./password-reset/code-shards";
import { passwordUpdatedNotice } from "./password-updated-notice";

export interface PasswordChange {
  newPassword: string;
  suppressPasswordUpdatedEmail: boolean;
  /** Reset: the credential version the code was issued at, and the code's id. */
  expectedCredentialVersion?: number;
  codeId?: string;
  /** Reset: the code spent, consumed after the commit (its string names its shard). */
  code?: string;
  /** Reset: the code's family and generation, which the object refuses once a newer one was issued. */
  codeIssue?: CodeIssue;
  /** Change Password: what the user says is current. */
  currentPassword?: string;
}

export async function commitPasswordChange(
  deps: Pick<WorkflowDeps, "env" | "db" | "replica" | "userObjectTime" | "waitUntil">,
  user: User,
  change: PasswordChange,
): Promise<{ outcome: ChangePasswordOutcome; policy: PasswordResetPolicy }> {
  const { env } = deps;
  const policy = await policyForTenant(deps.replica, { id: user.tenantId, applicationId: user.applicationId });
  const breached = await breachedUnderPolicy(env, policy, change.newPassword);
  const notification = passwordUpdatedNotice(user, policy, change.suppressPasswordUpdatedEmail, newIdForEmail(env, user.tenantId, user.emailKey));
  const outcome = await callUserObject(deps, user, "changePassword", {
    newPassword: change.newPassword,
    policy,
    email: user.email,
    breached,
    ...(change.expectedCredentialVersion !== undefined ? { expectedCredentialVersion: change.expectedCredentialVersion } : {}),
    ...(change.codeId !== undefined ? { codeId: change.codeId } : {}),
    ...(change.codeIssue !== undefined ? { codeIssue: change.codeIssue } : {}),
    ...(change.currentPassword !== undefined ? { currentPassword: change.currentPassword } : {}),
    ...(notification ? { notification } : {}),
  });
  // After the answer: the D1 primary may be far, and a failure here must not turn a committed change
  // into an error (the credential version already killed the codes; the next login or refresh
  // reports the key ids again). The user's codes and key ids in one batch on its shard.
  if (outcome.outcome === "UPDATED") {
    const spent = change.code !== undefined && change.codeId !== undefined ? { code: change.code, id: change.codeId } : undefined;
    const keyIds = (db: Database) => [userKeyIdsStatement(db, user, outcome.keyIds)].filter((s) => s !== null);
    deps.waitUntil(retireUserCodes(env, user, spent, keyIds).catch((e) => logBackgroundFailure("password_change.bookkeeping_failed", e)));
  }
  return { outcome, policy };
}

export function passwordUpdated(user: User, policy: PasswordResetPolicy) {
  return {
    result: "PASSWORD_UPDATED" as const,
    userId: user.id,
    tenantId: user.tenantId,
    ...(policy.loginUrl ? { loginUrl: policy.loginUrl } : {}),
  };
}
