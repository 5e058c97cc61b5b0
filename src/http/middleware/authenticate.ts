import { createMiddleware } from "hono/factory";
import { type Caller, hasPermission } from "../../auth/caller";
import { verifyLiveAccessToken } from "../../auth/live-access-token";
import type { ServiceConfig } from "../../config/service-config";
import { secretsEqual } from "../../crypto/constant-time";
import type { Database } from "../../db/client";
import type { AppEnv } from "../app-env";
import { forbidden, missingToken, unauthorized } from "../errors";

export interface CallerRequirement {
  permission?: string;
  /** The ADMIN_TOKEN bootstrap secret may call this route. */
  admin?: "allowed" | "only";
}

/** The caller a bearer token stands for; throws 401 or 403. */
export async function authenticate(env: Env, config: ServiceConfig, db: Database, token: string, admin: CallerRequirement["admin"]): Promise<Caller> {
  if (secretsEqual(token, config.adminToken)) {
    if (!admin) throw forbidden("The admin token may call only the provisioning endpoints.");
    return { kind: "admin" };
  }
  // Revoked, or an end user's token whose session has ended (a reset ends it before `exp`).
  const claims = await verifyLiveAccessToken(env, config, db, token);
  if (!claims) throw unauthorized();
  if (claims.beyondCeiling.length > 0) {
    throw forbidden(`The token's issuer may not grant ${claims.beyondCeiling.join(", ")}.`);
  }
  if (claims.sid === undefined) {
    return {
      kind: "client",
      clientId: claims.client_id ?? claims.sub,
      applicationId: claims.app_id,
      tenantId: claims.tnt_id ?? null,
      permissions: claims.permissions,
    };
  }
  if (!claims.tnt_id) throw unauthorized();
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
    const caller = await authenticate(c.env, c.var.config, c.var.db, token, req.admin);
    if (req.admin === "only" && caller.kind !== "admin") throw forbidden("Only the admin token may call this endpoint.");
    if (req.permission && !hasPermission(caller, req.permission)) {
      throw forbidden(`The token lacks the permission ${req.permission}.`);
    }
    c.set("caller", caller);
    await next();
  });
}
