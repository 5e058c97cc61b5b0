// Password hashes are self-describing so that parameters can change and old hashes still verify:
//   $pbkdf2-sha256$v=1$i=100000$<salt>$<hash>
// v=1 means the password is first HMAC-SHA256'd with the PASSWORD_PEPPER secret, then fed to
// PBKDF2-HMAC-SHA256 with a 16-byte random salt, deriving 32 bytes.
import { base64url } from "jose";
import { secretsEqual } from "./constant-time";
import { hmac } from "./keyed-hash";

/** Production Workers reject PBKDF2 above this; local workerd does not (workerd #1346). */
export const WORKERS_PBKDF2_MAX_ITERATIONS = 100_000;
export const PBKDF2_ITERATIONS = 100_000;
const SCHEME = "pbkdf2-sha256";
const VERSION = 1;
const SALT_BYTES = 16;
const HASH_BITS = 256;

export interface PasswordHashParams {
  version: number;
  iterations: number;
  salt: Uint8Array;
  hash: Uint8Array;
}

async function derive(password: string, pepper: string, salt: Uint8Array, iterations: number): Promise<Uint8Array> {
  if (iterations > WORKERS_PBKDF2_MAX_ITERATIONS) throw new Error("PBKDF2 iteration count above the Workers limit");
  const peppered = await hmac(pepper, password);
  const key = await crypto.subtle.importKey("raw", peppered, "PBKDF2", false, ["deriveBits"]);
  const bits = await crypto.subtle.deriveBits({ name: "PBKDF2", hash: "SHA-256", salt, iterations }, key, HASH_BITS);
  return new Uint8Array(bits);
}

export function formatPasswordHash(p: PasswordHashParams): string {
  return `$${SCHEME}$v=${p.version}$i=${p.iterations}$${base64url.encode(p.salt)}$${base64url.encode(p.hash)}`;
}

/** Null for anything that is not a well-formed hash this code could have written. */
export function parsePasswordHash(stored: string): PasswordHashParams | null {
  const m = /^\$pbkdf2-sha256\$v=(\d+)\$i=(\d+)\$([A-Za-z0-9_-]+)\$([A-Za-z0-9_-]+)$/.exec(stored);
  if (!m) return null;
  const iterations = Number(m[2]);
  if (iterations < 1 || iterations > WORKERS_PBKDF2_MAX_ITERATIONS) return null;
  try {
    const salt = base64url.decode(m[3]!);
    const hash = base64url.decode(m[4]!);
    if (salt.byteLength === 0 || hash.byteLength === 0) return null;
    return { version: Number(m[1]), iterations, salt, hash };
  } catch {
    return null;
  }
}

export async function hashPassword(password: string, pepper: string, iterations = PBKDF2_ITERATIONS): Promise<string> {
  const salt = crypto.getRandomValues(new Uint8Array(SALT_BYTES));
  const hash = await derive(password, pepper, salt, iterations);
  return formatPasswordHash({ version: VERSION, iterations, salt, hash });
}

export interface PasswordCheck {
  valid: boolean;
  /** The hash was made with older parameters and should be replaced after a successful verify. */
  needsRehash: boolean;
}

export async function verifyPassword(password: string, stored: string, pepper: string): Promise<PasswordCheck> {
  const params = parsePasswordHash(stored);
  if (!params || params.version !== VERSION) return { valid: false, needsRehash: false };
  const candidate = await derive(password, pepper, params.salt, params.iterations);
  return { valid: secretsEqual(candidate, params.hash), needsRehash: params.iterations !== PBKDF2_ITERATIONS };
}

/** A well-formed hash of nothing anyone knows, to spend the same time when there is no user. */
export const DECOY_PASSWORD_HASH = formatPasswordHash({
  version: VERSION,
  iterations: PBKDF2_ITERATIONS,
  salt: new Uint8Array(SALT_BYTES),
  hash: new Uint8Array(HASH_BITS / 8),
});
