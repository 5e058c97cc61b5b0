// The user's password: the version reset codes are issued at, and the change that bumps it,
// revokes every session and refresh token and queues the Password Updated notice in one commit.
import { DECOY_PASSWORD_HASH, hashPassword, normalizePassword, verifyPassword } from "../crypto/password-hash";
import type { PasswordUpdatedJob } from "../email/message";
import type { PasswordResetPolicy } from "../policy/password-reset-policy";
import { type PasswordViolation, SAME_AS_CURRENT, passwordViolations } from "../policy/password-rules";
import { type CodeIssue, recordCodeIssue, supersededCode } from "./code-generations";
import { activeCredential, writeCredential } from "./credential-row";
import { scheduleHousekeeping } from "./housekeeping";
import { queueEmail } from "./outbox-relay";
import type { PasswordThrottle } from "./password-attempts";
import { type TooManyAttempts, clearFailures, countAttempt } from "./password-failures";
import type { CredentialRow } from "./schema";
import type { UserKeys, UserStore } from "./store";

export type ChangePasswordOutcome =
  | { outcome: "UPDATED"; credentialVersion: number }
  /** Never initialised, deleted or inactive: nothing can change. */
  | { outcome: "NOT_ACTIVE" }
  | { outcome: "STALE" }
  | { outcome: "WRONG_CURRENT_PASSWORD" }
  | TooManyAttempts
  | { outcome: "POLICY_VIOLATION"; violations: PasswordViolation[] };

export interface ChangePasswordInput {
  newPassword: string;
  policy: Pick<PasswordResetPolicy, "passwordMinLength" | "passwordMaxLength"> & PasswordThrottle;
  /** The user's email, for `contains_email`. */
  email?: string;
  /** The breached-password check found the new password (src/workflows/breached-password.ts). */
  breached?: boolean;
  /** Reset codes: the credential version the code was issued at. The change applies only if it still holds. */
  expectedCredentialVersion?: number;
  /** Reset codes: the code's id, recorded with the change so that a retry gets the same answer. */
  codeId?: string;
  /** Reset codes: the code's family and generation; refused when a newer one was issued (code-generations.ts). */
  codeIssue?: CodeIssue;
  /** Change Password: the password the user says is current. */
  currentPassword?: string;
  notification?: PasswordUpdatedJob;
}

/**
 * The version reset codes are issued at; null when the user may not reset (never created, deleted,
 * inactive). `issuing`: the codes about to be issued at it, recorded as their family's newest first.
 */
export function credentialVersion(store: UserStore, issuing?: CodeIssue): number | null {
  if (!store.hasStorage) return null;
  return store.storage.transactionSync(() => {
    const c = activeCredential(store);
    if (c && issuing) recordCodeIssue(store, issuing);
    return c?.credentialVersion ?? null;
  });
}

/**
 * Checks in the order a caller would see if requests ran one at a time: a stale code first, then
 * the current password, then the policy (lengths, contains_email, breached, then same_as_current), then commits.
 */
export async function changePassword(store: UserStore, keys: UserKeys, input: ChangePasswordInput): Promise<ChangePasswordOutcome> {
  const pepper = await keys.peppers();
  const start = activeCredential(store);
  if (!start) return { outcome: "NOT_ACTIVE" };
  if (supersededCode(store, input.codeIssue)) return { outcome: "STALE" };
  if (input.expectedCredentialVersion !== undefined && start.credentialVersion !== input.expectedCredentialVersion) {
    return (await replayedChange(store, keys, start, input)) ?? { outcome: "STALE" };
  }
  if (input.currentPassword !== undefined) {
    const verdict = countAttempt(store, input.policy);
    if (!verdict.allowed) return { outcome: "TOO_MANY_ATTEMPTS", retryAfterSeconds: verdict.retryAfterSeconds };
    const check = await verifyPassword(input.currentPassword, start.passwordHash ?? DECOY_PASSWORD_HASH, pepper);
    if (!start.passwordHash || !check.valid) return { outcome: "WRONG_CURRENT_PASSWORD" };
    clearFailures(store);
  }
  const violations = passwordViolations(input.newPassword, input.policy, input.email, input.breached);
  if (violations.length) return { outcome: "POLICY_VIOLATION", violations };
  if (start.passwordHash) {
    // Once the current password has verified, the new one matches the stored hash exactly when
    // their normal forms are equal, so only a reset by code derives here. Why the new hash is not
    // this derivation under the stored salt: SECURITY.md, "One salt per stored hash".
    const same =
      input.currentPassword !== undefined
        ? normalizePassword(input.currentPassword) === normalizePassword(input.newPassword)
        : (await verifyPassword(input.newPassword, start.passwordHash, pepper)).valid;
    // A concurrent change may have landed during the hash; then this request lost the race.
    if (activeCredential(store)?.credentialVersion !== start.credentialVersion) return { outcome: "STALE" };
    if (same) return { outcome: "POLICY_VIOLATION", violations: [SAME_AS_CURRENT] };
  }
  const newHash = await hashPassword(input.newPassword, pepper);
  // Check-and-set after the last await: the version read at the start must still hold. The new
  // password, the revocation of everything and the notice commit together or not at all.
  return store.storage.transactionSync(() => {
    const now = activeCredential(store);
    if (now?.credentialVersion !== start.credentialVersion || supersededCode(store, input.codeIssue)) return { outcome: "STALE" } as const;
    writeCredential(store, {
      status: now.status,
      passwordHash: newHash,
      credentialVersion: now.credentialVersion + 1,
      sessionEpoch: now.sessionEpoch + 1,
      refreshEpoch: now.refreshEpoch + 1,
      changedByCode: input.codeId ?? null,
    });
    // Guesses counted so far were against the old password.
    clearFailures(store);
    if (input.notification) queueEmail(store, input.notification);
    scheduleHousekeeping(store);
    return { outcome: "UPDATED", credentialVersion: now.credentialVersion + 1 } as const;
  });
}

/**
 * The outcome this code's change committed, for a retry whose first answer was lost (a 503
 * after the commit): the same code with the same new password, while that change is still the
 * latest. Anything else, a different password included, is a spent code.
 */
async function replayedChange(store: UserStore, keys: UserKeys, start: CredentialRow, input: ChangePasswordInput): Promise<ChangePasswordOutcome | null> {
  const hash = start.passwordHash;
  if (input.codeId === undefined || start.changedByCode !== input.codeId || hash === null) return null;
  if (start.credentialVersion !== (input.expectedCredentialVersion ?? Number.NaN) + 1) return null;
  if (!(await verifyPassword(input.newPassword, hash, await keys.peppers())).valid) return null;
  if (activeCredential(store)?.credentialVersion !== start.credentialVersion) return null;
  return { outcome: "UPDATED", credentialVersion: start.credentialVersion };
}
