// Password hashes are self-describing so that parameters and peppers can change and old hashes
// still verify:
//   $pbkdf2-sha256$v=2$k=<pepper kid>$i=100000$<salt>$<hash>
// v=2: the password is first HMAC-SHA256'd under the PASSWORD_PEPPER key named by k (its
// "password-pepper" HKDF subkey), then fed to PBKDF2-HMAC-SHA256 with a 16-byte random salt,
// deriving 32 bytes. A hash under an older pepper or iteration count verifies and asks for a rehash.
// What is hashed is the password's NFKC form, so that the same password typed on another keyboard
// or input method (ligatures, full-width letters, composed accents) verifies. Hashes made before
// normalisation are of the password as typed; verifying falls back to that form once.
import { base64url } from "jose";
import { secretsEqual } from "./constant-time";
import type { Keyring } from "./keyring";

/** Production Workers reject PBKDF2 above this; local workerd does not (workerd #1346). */
export const WORKERS_PBKDF2_MAX_ITERATIONS = 100_000;
export const PBKDF2_ITERATIONS = 100_000;
const VERSION = 2;
const SALT_BYTES = 16;
const HASH_BITS = 256;

export interface PasswordHashParams {
  version: number;
  /** The PASSWORD_PEPPER key id. */
  kid: string;
  iterations: number;
  salt: Uint8Array;
  hash: Uint8Array;
}

async function derive(password: string, peppers: Keyring, kid: string, salt: Uint8Array, iterations: number): Promise<Uint8Array> {
  if (iterations > WORKERS_PBKDF2_MAX_ITERATIONS) throw new Error("PBKDF2 iteration count above the Workers limit");
  const peppered = await peppers.mac("password-pepper", password, kid);
  const key = await crypto.subtle.importKey("raw", peppered, "PBKDF2", false, ["deriveBits"]);
  const bits = await crypto.subtle.deriveBits({ name: "PBKDF2", hash: "SHA-256", salt, iterations }, key, HASH_BITS);
  return new Uint8Array(bits);
}

export function formatPasswordHash(p: PasswordHashParams): string {
  return `$pbkdf2-sha256$v=${p.version}$k=${p.kid}$i=${p.iterations}$${base64url.encode(p.salt)}$${base64url.encode(p.hash)}`;
}

/** Null for anything that is not a well-formed hash this code could have written. */
export function parsePasswordHash(stored: string): PasswordHashParams | null {
  const m = /^\$pbkdf2-sha256\$v=(\d+)\$k=([A-Za-z0-9_-]{1,32})\$i=(\d+)\$([A-Za-z0-9_-]+)\$([A-Za-z0-9_-]+)$/.exec(stored);
  if (!m) return null;
  const iterations = Number(m[3]);
  if (iterations < 1 || iterations > WORKERS_PBKDF2_MAX_ITERATIONS) return null;
  try {
    const salt = base64url.decode(m[4]!);
    const hash = base64url.decode(m[5]!);
    if (salt.byteLength === 0 || hash.byteLength === 0) return null;
    return { version: Number(m[1]), kid: m[2]!, iterations, salt, hash };
  } catch {
    return null;
  }
}

/** The form of a password that is hashed and that the password rules measure. */
export function normalizePassword(password: string): string {
  return password.normalize("NFKC");
}

export async function hashPassword(password: string, peppers: Keyring, iterations = PBKDF2_ITERATIONS): Promise<string> {
  const salt = crypto.getRandomValues(new Uint8Array(SALT_BYTES));
  const kid = peppers.currentKid;
  const hash = await derive(normalizePassword(password), peppers, kid, salt, iterations);
  return formatPasswordHash({ version: VERSION, kid, iterations, salt, hash });
}

export interface PasswordCheck {
  valid: boolean;
  /** Made with an older pepper or iteration count, or of the raw form: replace it after a successful verify. */
  needsRehash: boolean;
}

export async function verifyPassword(password: string, stored: string, peppers: Keyring): Promise<PasswordCheck> {
  const params = parsePasswordHash(stored);
  if (!params || params.version !== VERSION) return { valid: false, needsRehash: false };
  // A pepper no longer configured (or the decoy's) still costs one derivation, then fails.
  const known = peppers.knows(params.kid);
  const kid = known ? params.kid : peppers.currentKid;
  const normalised = normalizePassword(password);
  const candidate = await derive(normalised, peppers, kid, params.salt, params.iterations);
  if (known && secretsEqual(candidate, params.hash)) {
    return { valid: true, needsRehash: params.iterations !== PBKDF2_ITERATIONS || params.kid !== peppers.currentKid };
  }
  // A hash from before normalisation: the raw form, once. The extra derivation depends only on the
  // input being unnormalised, never on the stored hash, so it tells an attacker nothing.
  if (normalised === password) return { valid: false, needsRehash: false };
  const raw = await derive(password, peppers, kid, params.salt, params.iterations);
  const valid = known && secretsEqual(raw, params.hash);
  return { valid, needsRehash: valid };
}

/** A well-formed hash of nothing anyone knows, to spend the same time when there is no user. */
export const DECOY_PASSWORD_HASH = formatPasswordHash({
  version: VERSION,
  kid: "decoy",
  iterations: PBKDF2_ITERATIONS,
  salt: new Uint8Array(SALT_BYTES),
  hash: new Uint8Array(HASH_BITS / 8),
});
