// Pure rules for password guessing against one user (login, and Change Password's current
// password): some failures for free, then a delay that doubles up to a cap, then a hard stop that
// only a password reset or change lifts (NIST SP 800-63B §5.2.2: at most 100 consecutive failures).
import type { PasswordResetPolicy } from "../policy/password-reset-policy";

export type PasswordThrottle = Pick<
  PasswordResetPolicy,
  "passwordFailuresBeforeDelay" | "passwordFailureDelaySeconds" | "passwordFailureMaxDelaySeconds" | "passwordFailureLimit"
>;

/** Consecutive attempts counted against the user since the last success, and when the latest was. */
export interface FailureCount {
  failures: number;
  lastFailedAt: number;
}

export type AttemptVerdict =
  | { allowed: true }
  /** Wait `retryAfterSeconds`, then one more attempt may be made. */
  | { allowed: false; retryAfterSeconds: number }
  /** The hard stop: nothing but a password reset or change lets the password be tried again. */
  | { allowed: false; retryAfterSeconds: null };

/** How long after the latest of `failures` counted attempts the next may be made. */
export function failureDelayMs(failures: number, t: PasswordThrottle): number {
  const over = failures - t.passwordFailuresBeforeDelay;
  if (over < 0) return 0;
  // 2^over overflows nothing: the exponent is capped well before the doubling passes the maximum.
  const seconds = Math.min(t.passwordFailureDelaySeconds * 2 ** Math.min(over, 30), t.passwordFailureMaxDelaySeconds);
  return seconds * 1000;
}

export function judgeAttempt(count: FailureCount | null, t: PasswordThrottle, now: number): AttemptVerdict {
  if (!count) return { allowed: true };
  if (count.failures >= t.passwordFailureLimit) return { allowed: false, retryAfterSeconds: null };
  const waitMs = count.lastFailedAt + failureDelayMs(count.failures, t) - now;
  return waitMs <= 0 ? { allowed: true } : { allowed: false, retryAfterSeconds: Math.ceil(waitMs / 1000) };
}
