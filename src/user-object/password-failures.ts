// The stored count of password guesses against this user (login, Change Password's current
// password), judged by the rules in password-attempts.ts.
import { eq } from "drizzle-orm";
import { type AttemptVerdict, type PasswordThrottle, judgeAttempt } from "./password-attempts";
import { passwordFailures } from "./schema";
import type { UserStore } from "./store";

/** Too many wrong passwords in a row: wait `retryAfterSeconds`, or, when null, reset the password. */
export type TooManyAttempts = { outcome: "TOO_MANY_ATTEMPTS"; retryAfterSeconds: number | null };

/**
 * Judges a password attempt and, when it may go ahead, counts it as a failure at once: check and
 * count are one synchronous step, so parallel guesses each take their own place in the count
 * before any of them reaches the hash. A right password then clears the count.
 */
export function countAttempt(store: UserStore, throttle: PasswordThrottle): AttemptVerdict {
  return store.storage.transactionSync(() => {
    const now = Date.now();
    const count = store.db.select().from(passwordFailures).where(eq(passwordFailures.id, 1)).get() ?? null;
    const verdict = judgeAttempt(count, throttle, now);
    if (verdict.allowed) {
      const failures = (count?.failures ?? 0) + 1;
      store.db
        .insert(passwordFailures)
        .values({ id: 1, failures, lastFailedAt: now })
        .onConflictDoUpdate({ target: passwordFailures.id, set: { failures, lastFailedAt: now } })
        .run();
    }
    return verdict;
  });
}

export function clearFailures(store: UserStore): void {
  store.db.delete(passwordFailures).run();
}
