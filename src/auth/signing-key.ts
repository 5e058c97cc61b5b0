// The service's own ES256 key, from the JWT_SIGNING_KEY secret (a private JWK with a `kid`).
// Its public half is published at /.well-known/jwks.json.
import { type CryptoKey, type JWK, type JWTVerifyGetKey, createLocalJWKSet, importJWK } from "jose";

export interface SigningKey {
  kid: string;
  privateKey: CryptoKey;
  publicJwk: JWK;
  /** The public half as a key set for jwtVerify, built once per key. */
  keySet: JWTVerifyGetKey;
}

const cache = new Map<string, Promise<SigningKey>>();

async function load(secret: string): Promise<SigningKey> {
  const jwk = JSON.parse(secret) as JWK;
  if (jwk.kty !== "EC" || jwk.crv !== "P-256" || !jwk.d || !jwk.kid) {
    throw new Error("JWT_SIGNING_KEY must be a private P-256 JWK with a kid");
  }
  const { d: _private, ...publicJwk } = jwk;
  const privateKey = (await importJWK(jwk, "ES256")) as CryptoKey;
  const shown: JWK = { ...publicJwk, alg: "ES256", use: "sig" };
  return { kid: jwk.kid, privateKey, publicJwk: shown, keySet: createLocalJWKSet({ keys: [shown] }) };
}

export function signingKey(env: Pick<Env, "JWT_SIGNING_KEY">): Promise<SigningKey> {
  let key = cache.get(env.JWT_SIGNING_KEY);
  if (!key) {
    key = load(env.JWT_SIGNING_KEY);
    cache.set(env.JWT_SIGNING_KEY, key);
  }
  return key;
}
