// Request Password Reset: answer at once, identically for known and unknown emails, and do the
// rest (credential version, code row, email) off the response path.
import { randomDigits, randomToken, newId } from "../../crypto/random";
import { composeEmail } from "../../email/compose";
import { passwordResetLinkEmail } from "../../email/templates/password-reset-link";
import { passwordResetOtpEmail } from "../../email/templates/password-reset-otp";
import { getApplication } from "../../directory/applications";
import { policyForTenant } from "../../directory/policies";
import type { Tenant } from "../../directory/tenants";
import { type User, emailKey, findUserByEmail } from "../../directory/users";
import type { PasswordResetPolicy } from "../../policy/password-reset-policy";
import { callUserObject } from "../../user-object/stub";
import { type WorkflowDeps, logBackgroundFailure } from "../deps";
import { resetLink } from "../reset-link";
import { codeHash, issueCode, subjectKey, verificationHash } from "./code-store";

export type RequestPasswordResetAnswer = { emailVerificationStrategy: "LINK" } | { emailVerificationStrategy: "OTP"; requestCode: string };

export async function requestPasswordReset(deps: WorkflowDeps, tenant: Tenant, email: string, baseUrl: string): Promise<RequestPasswordResetAnswer> {
  const { db } = deps;
  const [policy, user, application] = await Promise.all([
    policyForTenant(db, tenant),
    findUserByEmail(db, tenant.id, email),
    getApplication(db, tenant.applicationId),
  ]);
  const code = randomToken();
  const issue = {
    tenant,
    policy,
    code,
    email,
    applicationName: application?.name ?? tenant.applicationId,
    user: user?.status === "ACTIVE" ? user : null,
    baseUrl,
  };
  deps.waitUntil(issueEmailCode(deps, issue).catch((e) => logBackgroundFailure("request_password_reset.issue_failed", e)));
  return policy.emailVerificationStrategy === "OTP" ? { emailVerificationStrategy: "OTP", requestCode: code } : { emailVerificationStrategy: "LINK" };
}

interface Issue {
  tenant: Tenant;
  policy: PasswordResetPolicy;
  code: string;
  email: string;
  applicationName: string;
  user: User | null;
  baseUrl: string;
}

/**
 * An unknown or inactive email under OTP still gets a stored decoy (no user, so it can never
 * succeed), so that its requestCode locks after the same number of wrong guesses as a real one.
 */
async function issueEmailCode({ env, db }: WorkflowDeps, i: Issue): Promise<void> {
  const otp = i.policy.emailVerificationStrategy === "OTP";
  if (!i.user && !otp) return;
  const id = newId();
  const key = env.SECRET_HASH_KEY;
  const verificationCode = randomDigits(i.policy.otpLength);
  const ttlSeconds = otp ? i.policy.otpTtlSeconds : i.policy.emailLinkTtlSeconds;
  const user = i.user;
  const credentialVersion = user ? await callUserObject(env, user.id, "credentialVersion") : null;
  const email = user
    ? composeEmail(
        otp ? "PASSWORD_RESET_OTP" : "PASSWORD_RESET_LINK",
        i.tenant.applicationId,
        user.email,
        otp
          ? passwordResetOtpEmail({ applicationName: i.applicationName, verificationCode, expiresInMinutes: Math.round(ttlSeconds / 60) })
          : passwordResetLinkEmail({
              applicationName: i.applicationName,
              link: resetLink(i.policy.resetPageUrl, i.baseUrl, "emailAuthCode", i.code),
              expiresInMinutes: Math.round(ttlSeconds / 60),
            }),
      )
    : null;
  await issueCode(
    db,
    {
      id,
      applicationId: i.tenant.applicationId,
      tenantId: i.tenant.id,
      userId: user?.id ?? null,
      subjectKey: await subjectKey(key, i.tenant.id, emailKey(i.email)),
      kind: otp ? "EMAIL_OTP" : "EMAIL_LINK",
      codeHash: await codeHash(key, i.code),
      verificationHash: otp ? await verificationHash(key, id, verificationCode) : null,
      credentialVersion,
      maxAttempts: i.policy.otpMaxAttempts,
      expiresAt: Date.now() + ttlSeconds * 1000,
    },
    email,
  );
}
