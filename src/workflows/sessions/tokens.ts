// Refresh (RFC 6749 §6 with rotation, RFC 9700 reuse detection), revocation (RFC 7009) and
// introspection (RFC 7662). A client acts only on tokens of its own application (and tenant,
// when it is tenant-scoped); anything else reads as an invalid token. Refresh and revocation are
// further bound to the client the token was issued to; introspection is not, since RFC 7662 §2.1
// lets any protected resource the server trusts ask (here: any client within the boundary).
import { CLIENT_TOKEN_TTL_SECONDS, USER_TOKEN_TTL_SECONDS, type VerifiedAccessToken, issueAccessToken } from "../../auth/access-token";
import { serviceIssuer } from "../../config/issuer";
import { END_USER_PERMISSIONS } from "../../config/permissions";
import { userObjectOfToken, verifyLiveAccessToken } from "../../auth/live-access-token";
import type { M2mClient } from "../../directory/clients";
import { denyAccessToken } from "../../directory/revoked-access-tokens";
import { getUserRouted, userDatabase } from "../../directory/user-shards";
import { recordUserKeyIds } from "../../directory/key-usage";
import { logBackgroundFailure } from "../../audit/background-failure";
import { callUserObject } from "../../user-object/stub";
import { measured } from "../../metrics/measure";
import { type WorkflowDeps, workflowMetrics } from "../deps";
import { userAccessToken } from "./login";
import { formatRefreshToken, parseRefreshToken } from "./refresh-token";

function clientMayAct(client: M2mClient, applicationId: string, tenantId: string | undefined): boolean {
  return client.applicationId === applicationId && (client.tenantId === null || client.tenantId === tenantId);
}

async function refreshOwner({ env }: WorkflowDeps, client: M2mClient, token: string) {
  const parsed = parseRefreshToken(token);
  const user = parsed ? await getUserRouted(env, parsed.userId, "replica") : null;
  if (!parsed || !user || !clientMayAct(client, user.applicationId, user.tenantId)) return null;
  return { user, secret: parsed.secret };
}

export interface TokenAnswer {
  access_token: string;
  token_type: "Bearer";
  expires_in: number;
  /** Always sent, so a client never has to guess what a narrowed or defaulted request got. */
  scope: string;
  refresh_token?: string;
}

/**
 * A token's `iat` is in whole seconds, and one issued in the second of a cut-off (`tokensValidAfter`)
 * would read as issued before it: wait for the next second, at most once, right after a cut-off.
 */
async function afterCutOff(client: M2mClient): Promise<void> {
  const now = Date.now();
  if (Math.floor(now / 1000) * 1000 < client.tokensValidAfter) await new Promise((resolve) => setTimeout(resolve, 1000 - (now % 1000)));
}

/** client_credentials: a token for the client itself, carrying `permissions` (its own, or fewer). */
export async function clientCredentials({ config }: WorkflowDeps, client: M2mClient, permissions: string[]): Promise<TokenAnswer> {
  await afterCutOff(client);
  const access_token = await issueAccessToken(
    config,
    {
      sub: client.id,
      client_id: client.id,
      app_id: client.applicationId,
      ...(client.tenantId ? { tnt_id: client.tenantId } : {}),
      permissions,
    },
    CLIENT_TOKEN_TTL_SECONDS,
  );
  return { access_token, token_type: "Bearer", expires_in: CLIENT_TOKEN_TTL_SECONDS, scope: permissions.join(" ") };
}

/**
 * Rotates the refresh token; the new access token carries `permissions` (a subset of the end-user
 * grant). The refresh token keeps the whole grant (RFC 6749 §6). Null: invalid_grant.
 */
export function refresh(deps: WorkflowDeps, client: M2mClient, refreshToken: string, permissions: string[]): Promise<TokenAnswer | null> {
  const call = () => ({ operation: "refresh", applicationId: client.applicationId, tenantId: client.tenantId }) as const;
  return measured(workflowMetrics(deps), call, () => rotate(deps, client, refreshToken, permissions), (a) => (a ? { succeeded: true, reason: "ROTATED" } : { succeeded: false, reason: "INVALID_GRANT" }));
}

async function rotate(deps: WorkflowDeps, client: M2mClient, refreshToken: string, permissions: string[]): Promise<TokenAnswer | null> {
  const owner = await refreshOwner(deps, client, refreshToken);
  if (!owner) return null;
  const rotated = await callUserObject(deps, owner.user, "refresh", owner.secret, client.id);
  if (rotated.outcome !== "ROTATED") return null;
  deps.waitUntil(recordUserKeyIds(userDatabase(deps.env, owner.user), owner.user, rotated.keyIds).catch((e) => logBackgroundFailure("refresh.key_ids_failed", e)));
  return {
    access_token: await userAccessToken(deps.config, {
      userId: owner.user.id,
      objectJurisdiction: owner.user.objectJurisdiction,
      sessionId: rotated.sessionId,
      applicationId: rotated.applicationId,
      tenantId: rotated.tenantId,
      clientId: client.id,
      permissions,
    }),
    token_type: "Bearer",
    expires_in: USER_TOKEN_TTL_SECONDS,
    scope: permissions.join(" "),
    refresh_token: formatRefreshToken(owner.user.id, rotated.refreshToken),
  };
}

/**
 * A live access token this service issued, to a client allowed to act on it. Tokens of trusted
 * external issuers are theirs to revoke and introspect (RFC 7662 §2.2: "issued by this
 * authorization server").
 */
async function ownAccessToken(deps: WorkflowDeps, client: M2mClient, token: string): Promise<VerifiedAccessToken | null> {
  const claims = await verifyLiveAccessToken(deps, deps.config, deps, token);
  if (!claims || claims.iss !== deps.config.tokenIssuer || !clientMayAct(client, claims.app_id, claims.tnt_id)) return null;
  return claims;
}

/**
 * RFC 7009. A refresh token ends its session; so does an end user's access token. A client's
 * access token is denied by `jti` until it expires. Unknown tokens are ignored, and so are tokens
 * issued to another client (§2.1): the answer is the same 200, and nothing is revoked.
 */
export async function revoke(deps: WorkflowDeps, client: M2mClient, token: string): Promise<void> {
  const owner = await refreshOwner(deps, client, token);
  if (owner) return callUserObject(deps, owner.user, "revokeRefreshToken", owner.secret, client.id);
  const claims = await ownAccessToken(deps, client, token);
  if (!claims || claims.client_id !== client.id) return;
  if (claims.sid) return callUserObject(deps, userObjectOfToken(claims), "revokeSession", claims.sid);
  await denyAccessToken(deps.db, claims.jti, claims.exp * 1000);
}

export type Introspection = { active: false } | ({ active: true } & Record<string, unknown>);

/** RFC 7662. An access token is active only while live: its session alive, its `jti` not revoked. */
export async function introspect(deps: WorkflowDeps, client: M2mClient, token: string): Promise<Introspection> {
  const owner = await refreshOwner(deps, client, token);
  if (owner) {
    const status = await callUserObject(deps, owner.user, "refreshTokenStatus", owner.secret);
    if (!status.active) return { active: false };
    return {
      active: true,
      // Not an RFC 6749 §7.1 access token type: a refresh token is never sent as a Bearer.
      token_type: "refresh_token",
      ...(status.clientId ? { client_id: status.clientId } : {}),
      scope: END_USER_PERMISSIONS.join(" "),
      sub: owner.user.id,
      iss: serviceIssuer(deps.env),
      exp: Math.floor(status.expiresAt / 1000),
      iat: Math.floor(status.issuedAt / 1000),
      sid: status.sessionId,
      app_id: status.applicationId,
      tnt_id: status.tenantId,
    };
  }
  const claims = await ownAccessToken(deps, client, token);
  if (!claims) return { active: false };
  return {
    active: true,
    // RFC 7662 §2.2: the type as RFC 6749 §7.1 names it in the token response.
    token_type: "Bearer",
    client_id: claims.client_id ?? claims.sub,
    scope: claims.permissions.join(" "),
    sub: claims.sub,
    iss: claims.iss,
    aud: deps.config.tokenAudience,
    exp: claims.exp,
    iat: claims.iat,
    jti: claims.jti,
    app_id: claims.app_id,
    ...(claims.tnt_id ? { tnt_id: claims.tnt_id } : {}),
    ...(claims.sid ? { sid: claims.sid } : {}),
  };
}
