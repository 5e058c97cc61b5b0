// The breached-password check every way of setting a password goes through (Reset Password in each
// mode, Change Password, user creation), as the tenant's policy says: whether to ask at all, and
// what an unanswered question means. Open: the password is judged on the other rules alone, and
// the failure is logged by its class and reason only. Closed: the change is refused with a
// retryable 503 `breached_check_unavailable`, and nothing is changed.
import type { PasswordResetPolicy } from "../policy/password-reset-policy";
import { type PasswordViolation, passwordViolations } from "../policy/password-rules";
import { BreachCheckUnavailable, isBreachedPassword, rangeBaseUrl } from "../breached-passwords/pwned-passwords";

type BreachPolicy = Pick<PasswordResetPolicy, "checkBreachedPasswords" | "breachedCheckFailure">;

/** Whether the policy's check finds the password in a breach; throws BreachCheckUnavailable only when it fails closed. */
export async function breachedUnderPolicy(env: Env, policy: BreachPolicy, password: string): Promise<boolean> {
  if (!policy.checkBreachedPasswords) return false;
  try {
    return await isBreachedPassword(password, rangeBaseUrl(env));
  } catch (e) {
    if (!(e instanceof BreachCheckUnavailable) || policy.breachedCheckFailure === "closed") throw e;
    console.warn(JSON.stringify({ event: "breached_check.unavailable", error: e.name, reason: e.reason, failure: "open" }));
    return false;
  }
}

/** Every rule a new user's first password breaks, the breach check included. */
export async function newUserPasswordViolations(
  env: Env,
  policy: PasswordResetPolicy,
  password: string,
  email: string,
): Promise<PasswordViolation[]> {
  return passwordViolations(password, policy, email, await breachedUnderPolicy(env, policy, password));
}
