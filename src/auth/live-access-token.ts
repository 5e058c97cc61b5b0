// A signed access token cannot be recalled, so verifying one is not enough: it must also still be
// live. An end user's token lives as long as its session (in the user's object); a client's token
// until it expires or its `jti` is revoked (the D1 deny-list). Every place that accepts an access
// token (Bearer authentication, introspection, revocation) goes through here.
import type { ServiceConfig } from "../config/service-config";
import type { Database } from "../db/client";
import { isAccessTokenDenied } from "../directory/revoked-access-tokens";
import { type UserObjectCaller, callUserObject } from "../user-object/stub";
import { type VerifiedAccessToken, verifyAccessToken } from "./access-token";

export async function verifyLiveAccessToken(from: UserObjectCaller, config: ServiceConfig, db: Database, token: string): Promise<VerifiedAccessToken | null> {
  const claims = await verifyAccessToken(config, token);
  if (!claims) return null;
  if (claims.sid !== undefined) {
    const { active } = await callUserObject(from, claims.sub, "sessionStatus", claims.sid);
    return active ? claims : null;
  }
  if (claims.jti !== undefined && (await isAccessTokenDenied(db, claims.jti))) return null;
  return claims;
}
