// Codes and client secrets are stored only as HMAC-SHA256 under a server key, so a leaked
// database row cannot be replayed and cannot be brute-forced offline without the key.
import { base64url } from "jose";

const encoder = new TextEncoder();
const keys = new Map<string, Promise<CryptoKey>>();

function hmacKey(secret: string): Promise<CryptoKey> {
  let key = keys.get(secret);
  if (!key) {
    key = crypto.subtle.importKey("raw", encoder.encode(secret), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
    keys.set(secret, key);
  }
  return key;
}

export async function hmac(secret: string, message: string): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.sign("HMAC", await hmacKey(secret), encoder.encode(message)));
}

/** Keyed hash of a secret value, base64url-encoded, for storage and lookup. */
export async function keyedHash(secret: string, value: string): Promise<string> {
  return base64url.encode(await hmac(secret, value));
}
