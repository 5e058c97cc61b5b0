// A signed access token cannot be recalled, so verifying one is not enough: it must also still be
// live. An end user's token lives as long as its session (in the user's object). A client's token
// of this service lives until it expires unless its `jti` is revoked (the D1 deny-list) or its
// client is deleted, disabled, or had its tokens cut off (a secret retired by the retire call):
// one D1 read answers all of these, and narrows the token's permissions to what the client holds
// now. An external issuer's token is checked against the deny-list only: its clients are not ours.
// Every place that accepts an access token (Bearer authentication, introspection, revocation)
// goes through here. The deny-list and the client's row are read from a replica and kept a few
// seconds in the isolate (src/directory/caller-standing.ts; how stale: docs/data.md).
import type { ServiceConfig } from "../config/service-config";
import type { Sessions } from "../db/client";
import { isExternalTokenDenied, tokenStanding } from "../directory/revoked-access-tokens";
import { type UserObjectCaller, type UserObjectRef, callUserObject } from "../user-object/stub";
import { type AccessTokenClaims, type VerifiedAccessToken, verifyAccessToken } from "./access-token";

/** The user object an end user's token was issued from: its subject, in its claimed jurisdiction. */
export function userObjectOfToken(claims: AccessTokenClaims): UserObjectRef {
  return { id: claims.sub, objectJurisdiction: claims.user_object_jurisdiction ?? null };
}

export async function verifyLiveAccessToken(from: UserObjectCaller, config: ServiceConfig, sessions: Sessions, token: string): Promise<VerifiedAccessToken | null> {
  const claims = await verifyAccessToken(config, token);
  if (!claims) return null;
  if (claims.sid !== undefined) {
    const { active } = await callUserObject(from, userObjectOfToken(claims), "sessionStatus", claims.sid);
    return active ? claims : null;
  }
  if (claims.iss !== config.tokenIssuer) {
    // No row of ours stands behind an external token to read its entry with: its own read.
    return (await isExternalTokenDenied(sessions.replica, claims.jti)) ? null : claims;
  }
  const standing = await tokenStanding(sessions, claims.client_id ?? claims.sub, claims.jti);
  if (!standing || standing.denied || standing.disabledAt !== null) return null;
  // `iat` is in seconds: a token of the very second of a cut-off counts as before it (issuance waits it out).
  if (claims.iat * 1000 < standing.tokensValidAfter) return null;
  return { ...claims, permissions: claims.permissions.filter((p) => standing.permissions.includes(p)) };
}
