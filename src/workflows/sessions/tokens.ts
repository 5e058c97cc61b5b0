// Refresh (RFC 6749 §6 with rotation, RFC 9700 reuse detection), revocation (RFC 7009) and
// introspection (RFC 7662). A client acts only on tokens of its own application (and tenant,
// when it is tenant-scoped); anything else reads as an invalid token.
import { USER_TOKEN_TTL_SECONDS, verifyAccessToken } from "../../auth/access-token";
import { getUser } from "../../directory/users";
import type { M2mClient } from "../../directory/clients";
import { callUserObject } from "../../user-object/stub";
import type { WorkflowDeps } from "../deps";
import { userAccessToken } from "./login";
import { formatRefreshToken, parseRefreshToken } from "./refresh-token";

function clientMayAct(client: M2mClient, applicationId: string, tenantId: string | undefined): boolean {
  return client.applicationId === applicationId && (client.tenantId === null || client.tenantId === tenantId);
}

async function refreshOwner({ db }: WorkflowDeps, client: M2mClient, token: string) {
  const parsed = parseRefreshToken(token);
  const user = parsed ? await getUser(db, parsed.userId) : null;
  if (!parsed || !user || !clientMayAct(client, user.applicationId, user.tenantId)) return null;
  return { user, secret: parsed.secret };
}

export type RefreshAnswer = { access_token: string; token_type: "Bearer"; expires_in: number; refresh_token: string } | null;

export async function refresh(deps: WorkflowDeps, client: M2mClient, refreshToken: string): Promise<RefreshAnswer> {
  const owner = await refreshOwner(deps, client, refreshToken);
  if (!owner) return null;
  const rotated = await callUserObject(deps.env, owner.user.id, "refresh", owner.secret);
  if (rotated.outcome !== "ROTATED") return null;
  return {
    access_token: await userAccessToken(deps.env, {
      userId: owner.user.id,
      sessionId: rotated.sessionId,
      applicationId: rotated.applicationId,
      tenantId: rotated.tenantId,
      clientId: client.id,
    }),
    token_type: "Bearer",
    expires_in: USER_TOKEN_TTL_SECONDS,
    refresh_token: formatRefreshToken(owner.user.id, rotated.refreshToken),
  };
}

/** RFC 7009: revoking a refresh token ends its session; an access token, its session. Unknown tokens are ignored. */
export async function revoke(deps: WorkflowDeps, client: M2mClient, token: string): Promise<void> {
  const owner = await refreshOwner(deps, client, token);
  if (owner) return callUserObject(deps.env, owner.user.id, "revokeRefreshToken", owner.secret);
  const claims = await verifyAccessToken(deps.env, token);
  if (claims?.sid && clientMayAct(client, claims.app_id, claims.tnt_id)) await callUserObject(deps.env, claims.sub, "revokeSession", claims.sid);
}

export type Introspection = { active: false } | ({ active: true } & Record<string, unknown>);

/** RFC 7662. An end user's access token is active only while its session is, even before `exp`. */
export async function introspect(deps: WorkflowDeps, client: M2mClient, token: string): Promise<Introspection> {
  const owner = await refreshOwner(deps, client, token);
  if (owner) {
    const status = await callUserObject(deps.env, owner.user.id, "refreshTokenStatus", owner.secret);
    if (!status.active) return { active: false };
    return { active: true, token_type: "refresh_token", sub: owner.user.id, sid: status.sessionId, app_id: status.applicationId, tnt_id: status.tenantId };
  }
  const claims = await verifyAccessToken(deps.env, token);
  if (!claims || !clientMayAct(client, claims.app_id, claims.tnt_id)) return { active: false };
  if (claims.sid) {
    const { active } = await callUserObject(deps.env, claims.sub, "sessionStatus", claims.sid);
    if (!active) return { active: false };
  }
  return {
    active: true,
    token_type: "access_token",
    sub: claims.sub,
    iss: claims.iss,
    exp: claims.exp,
    app_id: claims.app_id,
    ...(claims.tnt_id ? { tnt_id: claims.tnt_id } : {}),
    ...(claims.sid ? { sid: claims.sid } : {}),
    scope: claims.permissions.join(" "),
  };
}
