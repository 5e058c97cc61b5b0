// Crafts access tokens by hand, to check what the service accepts and rejects.
import { env } from "cloudflare:workers";
import { type CryptoKey, type JWK, SignJWT, base64url, importJWK } from "jose";
import { serviceIssuer } from "../../src/config/issuer";
import { TEST_SECRETS } from "../secrets";

/** The service's private signing key, as the test runtime is configured with it. */
export const SERVICE_JWK = JSON.parse(TEST_SECRETS.JWT_SIGNING_KEY) as JWK & { kid: string };

export const serviceKey = (): Promise<CryptoKey> => importJWK(SERVICE_JWK, "ES256") as Promise<CryptoKey>;

export interface AccessClaims {
  sub: string;
  app_id: string;
  tnt_id?: string;
  permissions: string[];
  [claim: string]: unknown;
}

export interface Forgery {
  /** Defaults to the service's own key with ES256. */
  key?: CryptoKey | Uint8Array;
  alg?: string;
  typ?: string;
  kid?: string;
  iss?: string;
  aud?: string;
  /** Seconds from now; negative makes an already expired token. Default 300. */
  expiresIn?: number;
  /** `iat`, in seconds from now; null leaves it out. Default: now (a minute before `exp` for an expired token). */
  issuedAt?: number | null;
  /** null leaves `jti` out. Default: a fresh one, as on every token the service issues. */
  jti?: string | null;
}

/** A token exactly like the service's own unless `f` changes one property. */
export async function signAccessToken(claims: AccessClaims, f: Forgery = {}): Promise<string> {
  const { sub, ...rest } = claims;
  const now = Math.floor(Date.now() / 1000);
  const exp = now + (f.expiresIn ?? 300);
  const jwt = new SignJWT(rest)
    .setProtectedHeader({ alg: f.alg ?? "ES256", typ: f.typ ?? "at+jwt", kid: f.kid ?? SERVICE_JWK.kid })
    .setIssuer(f.iss ?? serviceIssuer(env))
    .setAudience(f.aud ?? env.TOKEN_AUDIENCE)
    .setSubject(sub)
    .setExpirationTime(exp);
  if (f.issuedAt !== null) jwt.setIssuedAt(f.issuedAt === undefined ? Math.min(now, exp - 60) : now + f.issuedAt);
  if (f.jti !== null) jwt.setJti(f.jti ?? crypto.randomUUID());
  return jwt.sign(f.key ?? (await serviceKey()));
}

/** An `alg: none` token: header and payload, empty signature. */
export function unsignedAccessToken(claims: AccessClaims): string {
  const now = Math.floor(Date.now() / 1000);
  const header = { alg: "none", typ: "at+jwt", kid: SERVICE_JWK.kid };
  const payload = { ...claims, iss: serviceIssuer(env), aud: env.TOKEN_AUDIENCE, iat: now, exp: now + 300 };
  const part = (o: object) => base64url.encode(JSON.stringify(o));
  return `${part(header)}.${part(payload)}.`;
}
