// The password reset policy: defaults, overridden by the application's settings, overridden in
// turn by the tenant's. Pure: storage lives in src/directory/policies.ts.
import type { UserObjectLocation } from "./object-location";

export interface PasswordResetPolicy {
  emailVerificationStrategy: "LINK" | "OTP";
  emailLinkTtlSeconds: number;
  otpTtlSeconds: number;
  resetLinkTtlSeconds: number;
  otpLength: number;
  otpMaxAttempts: number;
  passwordMinLength: number;
  passwordMaxLength: number;
  resetPageUrl: string | null;
  loginUrl: string | null;
  sendPasswordUpdatedEmail: boolean;
  sessionIdleTtlSeconds: number;
  sessionAbsoluteTtlSeconds: number;
  /** A Cloudflare Turnstile challenge on the hosted forgot-password form. */
  forgotPasswordTurnstile: boolean;
  /** Refuse a new password found in Have I Been Pwned's corpus (`breached`). */
  checkBreachedPasswords: boolean;
  /** When that check cannot answer: "open" judges on the other rules, "closed" refuses with 503. */
  breachedCheckFailure: "open" | "closed";
  /** Wrong passwords (login, Change Password) a user may make in a row before each attempt waits. */
  passwordFailuresBeforeDelay: number;
  /** The first wait; it doubles with each further failure up to the maximum. */
  passwordFailureDelaySeconds: number;
  passwordFailureMaxDelaySeconds: number;
  /** Consecutive failures after which only a password reset or change lets the password be tried. */
  passwordFailureLimit: number;
  resetEmailCooldownSeconds: number;
  resetEmailsPerWindow: number;
  resetEmailWindowSeconds: number;
  /** Where new users' objects (and the address counters) are made: a location hint, `eu`, or null for no preference. */
  userObjectLocation: UserObjectLocation | null;
}

/** Stored settings of one level: null (or absent) inherits from the level above. */
export type PolicySettings = { [K in keyof PasswordResetPolicy]?: PasswordResetPolicy[K] | null };

export const POLICY_DEFAULTS: PasswordResetPolicy = {
  emailVerificationStrategy: "LINK",
  emailLinkTtlSeconds: 60 * 60,
  otpTtlSeconds: 15 * 60,
  resetLinkTtlSeconds: 24 * 60 * 60,
  otpLength: 6,
  otpMaxAttempts: 5,
  passwordMinLength: 8,
  passwordMaxLength: 256,
  resetPageUrl: null,
  loginUrl: null,
  sendPasswordUpdatedEmail: true,
  sessionIdleTtlSeconds: 7 * 24 * 60 * 60,
  sessionAbsoluteTtlSeconds: 30 * 24 * 60 * 60,
  forgotPasswordTurnstile: false,
  checkBreachedPasswords: true,
  breachedCheckFailure: "open",
  passwordFailuresBeforeDelay: 5,
  passwordFailureDelaySeconds: 1,
  passwordFailureMaxDelaySeconds: 15 * 60,
  // NIST SP 800-63B §5.2.2 allows at most 100 consecutive failed attempts on one account.
  passwordFailureLimit: 100,
  resetEmailCooldownSeconds: 60,
  resetEmailsPerWindow: 3,
  resetEmailWindowSeconds: 15 * 60,
  userObjectLocation: null,
};

export function effectivePolicy(...levels: (PolicySettings | null | undefined)[]): PasswordResetPolicy {
  const out: Record<string, unknown> = { ...POLICY_DEFAULTS };
  for (const level of levels) {
    for (const [key, value] of Object.entries(level ?? {})) {
      if (value !== null && value !== undefined && key in POLICY_DEFAULTS) out[key] = value;
    }
  }
  return out as unknown as PasswordResetPolicy;
}

/** Cross-field rules an override must keep, checked on the effective result. */
export function policyConflicts(p: PasswordResetPolicy): string[] {
  const conflicts: string[] = [];
  if (p.passwordMinLength > p.passwordMaxLength) conflicts.push("passwordMinLength");
  if (p.sessionIdleTtlSeconds > p.sessionAbsoluteTtlSeconds) conflicts.push("sessionIdleTtlSeconds");
  if (p.passwordFailureDelaySeconds > p.passwordFailureMaxDelaySeconds) conflicts.push("passwordFailureDelaySeconds");
  return conflicts;
}
