// Reset emails to one address: a cooldown after each, and a cap per window (the tenant's policy).
import type { PasswordResetPolicy } from "../policy/password-reset-policy";
import { type AddressStore, armExpiry, deleteExpiredFrom, inTransaction } from "./storage";

export type EmailSendLimit = Pick<PasswordResetPolicy, "resetEmailCooldownSeconds" | "resetEmailsPerWindow" | "resetEmailWindowSeconds">;

/**
 * Takes one of the address's reset emails if the cooldown has passed and the window has room, and
 * answers the slot (null: send nothing). Check and insert are one synchronous transaction, so
 * parallel requests cannot share a slot. A row is kept as long as the longer of the two limits
 * can still count it.
 */
export function reserveEmailSend(store: AddressStore, limit: EmailSendLimit, now: number): number | null {
  return inTransaction(store, (sql) => {
    deleteExpiredFrom(sql, "email_sends", now);
    const cooldownFrom = now - limit.resetEmailCooldownSeconds * 1000;
    const windowFrom = now - limit.resetEmailWindowSeconds * 1000;
    const { inCooldown, inWindow } = sql
      .exec<{ inCooldown: number; inWindow: number }>(
        "SELECT count(CASE WHEN sent_at > ? THEN 1 END) AS inCooldown, count(CASE WHEN sent_at > ? THEN 1 END) AS inWindow FROM email_sends",
        cooldownFrom,
        windowFrom,
      )
      .one();
    if (inCooldown > 0 || inWindow >= limit.resetEmailsPerWindow) return null;
    const keepMs = Math.max(limit.resetEmailCooldownSeconds, limit.resetEmailWindowSeconds) * 1000;
    const { id } = sql.exec<{ id: number }>("INSERT INTO email_sends (sent_at, expires_at) VALUES (?, ?) RETURNING id", now, now + keepMs).one();
    armExpiry(store, sql);
    return id;
  });
}

/** Gives back a slot whose email never reached the queue (the caller was answered 503 and will retry). */
export function releaseEmailSend(store: AddressStore, slot: number): void {
  inTransaction(store, (sql) => void sql.exec("DELETE FROM email_sends WHERE id = ?", slot));
}
