// The bound on guessing an OTP, by design. An attacker who knows only a user's email, whatever
// the policy, has at most OTP_GUESS_BOUND chance per account per day: every wrong
// verificationCode entered for one tenant-and-email subject counts against a daily budget of
// 10^otpLength x OTP_GUESS_BOUND guesses, and each guess hits with probability 10^-otpLength.
// Spraying many accounts is then bounded by the caller's own rate limit. SECURITY.md has the sums.

export const OTP_GUESS_BOUND = 1e-5;
export const OTP_GUESS_WINDOW_MS = 24 * 60 * 60 * 1000;

/** Wrong verificationCodes one subject may enter per window: 10 at 6 digits, 100 at 7, … */
export function otpWrongGuessesPerDay(otpLength: number): number {
  return 10 ** (otpLength - 5);
}
