// Fresh values for every secret the service needs, in the formats src/config parses. WebCrypto
// only (crypto.getRandomValues, crypto.subtle), so the same module runs in Node and in workerd,
// where a test feeds its output to the service's own configuration parser.

export const SECRET_NAMES = ["ADMIN_TOKEN", "PASSWORD_PEPPER", "SECRET_HASH_KEY", "JWT_SIGNING_KEY"];

/** 32 random bytes, base64url: 43 characters, above the 32 the parsers require. */
function randomSecret() {
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  return btoa(String.fromCharCode(...bytes)).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

/** A private P-256 JWK for ES256, named by the day it was made and a random suffix (kids must differ across rotations). */
async function signingKey(now) {
  const { privateKey } = await crypto.subtle.generateKey({ name: "ECDSA", namedCurve: "P-256" }, true, ["sign", "verify"]);
  const { kty, crv, x, y, d } = await crypto.subtle.exportKey("jwk", privateKey);
  const suffix = Array.from(crypto.getRandomValues(new Uint8Array(3)), (b) => b.toString(16).padStart(2, "0")).join("");
  const kid = `es256-${now.toISOString().slice(0, 10).replace(/-/g, "")}-${suffix}`;
  return JSON.stringify({ kty, crv, x, y, d, kid, alg: "ES256" });
}

/**
 * The first key of each list: `p1:`/`h1:` (a rotation later puts `p2:…` in front, see the README's
 * "Rotating keys").
 */
export async function productionSecrets(now = new Date()) {
  return {
    ADMIN_TOKEN: randomSecret(),
    PASSWORD_PEPPER: `p1:${randomSecret()}`,
    SECRET_HASH_KEY: `h1:${randomSecret()}`,
    JWT_SIGNING_KEY: await signingKey(now),
  };
}
