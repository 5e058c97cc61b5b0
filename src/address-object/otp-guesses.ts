// Wrong OTP verificationCodes for one address, against its daily allowance
// (src/policy/otp-guessing.ts): the bound on guessing holds per account, whichever request's code is guessed.
import { OTP_GUESS_WINDOW_MS } from "../policy/otp-guessing";
import { type AddressStore, armExpiry, deleteExpiredFrom, inTransaction } from "./storage";

/**
 * Takes one guess of the allowance for the last OTP_GUESS_WINDOW_MS, if any is left, and answers
 * its id (null: none left). One synchronous transaction, so parallel guesses cannot share one.
 */
export function reserveOtpGuess(store: AddressStore, allowance: number, now: number): number | null {
  return inTransaction(store, (sql) => {
    deleteExpiredFrom(sql, "otp_failures", now);
    const { taken } = sql.exec<{ taken: number }>("SELECT count(*) AS taken FROM otp_failures").one();
    if (taken >= allowance) return null;
    const { id } = sql.exec<{ id: number }>("INSERT INTO otp_failures (failed_at, expires_at) VALUES (?, ?) RETURNING id", now, now + OTP_GUESS_WINDOW_MS).one();
    armExpiry(store, sql);
    return id;
  });
}

/** A right verificationCode gives its guess back. */
export function refundOtpGuess(store: AddressStore, id: number): void {
  inTransaction(store, (sql) => void sql.exec("DELETE FROM otp_failures WHERE id = ?", id));
}
