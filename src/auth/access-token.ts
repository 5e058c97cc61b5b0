// Access tokens: `typ: at+jwt` JWTs (RFC 9068). The service signs its own with ES256; tokens from
// external issuers configured in TRUSTED_ISSUERS are verified against their JWKS URL.
import { type JWTVerifyGetKey, SignJWT, createRemoteJWKSet, decodeJwt, jwtVerify } from "jose";
import { z } from "zod";
import { newId } from "../crypto/random";
import { type IssuerConfig, serviceIssuer } from "./issuer";
import { signingKey } from "./signing-key";

export const ACCEPTED_ALGORITHMS = ["ES256", "RS256", "EdDSA"];

export const accessTokenClaims = z.object({
  sub: z.string().min(1),
  /** RFC 9068 §2.2: the client the token was issued to. Every token of this service has one. */
  client_id: z.string().min(1).optional(),
  app_id: z.string().min(1),
  tnt_id: z.string().min(1).optional(),
  sid: z.string().min(1).optional(),
  permissions: z.array(z.string()),
});
export type AccessTokenClaims = z.infer<typeof accessTokenClaims>;

const trustedIssuer = z.object({ issuer: z.string().min(1), jwksUrl: z.url(), audience: z.string().min(1).optional() });
const trustedIssuers = z.array(trustedIssuer);

/** A malformed TRUSTED_ISSUERS trusts no one (fail closed) rather than failing every request. */
function configuredIssuers(json: string): z.infer<typeof trustedIssuers> {
  try {
    const parsed = trustedIssuers.safeParse(JSON.parse(json || "[]"));
    return parsed.success ? parsed.data : [];
  } catch {
    return [];
  }
}

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

export async function issueAccessToken(
  env: Pick<Env, "JWT_SIGNING_KEY" | "TOKEN_AUDIENCE"> & IssuerConfig,
  claims: AccessTokenClaims,
  ttlSeconds: number,
): Promise<string> {
  const key = await signingKey(env);
  const { sub, ...rest } = claims;
  // RFC 9068 §2.2.3: `scope` carries the permissions, space-separated; `permissions` stays for callers that read it.
  return new SignJWT({ ...rest, scope: claims.permissions.join(" ") })
    .setProtectedHeader({ alg: "ES256", typ: "at+jwt", kid: key.kid })
    .setIssuer(serviceIssuer(env))
    .setAudience(env.TOKEN_AUDIENCE)
    .setSubject(sub)
    .setIssuedAt()
    .setExpirationTime(`${ttlSeconds}s`)
    .setJti(newId())
    .sign(key.privateKey);
}

export type VerifiedAccessToken = AccessTokenClaims & { exp: number; iat?: number; jti?: string; iss: string };

/** Verifies signature, algorithm, issuer, audience, expiry and `typ`; returns null for any failure. */
export async function verifyAccessToken(
  env: Pick<Env, "JWT_SIGNING_KEY" | "TOKEN_AUDIENCE" | "TRUSTED_ISSUERS"> & IssuerConfig,
  token: string,
): Promise<VerifiedAccessToken | null> {
  let issuer: string | undefined;
  try {
    issuer = decodeJwt(token).iss;
  } catch {
    return null;
  }
  let keys: JWTVerifyGetKey;
  let audience = env.TOKEN_AUDIENCE;
  if (issuer === serviceIssuer(env)) {
    keys = (await signingKey(env)).keySet;
  } else {
    const external = configuredIssuers(env.TRUSTED_ISSUERS).find((t) => t.issuer === issuer);
    if (!external) return null;
    keys = remoteKeySet(external.jwksUrl);
    audience = external.audience ?? audience;
  }
  try {
    const { payload } = await jwtVerify(token, keys, {
      algorithms: ACCEPTED_ALGORITHMS,
      issuer,
      audience,
      typ: "at+jwt",
      requiredClaims: ["exp", "sub"],
    });
    const claims = accessTokenClaims.safeParse(payload);
    return claims.success ? { ...claims.data, exp: payload.exp!, iat: payload.iat, jti: payload.jti, iss: issuer! } : null;
  } catch {
    return null;
  }
}

/** Machine-to-machine tokens from client_credentials. */
export const CLIENT_TOKEN_TTL_SECONDS = 15 * 60;
/** End-user tokens; short, because a revoked session is re-checked only where the API is called. */
export const USER_TOKEN_TTL_SECONDS = 5 * 60;
