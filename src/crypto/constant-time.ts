const encoder = new TextEncoder();

/**
 * Constant-time equality for secrets, via the runtime's own primitive. Inputs of different
 * length are compared against themselves first so the early exit does not depend on content.
 */
export function secretsEqual(a: string | Uint8Array, b: string | Uint8Array): boolean {
  const x = typeof a === "string" ? encoder.encode(a) : a;
  const y = typeof b === "string" ? encoder.encode(b) : b;
  if (x.byteLength !== y.byteLength) {
    crypto.subtle.timingSafeEqual(x, x);
    return false;
  }
  return crypto.subtle.timingSafeEqual(x, y);
}
