import { DurableObject } from "cloudflare:workers";
import type { AttemptVerdict, PasswordThrottle } from "../user-object/password-attempts";
import { type AddressClaim, type ClaimHolder, claimAddress, confirmClaim, releaseClaim } from "./address-claim";
import { type EmailSendLimit, releaseEmailSend, reserveEmailSend } from "./email-sends";
import { type OtpGuess, type OtpGuessBudget, otpAttemptsTaken, refundOtpGuess, reserveOtpGuess } from "./otp-guesses";
import { countPasswordAttempt } from "./password-attempts";
import { type AddressStore, addressStore, expire } from "./storage";

export type { AddressClaim, ClaimHolder } from "./address-claim";
export type { EmailSendLimit } from "./email-sends";
export type { OtpGuess, OtpGuessBudget } from "./otp-guesses";

/**
 * One per tenant and address, named by the keyed subject (an HMAC of tenant and folded email, so
 * the id reveals neither): the counters that must be exact whether or not the address has a user.
 * Each method is one synchronous transaction over the object's SQLite, and the object runs one
 * event at a time, so parallel requests are counted exactly, without a write to the D1 primary.
 * Known and unknown addresses take this same path, so its timing tells nothing. The address's claim
 * (which user holds it) is here too, for user creation only: no reset or login path reads it.
 *
 * Time is the object's own clock. Rows expire (storage.ts); the alarm deletes them, and the whole
 * storage once nothing is left.
 */
export class AddressDurableObject extends DurableObject<Env> {
  private readonly store: AddressStore;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.store = addressStore(ctx.storage);
  }

  /** A reset email's slot under the cooldown and window cap; null: send nothing. */
  async reserveEmailSend(limit: EmailSendLimit): Promise<number | null> {
    return reserveEmailSend(this.store, limit, Date.now());
  }

  async releaseEmailSend(slot: number): Promise<void> {
    releaseEmailSend(this.store, slot);
  }

  /** One OTP guess: an attempt of its request and one of the day's allowance, together; null: either is spent. */
  async reserveOtpGuess(budget: OtpGuessBudget): Promise<OtpGuess | null> {
    return reserveOtpGuess(this.store, budget, Date.now());
  }

  async refundOtpGuess(codeId: string, guessId: number): Promise<void> {
    refundOtpGuess(this.store, codeId, guessId);
  }

  /** An OTP request's attempts taken so far; only reads. */
  async otpAttemptsTaken(codeId: string): Promise<number> {
    return otpAttemptsTaken(this.store, codeId, Date.now());
  }

  /** A login attempt for an address with no active user, judged like a user's. */
  async countPasswordAttempt(throttle: PasswordThrottle): Promise<AttemptVerdict> {
    return countPasswordAttempt(this.store, throttle, Date.now());
  }

  /** Claims the address for a user about to be created (address-claim.ts); else answers the holder. */
  async claimAddress(claimant: ClaimHolder, replacing: string | null): Promise<AddressClaim> {
    return claimAddress(this.store, claimant, replacing, Date.now());
  }

  /** The user's row is written: the claim is held until the user is deleted; false: another creation took it. */
  async confirmClaim(holder: ClaimHolder, replacing: string | null): Promise<boolean> {
    return confirmClaim(this.store, holder, replacing);
  }

  async releaseClaim(userId: string): Promise<void> {
    releaseClaim(this.store, userId);
  }

  override async alarm(): Promise<void> {
    await expire(this.store);
  }
}
