// A password hash as this service stored them before NFKC normalisation: the current format over
// the password exactly as typed (the pepper's HMAC, then PBKDF2-HMAC-SHA256, 100,000 iterations).
import type { Keyring } from "../../src/crypto/keyring";
import { formatPasswordHash } from "../../src/crypto/password-hash";

export async function rawFormHash(password: string, peppers: Keyring): Promise<string> {
  const kid = peppers.currentKid;
  const peppered = await peppers.mac("password-pepper", password, kid);
  const key = await crypto.subtle.importKey("raw", peppered, "PBKDF2", false, ["deriveBits"]);
  const salt = crypto.getRandomValues(new Uint8Array(16));
  const hash = await crypto.subtle.deriveBits({ name: "PBKDF2", hash: "SHA-256", salt, iterations: 100_000 }, key, 256);
  return formatPasswordHash({ version: 2, kid, iterations: 100_000, salt, hash: new Uint8Array(hash) });
}
