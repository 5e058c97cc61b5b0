// What an access token's own claims must say before anything it claims is believed, for this
// service's tokens and a trusted issuer's alike (RFC 9068 §2.2 requires `iat` and `jti`):
// - a `jti`, or the token could never be revoked (the deny-list is keyed by it);
// - an `iat` not in the future, beyond a small allowance for clocks that disagree;
// - a lifetime (`exp - iat`) no longer than the longest this service documents, so a token minted
//   to live for a year is not taken at its word. Pure: the caller passes the time.

/** Seconds an issuer's clock may run ahead of ours: `iat` up to this far in the future is accepted. */
export const ACCESS_TOKEN_CLOCK_SKEW_SECONDS = 60;

/** The README's documented maximum: an M2M token's 15 minutes, the longest this service issues. */
export const MAX_ACCESS_TOKEN_LIFETIME_SECONDS = 15 * 60;

export type TokenLifetimeFault = "missing_jti" | "missing_iat" | "issued_in_future" | "lifetime_too_long";

/** The first rule the claims break, or null when they keep them all. `exp` is already checked (present, not past). */
export function tokenLifetimeFault(claims: { jti?: unknown; iat?: unknown; exp: number }, nowSeconds: number): TokenLifetimeFault | null {
  if (typeof claims.jti !== "string" || claims.jti.length === 0) return "missing_jti";
  if (typeof claims.iat !== "number" || !Number.isFinite(claims.iat)) return "missing_iat";
  if (claims.iat > nowSeconds + ACCESS_TOKEN_CLOCK_SKEW_SECONDS) return "issued_in_future";
  if (claims.exp - claims.iat > MAX_ACCESS_TOKEN_LIFETIME_SECONDS) return "lifetime_too_long";
  return null;
}
