// Login attempts for an address with no active user (unknown, inactive, deleted), counted and
// judged by the same rules as a user's count (src/user-object/password-attempts.ts), so that a 429
// or its Retry-After never tells whether an account exists.
import { type AttemptVerdict, type PasswordThrottle, judgeAttempt } from "../user-object/password-attempts";
import { type AddressStore, armExpiry, deleteExpiredFrom, inTransaction } from "./storage";

/**
 * How long the count is kept after the latest attempt. A user's count lasts until a success or a
 * reset; an address with no user has no owner to reset it, so it ends here (an unknown email at
 * the hard stop may try again after 30 days).
 */
export const DECOY_FAILURE_RETENTION_MS = 30 * 24 * 60 * 60 * 1000;

/**
 * Judges the attempt and, when it may go ahead, counts it at once: one synchronous transaction, so
 * parallel attempts each take their own place in the count, as in a user's object.
 */
export function countPasswordAttempt(store: AddressStore, throttle: PasswordThrottle, now: number): AttemptVerdict {
  return inTransaction(store, (sql) => {
    deleteExpiredFrom(sql, "password_failures", now);
    const count = sql.exec<{ failures: number; lastFailedAt: number }>("SELECT failures, last_failed_at AS lastFailedAt FROM password_failures").toArray()[0] ?? null;
    const verdict = judgeAttempt(count, throttle, now);
    if (!verdict.allowed) return verdict;
    sql.exec(
      "INSERT INTO password_failures (id, failures, last_failed_at, expires_at) VALUES (1, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET failures = excluded.failures, last_failed_at = excluded.last_failed_at, expires_at = excluded.expires_at",
      (count?.failures ?? 0) + 1,
      now,
      now + DECOY_FAILURE_RETENTION_MS,
    );
    armExpiry(store, sql);
    return verdict;
  });
}
