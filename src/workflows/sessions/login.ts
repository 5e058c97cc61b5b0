// Login: verify the password in the user's object and open a session there. An unknown or
// inactive email spends one PBKDF2 on a decoy hash, so both failures take similar time, and its
// attempts are counted and throttled like a user's (decoy-failures.ts), so a 429 tells nothing.
// Either way one D1 read finds the email, one Durable Object call counts the attempt, and the
// outcome (a failure, a refusal, a success) goes to the audit queue after the answer: the same
// calls in the same order (test/workflows/sessions/login-parity.test.ts).
import { USER_TOKEN_TTL_SECONDS, issueAccessToken } from "../../auth/access-token";
import { END_USER_PERMISSIONS } from "../../config/permissions";
import type { ServiceConfig } from "../../config/service-config";
import type { ObjectJurisdiction } from "../../policy/object-location";
import { TooManyPasswordAttempts } from "../too-many-password-attempts";
import { DECOY_PASSWORD_HASH, verifyPassword } from "../../crypto/password-hash";
import { policyForTenant } from "../../directory/policies";
import type { Tenant } from "../../directory/tenants";
import { emailKey } from "../../directory/users";
import { findUserByEmailRouted, userDatabase } from "../../directory/user-shards";
import { recordUserKeyIds } from "../../directory/key-usage";
import { logBackgroundFailure } from "../../audit/background-failure";
import { callUserObject } from "../../user-object/stub";
import { recordLoginFailed, recordLoginSucceeded } from "../../audit/logins";
import { recordPasswordFailuresExceeded } from "../../audit/password-failures";
import { measured } from "../../metrics/measure";
import { type WorkflowDeps, workflowMetrics } from "../deps";
import { subjectKeys } from "../password-reset/code-store";
import { countDecoyAttempt } from "./decoy-failures";
import { formatRefreshToken } from "./refresh-token";

export type LoginAnswer =
  | { result: "SUCCESS"; userId: string; sessionId: string; accessToken: string; refreshToken: string; expiresIn: number }
  | { result: "INVALID_CREDENTIALS" };

/** `clientId`: the M2M client logging the user in; the session's tokens are issued to it. */
export function login(deps: WorkflowDeps, clientId: string, tenant: Tenant, email: string, password: string): Promise<LoginAnswer> {
  const call = () => ({ operation: "login", applicationId: tenant.applicationId, tenantId: tenant.id }) as const;
  return measured(workflowMetrics(deps), call, () => passwordLogin(deps, clientId, tenant, email, password), (a) => ({ succeeded: a.result === "SUCCESS", reason: a.result }));
}

async function passwordLogin(deps: WorkflowDeps, clientId: string, tenant: Tenant, email: string, password: string): Promise<LoginAnswer> {
  const { env, config } = deps;
  const [user, policy] = await Promise.all([findUserByEmailRouted(env, tenant.id, email, "replica"), policyForTenant(deps.replica, tenant)]);
  if (!user || user.status !== "ACTIVE") {
    const [subject] = await subjectKeys(config.secretHashKeys, tenant.id, emailKey(email));
    const verdict = await countDecoyAttempt(env, subject!, policy);
    if (!verdict.allowed) {
      recordPasswordFailuresExceeded(deps, tenant, user, "login", verdict.retryAfterSeconds);
      throw new TooManyPasswordAttempts(verdict.retryAfterSeconds);
    }
    await verifyPassword(password, DECOY_PASSWORD_HASH, config.passwordPeppers);
    recordLoginFailed(deps, tenant, user);
    return { result: "INVALID_CREDENTIALS" };
  }
  const outcome = await callUserObject(deps, user, "login", password, {
    applicationId: user.applicationId,
    tenantId: user.tenantId,
    clientId,
    idleTtlSeconds: policy.sessionIdleTtlSeconds,
    absoluteTtlSeconds: policy.sessionAbsoluteTtlSeconds,
  }, policy);
  if (outcome.outcome === "TOO_MANY_ATTEMPTS") {
    recordPasswordFailuresExceeded(deps, tenant, user, "login", outcome.retryAfterSeconds);
    throw new TooManyPasswordAttempts(outcome.retryAfterSeconds);
  }
  if (outcome.outcome !== "SUCCESS") {
    recordLoginFailed(deps, tenant, user);
    return { result: "INVALID_CREDENTIALS" };
  }
  recordLoginSucceeded(deps, user, outcome.sessionId);
  deps.waitUntil(recordUserKeyIds(userDatabase(env, user), user, outcome.keyIds).catch((e) => logBackgroundFailure("login.key_ids_failed", e)));
  const accessToken = await userAccessToken(config, {
    userId: user.id,
    objectJurisdiction: user.objectJurisdiction,
    sessionId: outcome.sessionId,
    applicationId: user.applicationId,
    tenantId: user.tenantId,
    clientId,
  });
  return {
    result: "SUCCESS",
    userId: user.id,
    sessionId: outcome.sessionId,
    accessToken,
    refreshToken: formatRefreshToken(user.id, outcome.refreshToken),
    expiresIn: USER_TOKEN_TTL_SECONDS,
  };
}

export interface UserTokenGrant {
  userId: string;
  /** Where the user's object lives, carried so the token's session can be checked without D1. */
  objectJurisdiction: ObjectJurisdiction | null;
  sessionId: string;
  applicationId: string;
  tenantId: string;
  clientId: string;
  /** A subset of END_USER_PERMISSIONS when the client narrowed the scope; all of them otherwise. */
  permissions?: string[];
}

export function userAccessToken(config: ServiceConfig, g: UserTokenGrant): Promise<string> {
  return issueAccessToken(
    config,
    {
      sub: g.userId,
      sid: g.sessionId,
      ...(g.objectJurisdiction ? { user_object_jurisdiction: g.objectJurisdiction } : {}),
      client_id: g.clientId,
      app_id: g.applicationId,
      tnt_id: g.tenantId,
      permissions: g.permissions ?? END_USER_PERMISSIONS,
    },
    USER_TOKEN_TTL_SECONDS,
  );
}
