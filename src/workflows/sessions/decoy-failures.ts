// Login attempts for an email with no active user (unknown, inactive, deleted) are counted and
// throttled exactly like a real user's (src/user-object/password-attempts.ts), in the address's
// Durable Object named by the tenant-and-email subject: one object call, as a known email's login
// is, and no D1 write, so neither a 429 nor the time to answer tells whether an account exists.
import { callAddressObject } from "../../address-object/stub";
import type { PasswordResetPolicy } from "../../policy/password-reset-policy";
import type { AttemptVerdict, PasswordThrottle } from "../../user-object/password-attempts";

export function countDecoyAttempt(env: Pick<Env, "ADDRESSES">, subject: string, policy: PasswordThrottle & Pick<PasswordResetPolicy, "userObjectLocation">): Promise<AttemptVerdict> {
  return callAddressObject(env, { subject, location: policy.userObjectLocation }, "countPasswordAttempt", policy);
}
