// The caller a bearer token stands for, whichever edge carries the token.
import type { ServiceConfig } from "../config/service-config";
import { secretsEqual } from "../crypto/constant-time";
import type { Database } from "../db/client";
import type { Caller } from "./caller";
import { verifyLiveAccessToken } from "./live-access-token";
import { Forbidden, Unauthenticated } from "./refusals";

/**
 * The caller a bearer token stands for; throws Unauthenticated or Forbidden. `admin`: whether the
 * ADMIN_TOKEN bootstrap secret may call the operation.
 */
export async function authenticate(env: Env, config: ServiceConfig, db: Database, token: string, admin: "allowed" | "only" | undefined): Promise<Caller> {
  if (secretsEqual(token, config.adminToken)) {
    if (!admin) throw new Forbidden("The admin token may call only the provisioning endpoints.");
    return { kind: "admin" };
  }
  // Revoked, or an end user's token whose session has ended (a reset ends it before `exp`).
  const claims = await verifyLiveAccessToken(env, config, db, token);
  if (!claims) throw new Unauthenticated();
  if (claims.beyondCeiling.length > 0) {
    throw new Forbidden(`The token's issuer may not grant ${claims.beyondCeiling.join(", ")}.`);
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
  if (!claims.tnt_id) throw new Unauthenticated();
  return {
    kind: "user",
    userId: claims.sub,
    sessionId: claims.sid,
    applicationId: claims.app_id,
    tenantId: claims.tnt_id,
    permissions: claims.permissions,
  };
}
