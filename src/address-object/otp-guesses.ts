// Wrong OTP verificationCodes, against two budgets taken together: the OTP request's own attempts
// (its maxAttempts, counted per request until it expires) and the address's daily allowance
// (src/policy/otp-guessing.ts), which bounds guessing per account whichever request is guessed.
import { OTP_GUESS_WINDOW_MS } from "../policy/otp-guessing";
import { type AddressStore, armExpiry, deleteExpiredFrom, hasTable, inTransaction } from "./storage";

export interface OtpGuessBudget {
  /** The OTP request (reset_codes.id) whose attempts the guess takes. */
  codeId: string;
  /** Attempts the request may take. */
  maxAttempts: number;
  /** When the request expires: its count is kept until then. */
  expiresAt: number;
  /** Wrong guesses the address may enter per OTP_GUESS_WINDOW_MS. */
  allowance: number;
}

/** A guess held against both budgets: the request's attempts now taken, and the allowance's row to give back. */
export interface OtpGuess {
  attempts: number;
  guessId: number;
}

/**
 * Takes one of the request's attempts and one of the day's allowance, both or neither (null: either
 * is spent). One synchronous transaction, so parallel guesses cannot share either, and a guess the
 * allowance turns away costs the request nothing. The count lives until the request's expiry,
 * which a delivery retry never moves (code-store.ts emailCodeInsert), so it outlives every chance
 * to verify the code; max() keeps the later one should a row ever say otherwise.
 */
export function reserveOtpGuess(store: AddressStore, budget: OtpGuessBudget, now: number): OtpGuess | null {
  return inTransaction(store, (sql) => {
    deleteExpiredFrom(sql, "otp_attempts", now);
    deleteExpiredFrom(sql, "otp_failures", now);
    const taken = takenFrom(sql, budget.codeId, now);
    if (taken >= budget.maxAttempts) return null;
    const { spent } = sql.exec<{ spent: number }>("SELECT count(*) AS spent FROM otp_failures").one();
    if (spent >= budget.allowance) return null;
    sql.exec(
      "INSERT INTO otp_attempts (code_id, taken, expires_at) VALUES (?, 1, ?) ON CONFLICT (code_id) DO UPDATE SET taken = taken + 1, expires_at = max(expires_at, excluded.expires_at)",
      budget.codeId,
      budget.expiresAt,
    );
    const { id } = sql.exec<{ id: number }>("INSERT INTO otp_failures (failed_at, expires_at) VALUES (?, ?) RETURNING id", now, now + OTP_GUESS_WINDOW_MS).one();
    armExpiry(store, sql);
    return { attempts: taken + 1, guessId: id };
  });
}

/** A right verificationCode gives back both: the request's attempt and the allowance's guess. */
export function refundOtpGuess(store: AddressStore, codeId: string, guessId: number): void {
  inTransaction(store, (sql) => {
    sql.exec("UPDATE otp_attempts SET taken = taken - 1 WHERE code_id = ? AND taken > 0", codeId);
    sql.exec("DELETE FROM otp_failures WHERE id = ?", guessId);
  });
}

/** The request's attempts taken so far, for a page that only looks: reading creates no storage. */
export function otpAttemptsTaken(store: AddressStore, codeId: string, now: number): number {
  if (!store.ready && !hasTable(store.storage, "otp_attempts")) return 0;
  return takenFrom(store.storage.sql, codeId, now);
}

function takenFrom(sql: SqlStorage, codeId: string, now: number): number {
  return sql.exec<{ taken: number }>("SELECT taken FROM otp_attempts WHERE code_id = ? AND expires_at > ?", codeId, now).toArray()[0]?.taken ?? 0;
}
