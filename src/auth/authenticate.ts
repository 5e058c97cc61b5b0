// The caller a bearer token stands for, whichever edge carries the token.
import { isAdminToken } from "../config/admin-token";
import { Misconfigured } from "../config/misconfigured";
import type { ServiceConfig } from "../config/service-config";
import type { Sessions } from "../db/client";
import type { UserObjectTime } from "../user-object/call-time";
import type { Caller } from "./caller";
import { verifyLiveAccessToken } from "./live-access-token";
import { Forbidden, Unauthenticated } from "./refusals";

/** Whether the token is an admin token; a malformed ADMIN_TOKEN is returned, not thrown, for the caller to judge. */
function adminTokenMatch(env: Env, token: string): boolean | Misconfigured {
  try {
    return isAdminToken(env, token);
  } catch (e) {
    if (e instanceof Misconfigured) return e;
    throw e;
  }
}

/**
 * The caller a bearer token stands for; throws Unauthenticated or Forbidden. `admin`: whether the
 * ADMIN_TOKEN bootstrap secret may call the operation. `userObjectTime`: the request's meter, which
 * an end user's token (its session is checked in the user's object) adds to.
 */
export async function authenticate(
  env: Env,
  config: ServiceConfig,
  sessions: Sessions,
  token: string,
  admin: "allowed" | "only" | undefined,
  userObjectTime?: UserObjectTime,
): Promise<Caller> {
  const isAdmin = adminTokenMatch(env, token);
  if (isAdmin === true) {
    if (!admin) throw new Forbidden("The admin token may call only the provisioning endpoints.");
    return { kind: "admin" };
  }
  // Revoked, or an end user's token whose session has ended (a reset ends it before `exp`).
  const claims = await verifyLiveAccessToken({ env, userObjectTime }, config, sessions, token);
  // With ADMIN_TOKEN malformed, a token that is no access token may be the admin's: where the admin
  // may call, that is the misconfiguration (503), not a wrong token. Access tokens work regardless.
  if (!claims) throw isAdmin instanceof Misconfigured && admin ? isAdmin : new Unauthenticated();
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
    issuedTo: claims.client_id ?? null,
    sessionId: claims.sid,
    applicationId: claims.app_id,
    tenantId: claims.tnt_id,
    permissions: claims.permissions,
  };
}
