// The OTP guessing bound, as arithmetic: for every otpLength a policy may set, the day's budget of
// wrong codes for one account, times the chance of each guess, is at most 1 in 100,000.
import { describe, expect, it } from "vitest";
import { OTP_GUESS_BOUND, otpWrongGuessesPerDay } from "../../src/policy/otp-guessing";
import { POLICY_DEFAULTS } from "../../src/policy/password-reset-policy";

describe("the OTP guessing bound", () => {
  it("holds for every otpLength the policy accepts (6 to 10), and leaves the owner at least 10 typos a day", () => {
    for (let digits = 6; digits <= 10; digits++) {
      const guesses = otpWrongGuessesPerDay(digits);
      expect(guesses / 10 ** digits).toBeLessThanOrEqual(OTP_GUESS_BOUND);
      expect(guesses).toBeGreaterThanOrEqual(10);
    }
    expect(OTP_GUESS_BOUND).toBe(1 / 100_000);
  });

  it("gives 10 wrong codes a day at the default 6 digits", () => {
    expect(POLICY_DEFAULTS.otpLength).toBe(6);
    expect(otpWrongGuessesPerDay(POLICY_DEFAULTS.otpLength)).toBe(10);
  });
});
