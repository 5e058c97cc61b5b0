// Login: verify the password in the user's object and open a session there. An unknown or
// inactive email spends one PBKDF2 on a decoy hash, so both failures take similar time.
import { USER_TOKEN_TTL_SECONDS, issueAccessToken } from "../../auth/access-token";
import { END_USER_PERMISSIONS } from "../../auth/permissions";
import { DECOY_PASSWORD_HASH, verifyPassword } from "../../crypto/password-hash";
import { policyForTenant } from "../../directory/policies";
import type { Tenant } from "../../directory/tenants";
import { findUserByEmail } from "../../directory/users";
import { callUserObject } from "../../user-object/stub";
import type { WorkflowDeps } from "../deps";
import { formatRefreshToken } from "./refresh-token";

export type LoginAnswer =
  | { result: "SUCCESS"; userId: string; sessionId: string; accessToken: string; refreshToken: string; expiresIn: number }
  | { result: "INVALID_CREDENTIALS" };

export async function login({ env, db }: WorkflowDeps, tenant: Tenant, email: string, password: string): Promise<LoginAnswer> {
  const [user, policy] = await Promise.all([findUserByEmail(db, tenant.id, email), policyForTenant(db, tenant)]);
  if (!user || user.status !== "ACTIVE") {
    await verifyPassword(password, DECOY_PASSWORD_HASH, env.PASSWORD_PEPPER);
    return { result: "INVALID_CREDENTIALS" };
  }
  const outcome = await callUserObject(env, user.id, "login", password, {
    applicationId: user.applicationId,
    tenantId: user.tenantId,
    idleTtlSeconds: policy.sessionIdleTtlSeconds,
    absoluteTtlSeconds: policy.sessionAbsoluteTtlSeconds,
  });
  if (outcome.outcome !== "SUCCESS") return { result: "INVALID_CREDENTIALS" };
  const accessToken = await userAccessToken(env, user.id, outcome.sessionId, user.applicationId, user.tenantId);
  return {
    result: "SUCCESS",
    userId: user.id,
    sessionId: outcome.sessionId,
    accessToken,
    refreshToken: formatRefreshToken(user.id, outcome.refreshToken),
    expiresIn: USER_TOKEN_TTL_SECONDS,
  };
}

export function userAccessToken(env: Env, userId: string, sessionId: string, applicationId: string, tenantId: string): Promise<string> {
  return issueAccessToken(
    env,
    { sub: userId, sid: sessionId, app_id: applicationId, tnt_id: tenantId, permissions: END_USER_PERMISSIONS },
    USER_TOKEN_TTL_SECONDS,
  );
}
