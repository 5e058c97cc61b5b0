// The rules for password guessing against one user, as pure functions of the count and the clock.
import { describe, expect, it } from "vitest";
import { POLICY_DEFAULTS } from "../../src/policy/password-reset-policy";
import { failureDelayMs, judgeAttempt } from "../../src/user-object/password-attempts";

const T0 = Date.UTC(2031, 0, 1);

describe("password attempts", () => {
  it("by default: 5 failures for free, then 1 s doubling to 15 minutes, and a hard stop at 100 (NIST SP 800-63B)", () => {
    expect([0, 4].map((n) => failureDelayMs(n, POLICY_DEFAULTS))).toEqual([0, 0]);
    expect([5, 6, 7, 14].map((n) => failureDelayMs(n, POLICY_DEFAULTS))).toEqual([1000, 2000, 4000, 512_000]);
    expect([15, 99, 10_000].map((n) => failureDelayMs(n, POLICY_DEFAULTS))).toEqual([900_000, 900_000, 900_000]);
    expect(judgeAttempt({ failures: 99, lastFailedAt: T0 }, POLICY_DEFAULTS, T0 + 900_000)).toEqual({ allowed: true });
    expect(judgeAttempt({ failures: 100, lastFailedAt: T0 }, POLICY_DEFAULTS, T0 + 365 * 86_400_000)).toEqual({ allowed: false, retryAfterSeconds: null });
  });

  it("answers how long to wait, rounded up to whole seconds", () => {
    expect(judgeAttempt(null, POLICY_DEFAULTS, T0)).toEqual({ allowed: true });
    expect(judgeAttempt({ failures: 4, lastFailedAt: T0 }, POLICY_DEFAULTS, T0)).toEqual({ allowed: true });
    expect(judgeAttempt({ failures: 7, lastFailedAt: T0 }, POLICY_DEFAULTS, T0 + 1)).toEqual({ allowed: false, retryAfterSeconds: 4 });
    expect(judgeAttempt({ failures: 7, lastFailedAt: T0 }, POLICY_DEFAULTS, T0 + 3001)).toEqual({ allowed: false, retryAfterSeconds: 1 });
    expect(judgeAttempt({ failures: 7, lastFailedAt: T0 }, POLICY_DEFAULTS, T0 + 4000)).toEqual({ allowed: true });
  });
});
