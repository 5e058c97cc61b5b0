// The user-dependent half of Request Password Reset, run by the email queue's consumer for each
// job: find the active user the email belongs to, then issue the code the email will carry.
import { publicBaseUrl } from "../../config/public-origin";
import { serviceConfig } from "../../config/service-config";
import { newId, randomDigits, randomToken } from "../../crypto/random";
import { policyForTenant } from "../../directory/policies";
import { type Tenant, getTenant } from "../../directory/tenants";
import { type User, emailKey, findUserByEmail } from "../../directory/users";
import type { PasswordResetJob } from "../../email/message";
import type { Database } from "../../db/client";
import type { PasswordResetPolicy } from "../../policy/password-reset-policy";
import { callUserObject } from "../../user-object/stub";
import { resetLink } from "../reset-link";
import { type NewCode, codeHashes, issueEmailCode, subjectKeys, verificationHash } from "./code-store";

export interface ResetRecipient {
  tenant: Tenant;
  policy: PasswordResetPolicy;
  user: User;
  /** Read from the user's object on this attempt: the code is issued at it. */
  credentialVersion: number;
}

export type EmailedCode =
  | { template: "PASSWORD_RESET_LINK"; link: string; expiresInMinutes: number }
  | { template: "PASSWORD_RESET_OTP"; verificationCode: string; expiresInMinutes: number };

/**
 * The active user the job's email belongs to, or null. For an unknown or inactive email under OTP,
 * or a user whose object refuses resets (deleted), it stores a decoy first (no user, so it can
 * never succeed), so that the caller's requestCode locks after the same number of wrong guesses
 * as a real one.
 */
export async function resetEmailRecipient(env: Env, db: Database, job: PasswordResetJob): Promise<ResetRecipient | null> {
  const tenant = await getTenant(db, job.tenantId);
  if (!tenant) return null;
  const [policy, user] = await Promise.all([policyForTenant(db, tenant), findUserByEmail(db, tenant.id, job.to)]);
  const credentialVersion = user?.status === "ACTIVE" ? await callUserObject(env, user.id, "credentialVersion") : null;
  if (!user || credentialVersion === null) {
    if (job.requestCodeHash) await issueOtpCode(env, db, await otpRow(env, tenant, policy, job, null, randomDigits(policy.otpLength)), job);
    return null;
  }
  return { tenant, policy, user, credentialVersion };
}

/**
 * Issues the code for one delivery attempt: every attempt gets a fresh one, and only its keyed
 * hash is stored. Null when a newer request, or the spending of this one, made the job moot.
 */
export async function issueResetEmailCode(env: Env, db: Database, r: ResetRecipient, job: PasswordResetJob): Promise<EmailedCode | null> {
  const credentialVersion = r.credentialVersion;
  if (job.template === "PASSWORD_RESET_OTP") {
    const verificationCode = randomDigits(r.policy.otpLength);
    const issued = await issueOtpCode(env, db, await otpRow(env, r.tenant, r.policy, job, { userId: r.user.id, credentialVersion }, verificationCode), job);
    return issued ? { template: job.template, verificationCode, expiresInMinutes: Math.round(r.policy.otpTtlSeconds / 60) } : null;
  }
  const emailAuthCode = randomToken();
  const keys = (await serviceConfig(env)).secretHashKeys;
  const subjects = await subjectKeys(keys, r.tenant.id, emailKey(job.to));
  const issued = await issueEmailCode(
    db,
    {
      id: newId(),
      applicationId: r.tenant.applicationId,
      tenantId: r.tenant.id,
      userId: r.user.id,
      subjectKey: subjects[0]!,
      kind: "EMAIL_LINK",
      codeHash: (await codeHashes(keys, emailAuthCode))[0]!,
      verificationHash: null,
      credentialVersion,
      maxAttempts: r.policy.otpMaxAttempts,
      expiresAt: Date.now() + r.policy.emailLinkTtlSeconds * 1000,
    },
    job.createdAt,
    subjects,
  );
  if (!issued) return null;
  const link = resetLink(r.policy.resetPageUrl, publicBaseUrl(env), "emailAuthCode", emailAuthCode);
  return { template: "PASSWORD_RESET_LINK", link, expiresInMinutes: Math.round(r.policy.emailLinkTtlSeconds / 60) };
}

/** The OTP request row the caller's requestCode names: its id is the job's, stable across attempts. */
async function otpRow(
  env: Env,
  tenant: Tenant,
  policy: PasswordResetPolicy,
  job: PasswordResetJob,
  user: { userId: string; credentialVersion: number } | null,
  verificationCode: string,
): Promise<NewCode> {
  if (!job.requestCodeHash) throw new TypeError("An OTP job carries its requestCode's hash.");
  const keys = (await serviceConfig(env)).secretHashKeys;
  return {
    id: job.id,
    applicationId: tenant.applicationId,
    tenantId: tenant.id,
    userId: user?.userId ?? null,
    subjectKey: (await subjectKeys(keys, tenant.id, emailKey(job.to)))[0]!,
    kind: "EMAIL_OTP",
    codeHash: job.requestCodeHash,
    verificationHash: await verificationHash(keys, job.id, verificationCode),
    credentialVersion: user?.credentialVersion ?? null,
    maxAttempts: policy.otpMaxAttempts,
    expiresAt: Date.now() + policy.otpTtlSeconds * 1000,
  };
}

/** Supersedes the subject's older codes under every configured key, not only the current one. */
async function issueOtpCode(env: Env, db: Database, row: NewCode, job: PasswordResetJob): Promise<boolean> {
  const subjects = await subjectKeys((await serviceConfig(env)).secretHashKeys, row.tenantId, emailKey(job.to));
  return issueEmailCode(db, row, job.createdAt, subjects);
}
