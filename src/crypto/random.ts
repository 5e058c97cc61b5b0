// All randomness in the service comes from crypto.getRandomValues.
import { base64url } from "jose";

const ID_ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789";
export const ID_LENGTH = 26;

/** Uniform draws from [0, n) by rejection sampling, so no symbol is favoured. */
function uniformIndices(count: number, n: number): number[] {
  const limit = 256 - (256 % n);
  const out: number[] = [];
  while (out.length < count) {
    const bytes = crypto.getRandomValues(new Uint8Array(count * 2));
    for (const b of bytes) {
      if (b < limit) out.push(b % n);
      if (out.length === count) break;
    }
  }
  return out;
}

/** A 26-character lowercase alphanumeric id (about 134 bits). */
export function newId(): string {
  return uniformIndices(ID_LENGTH, ID_ALPHABET.length).map((i) => ID_ALPHABET[i]).join("");
}

/** An opaque secret of `bytes` random bytes, base64url-encoded (default 256 bits). */
export function randomToken(bytes = 32): string {
  return base64url.encode(crypto.getRandomValues(new Uint8Array(bytes)));
}

/** A run of `length` decimal digits, each uniform. */
export function randomDigits(length: number): string {
  return uniformIndices(length, 10).join("");
}
