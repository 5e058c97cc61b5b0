// Login attempts for an email with no active user (unknown, inactive, deleted) are counted and
// throttled exactly like a real user's (src/user-object/password-attempts.ts), in D1 by the
// tenant-and-email subject, so a 429 or its Retry-After never tells whether an account exists.
import { eq, sql } from "drizzle-orm";
import type { Database } from "../../db/client";
import { decoyPasswordFailures } from "../../db/schema";
import { type AttemptVerdict, type PasswordThrottle, judgeAttempt } from "../../user-object/password-attempts";

/**
 * Counts the attempt if `judgeAttempt` would let it go ahead, in one guarded statement, so that
 * parallel attempts each take their own place in the count as they do in a user's object. The
 * guard is `judgeAttempt` in SQL: under the limit, and either a free failure or past the delay,
 * which doubles (`<<`) from the first delay up to the maximum.
 */
export async function countDecoyAttempt(db: Database, subject: string, t: PasswordThrottle, now: number): Promise<AttemptVerdict> {
  const counted = await db.all<{ failures: number }>(sql`
    INSERT INTO decoy_password_failures (subject_key, failures, last_failed_at) VALUES (${subject}, 1, ${now})
    ON CONFLICT (subject_key) DO UPDATE SET failures = failures + 1, last_failed_at = ${now}
    WHERE failures < ${t.passwordFailureLimit}
      AND (failures < ${t.passwordFailuresBeforeDelay}
        OR ${now} >= last_failed_at + 1000 * min(${t.passwordFailureDelaySeconds} << min(failures - ${t.passwordFailuresBeforeDelay}, 30), ${t.passwordFailureMaxDelaySeconds}))
    RETURNING failures`);
  if (counted.length > 0) return { allowed: true };
  const count = await db.select().from(decoyPasswordFailures).where(eq(decoyPasswordFailures.subjectKey, subject)).get();
  const verdict = judgeAttempt(count ?? null, t, now);
  // The row moved on between the two statements: another attempt was counted just now.
  return verdict.allowed ? { allowed: false, retryAfterSeconds: 1 } : verdict;
}
