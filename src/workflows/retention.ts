// Retention, run daily by the cron trigger: rows that can no longer change any answer are deleted,
// and audit events past their retention (src/audit/retention.ts).
import { lt } from "drizzle-orm";
import { pruneAuditEvents } from "../audit/retention";
import type { Database } from "../db/client";
import { codeFailures, decoyPasswordFailures, resetCodes, resetEmailSends, revokedAccessTokens } from "../db/schema";
import { OTP_GUESS_WINDOW_MS } from "../policy/otp-guessing";

/** Expired codes answer EXPIRED_CODE for this long, then INVALID_CODE once their row is gone. */
export const EXPIRED_CODE_RETENTION_MS = 7 * 24 * 60 * 60 * 1000;

/**
 * Login failures for emails without an active user are kept this long after the latest one. A
 * real user's count lives in its object until a success or a reset; a decoy's, with no owner to
 * reset it, ends here (so an unknown email at the hard stop is let try again after 30 days).
 */
export const DECOY_FAILURE_RETENTION_MS = 30 * 24 * 60 * 60 * 1000;
/** The longest reset email window a policy may set (resetEmailWindowSeconds). */
export const RESET_EMAIL_SEND_RETENTION_MS = 24 * 60 * 60 * 1000;

export async function pruneExpiredRows(db: Database, now: number): Promise<void> {
  await db.batch([
    db.delete(resetCodes).where(lt(resetCodes.expiresAt, now - EXPIRED_CODE_RETENTION_MS)),
    db.delete(codeFailures).where(lt(codeFailures.failedAt, now - OTP_GUESS_WINDOW_MS)),
    // A revoked token's row matters only until the token's own exp; after that, exp alone rejects it.
    db.delete(revokedAccessTokens).where(lt(revokedAccessTokens.expiresAt, now)),
    db.delete(decoyPasswordFailures).where(lt(decoyPasswordFailures.lastFailedAt, now - DECOY_FAILURE_RETENTION_MS)),
    db.delete(resetEmailSends).where(lt(resetEmailSends.sentAt, now - RESET_EMAIL_SEND_RETENTION_MS)),
  ]);
  await pruneAuditEvents(db, now);
}
