import { createMiddleware } from "hono/factory";
import { verifyAccessToken } from "../../auth/access-token";
import { type Caller, hasPermission } from "../../auth/caller";
import { secretsEqual } from "../../crypto/constant-time";
import { callUserObject } from "../../user-object/stub";
import type { AppEnv } from "../app-env";
import { forbidden, missingToken, unauthorized } from "../errors";

export interface CallerRequirement {
  permission?: string;
  /** The ADMIN_TOKEN bootstrap secret may call this route. */
  admin?: "allowed" | "only";
}

async function authenticate(env: Env, token: string, admin: CallerRequirement["admin"]): Promise<Caller> {
  if (secretsEqual(token, env.ADMIN_TOKEN)) {
    if (!admin) throw forbidden("The admin token may call only the provisioning endpoints.");
    return { kind: "admin" };
  }
  const claims = await verifyAccessToken(env, token);
  if (!claims) throw unauthorized();
  if (claims.sid === undefined) {
    return {
      kind: "client",
      clientId: claims.sub,
      applicationId: claims.app_id,
      tenantId: claims.tnt_id ?? null,
      permissions: claims.permissions,
    };
  }
  if (!claims.tnt_id) throw unauthorized();
  // An end user's token is only as good as its session: a reset ends it before `exp`.
  const { active } = await callUserObject(env, claims.sub, "sessionStatus", claims.sid);
  if (!active) throw unauthorized("The session behind this token has ended.");
  return {
    kind: "user",
    userId: claims.sub,
    sessionId: claims.sid,
    applicationId: claims.app_id,
    tenantId: claims.tnt_id,
    permissions: claims.permissions,
  };
}

/** The token of an `Authorization: Bearer <token>` header, or null. */
export function bearerToken(header: string | undefined): string | null {
  return /^Bearer ([^\s]+)$/i.exec(header ?? "")?.[1] ?? null;
}

/** Bearer authentication, then the permission check. Sets `caller`. */
export function requireCaller(req: CallerRequirement) {
  return createMiddleware<AppEnv>(async (c, next) => {
    const token = bearerToken(c.req.header("Authorization"));
    if (!token) throw missingToken();
    const caller = await authenticate(c.env, token, req.admin);
    if (req.admin === "only" && caller.kind !== "admin") throw forbidden("Only the admin token may call this endpoint.");
    if (req.permission && !hasPermission(caller, req.permission)) {
      throw forbidden(`The token lacks the permission ${req.permission}.`);
    }
    c.set("caller", caller);
    await next();
  });
}
