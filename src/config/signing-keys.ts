// JWT_SIGNING_KEY: the service's ES256 keys. Either one private P-256 JWK with a `kid`, or a JSON
// array of JWKs: the first (private) signs, the rest are previous keys (their public halves are
// enough) that still verify the tokens they signed until those expire. /.well-known/jwks.json
// publishes the public half of every one.
import { type CryptoKey, type JWK, type JWTVerifyGetKey, createLocalJWKSet, importJWK } from "jose";
import { Misconfigured } from "./misconfigured";

export interface SigningKeys {
  current: { kid: string; privateKey: CryptoKey };
  /** Public JWKs, current first, as published. */
  publicJwks: JWK[];
  /** Every published key, for jwtVerify. */
  keySet: JWTVerifyGetKey;
}

const VARIABLE = "JWT_SIGNING_KEY";
const PRIVATE_MEMBERS = ["d", "p", "q", "dp", "dq", "qi", "oth", "k"];

function publicHalf(jwk: JWK): JWK {
  const shown: Record<string, unknown> = { ...jwk, alg: "ES256", use: "sig" };
  for (const member of PRIVATE_MEMBERS) delete shown[member];
  delete shown.key_ops;
  delete shown.ext;
  return shown as JWK;
}

export async function loadSigningKeys(raw: string | undefined): Promise<SigningKeys> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw?.trim() || "null");
  } catch {
    throw new Misconfigured(VARIABLE, "is not JSON (expected a private P-256 JWK with a kid, or an array of JWKs, current first)");
  }
  if (parsed === null) throw new Misconfigured(VARIABLE, "is not set");
  const jwks = (Array.isArray(parsed) ? parsed : [parsed]) as JWK[];
  if (jwks.length === 0) throw new Misconfigured(VARIABLE, "is an empty list");
  jwks.forEach((jwk, i) => {
    if (typeof jwk !== "object" || jwk === null || jwk.kty !== "EC" || jwk.crv !== "P-256" || typeof jwk.kid !== "string" || !jwk.kid) {
      throw new Misconfigured(VARIABLE, `key ${i + 1} is not a P-256 JWK with a kid`);
    }
  });
  if (!jwks[0]!.d) throw new Misconfigured(VARIABLE, "key 1, the current key, has no private part (d)");
  if (new Set(jwks.map((k) => k.kid)).size !== jwks.length) throw new Misconfigured(VARIABLE, "names a kid twice");
  let privateKey: CryptoKey;
  try {
    privateKey = (await importJWK(jwks[0]!, "ES256")) as CryptoKey;
    for (const jwk of jwks.slice(1)) await importJWK(publicHalf(jwk), "ES256");
  } catch {
    throw new Misconfigured(VARIABLE, "holds a key the runtime cannot import (not a valid P-256 point)");
  }
  const publicJwks = jwks.map(publicHalf);
  return { current: { kid: jwks[0]!.kid!, privateKey }, publicJwks, keySet: createLocalJWKSet({ keys: publicJwks }) };
}
