// The rules every access token's own claims must keep, as a pure decision (src/auth/token-lifetime.ts).
import { describe, expect, it } from "vitest";
import { CLIENT_TOKEN_TTL_SECONDS, USER_TOKEN_TTL_SECONDS } from "../../src/auth/access-token";
import { ACCESS_TOKEN_CLOCK_SKEW_SECONDS, MAX_ACCESS_TOKEN_LIFETIME_SECONDS, tokenLifetimeFault } from "../../src/auth/token-lifetime";

const NOW = 1_800_000_000;
const token = (claims: { jti?: unknown; iat?: unknown; exp?: number }) => ({ jti: "tok-1", iat: NOW, exp: NOW + 300, ...claims });

describe("access token lifetime rules", () => {
  it("allow 60 s of clock skew and at most 15 minutes of life, the longest token this service issues", () => {
    expect(ACCESS_TOKEN_CLOCK_SKEW_SECONDS).toBe(60);
    expect(MAX_ACCESS_TOKEN_LIFETIME_SECONDS).toBe(15 * 60);
    expect(Math.max(CLIENT_TOKEN_TTL_SECONDS, USER_TOKEN_TTL_SECONDS)).toBe(MAX_ACCESS_TOKEN_LIFETIME_SECONDS);
  });

  it("accept a token with a jti, issued now, living 5 minutes", () => {
    expect(tokenLifetimeFault(token({}), NOW)).toBeNull();
  });

  it("refuse a token without a jti, which could never be revoked", () => {
    for (const jti of [undefined, "", 42, null]) expect(tokenLifetimeFault(token({ jti }), NOW)).toBe("missing_jti");
  });

  it("refuse a token without a numeric iat", () => {
    for (const iat of [undefined, "1800000000", Number.NaN, Number.POSITIVE_INFINITY]) expect(tokenLifetimeFault(token({ iat }), NOW)).toBe("missing_iat");
  });

  it("accept an iat up to the skew ahead of our clock, and refuse one a second further", () => {
    const at = (iat: number) => tokenLifetimeFault(token({ iat, exp: iat + 300 }), NOW);
    expect(at(NOW + ACCESS_TOKEN_CLOCK_SKEW_SECONDS)).toBeNull();
    expect(at(NOW + ACCESS_TOKEN_CLOCK_SKEW_SECONDS + 1)).toBe("issued_in_future");
  });

  it("accept a lifetime of exactly the maximum, and refuse one a second longer", () => {
    expect(tokenLifetimeFault(token({ exp: NOW + MAX_ACCESS_TOKEN_LIFETIME_SECONDS }), NOW)).toBeNull();
    expect(tokenLifetimeFault(token({ exp: NOW + MAX_ACCESS_TOKEN_LIFETIME_SECONDS + 1 }), NOW)).toBe("lifetime_too_long");
  });
});
