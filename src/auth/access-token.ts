// Access tokens: `typ: at+jwt` JWTs (RFC 9068). The service signs its own with ES256; tokens from
// external issuers configured in TRUSTED_ISSUERS are verified against their JWKS URL and then held
// to the application, tenant and permissions that issuer is trusted for.
import { type JWTVerifyGetKey, SignJWT, createRemoteJWKSet, decodeJwt, jwtVerify } from "jose";
import { z } from "zod";
import type { ServiceConfig } from "../config/service-config";
import type { TrustedIssuer } from "../config/trusted-issuers";
import { OBJECT_JURISDICTIONS } from "../policy/object-location";
import { newId } from "../crypto/random";
import { judgeIssuerBinding } from "./issuer-binding";
import { tokenLifetimeFault } from "./token-lifetime";

export const ACCEPTED_ALGORITHMS = ["ES256", "RS256", "EdDSA"];

export const accessTokenClaims = z.object({
  sub: z.string().min(1),
  /** RFC 9068 §2.2: the client the token was issued to. Every token of this service has one. */
  client_id: z.string().min(1).optional(),
  app_id: z.string().min(1),
  tnt_id: z.string().min(1).optional(),
  sid: z.string().min(1).optional(),
  /**
   * An end user's token whose user object was made in a jurisdiction names it, so that the
   * session can be checked from the token alone, without reading the user row.
   */
  user_object_jurisdiction: z.enum(OBJECT_JURISDICTIONS).optional(),
  permissions: z.array(z.string()),
});
export type AccessTokenClaims = z.infer<typeof accessTokenClaims>;

// Module scope, so each remote key set's cache lives as long as the isolate.
const remoteKeySets = new Map<string, JWTVerifyGetKey>();

function remoteKeySet(url: string): JWTVerifyGetKey {
  let set = remoteKeySets.get(url);
  if (!set) {
    set = createRemoteJWKSet(new URL(url));
    remoteKeySets.set(url, set);
  }
  return set;
}

export async function issueAccessToken(config: ServiceConfig, claims: AccessTokenClaims, ttlSeconds: number): Promise<string> {
  const key = config.signingKeys.current;
  const { sub, ...rest } = claims;
  // RFC 9068 §2.2.3: `scope` carries the permissions, space-separated; `permissions` stays for callers that read it.
  return new SignJWT({ ...rest, scope: claims.permissions.join(" ") })
    .setProtectedHeader({ alg: "ES256", typ: "at+jwt", kid: key.kid })
    .setIssuer(config.tokenIssuer)
    .setAudience(config.tokenAudience)
    .setSubject(sub)
    .setIssuedAt()
    .setExpirationTime(`${ttlSeconds}s`)
    .setJti(newId())
    .sign(key.privateKey);
}

export type VerifiedAccessToken = AccessTokenClaims & {
  exp: number;
  iat: number;
  /** Every accepted token has one, so every accepted token can be revoked. */
  jti: string;
  iss: string;
  /** Permissions the token claims beyond its external issuer's ceiling; empty for this service's own tokens. */
  beyondCeiling: string[];
};

/**
 * Verifies signature, algorithm, issuer, audience, expiry and `typ`, the token's own `jti`, `iat`
 * and lifetime (src/auth/token-lifetime.ts), then an external issuer's binding; returns null for
 * any failure. Tokens signed by a previous service key verify until
 * they expire, because every configured key is in the local key set.
 */
export async function verifyAccessToken(config: ServiceConfig, token: string): Promise<VerifiedAccessToken | null> {
  let issuer: string | undefined;
  try {
    issuer = decodeJwt(token).iss;
  } catch {
    return null;
  }
  let keys: JWTVerifyGetKey;
  let audience = config.tokenAudience;
  let external: TrustedIssuer | undefined;
  if (issuer === config.tokenIssuer) {
    keys = config.signingKeys.keySet;
  } else {
    external = config.trustedIssuers.find((t) => t.issuer === issuer);
    if (!external) return null;
    keys = remoteKeySet(external.jwksUrl);
    audience = external.audience ?? audience;
  }
  let claims: AccessTokenClaims;
  let times: { exp: number; iat: number; jti: string };
  try {
    const { payload } = await jwtVerify(token, keys, {
      algorithms: ACCEPTED_ALGORITHMS,
      issuer,
      audience,
      typ: "at+jwt",
      requiredClaims: ["exp", "sub"],
    });
    const parsed = accessTokenClaims.safeParse(payload);
    if (!parsed.success) return null;
    if (tokenLifetimeFault({ jti: payload.jti, iat: payload.iat, exp: payload.exp! }, Math.floor(Date.now() / 1000))) return null;
    claims = parsed.data;
    times = { exp: payload.exp!, iat: payload.iat!, jti: payload.jti! };
  } catch {
    return null;
  }
  const binding = external ? judgeIssuerBinding(external, claims) : { verdict: "WITHIN" as const, beyondCeiling: [] };
  if (binding.verdict === "OUTSIDE") return null;
  return { ...claims, ...times, iss: issuer!, beyondCeiling: binding.beyondCeiling };
}

/** Machine-to-machine tokens from client_credentials. */
export const CLIENT_TOKEN_TTL_SECONDS = 15 * 60;
/** End-user tokens; short, because a revoked session is re-checked only where the API is called. */
export const USER_TOKEN_TTL_SECONDS = 5 * 60;
