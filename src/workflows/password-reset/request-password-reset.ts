// Request Password Reset: answer at once, identically for known and unknown emails, and do the
// rest (credential version, code row, email) off the response path.
import { randomDigits, randomToken, newId } from "../../crypto/random";
import type { Language } from "../../copy/catalog";
import { composeEmail } from "../../email/compose";
import { type EmailLook, emailLookForTenant } from "../../email/look";
import { passwordResetLinkEmail } from "../../email/templates/password-reset-link";
import { passwordResetOtpEmail } from "../../email/templates/password-reset-otp";
import { policyForTenant } from "../../directory/policies";
import type { Tenant } from "../../directory/tenants";
import { type User, emailKey, findUserByEmail } from "../../directory/users";
import type { PasswordResetPolicy } from "../../policy/password-reset-policy";
import { callUserObject } from "../../user-object/stub";
import { type WorkflowDeps, logBackgroundFailure } from "../deps";
import { resetLink } from "../reset-link";
import { codeHashes, issueCode, subjectKeys, verificationHash } from "./code-store";

export type RequestPasswordResetAnswer = { emailVerificationStrategy: "LINK" } | { emailVerificationStrategy: "OTP"; requestCode: string };

/** `language`: the hosted page's language, when the page asks; otherwise the tenant's default. */
export async function requestPasswordReset(
  deps: WorkflowDeps,
  tenant: Tenant,
  email: string,
  baseUrl: string,
  language?: Language,
): Promise<RequestPasswordResetAnswer> {
  const { db } = deps;
  const [policy, user, look] = await Promise.all([
    policyForTenant(db, tenant),
    findUserByEmail(db, tenant.id, email),
    emailLookForTenant(db, tenant, language),
  ]);
  const code = randomToken();
  const issue = {
    tenant,
    policy,
    code,
    email,
    look,
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
  look: EmailLook;
  user: User | null;
  baseUrl: string;
}

/**
 * An unknown or inactive email under OTP still gets a stored decoy (no user, so it can never
 * succeed), so that its requestCode locks after the same number of wrong guesses as a real one.
 */
async function issueEmailCode({ env, config, db }: WorkflowDeps, i: Issue): Promise<void> {
  const otp = i.policy.emailVerificationStrategy === "OTP";
  const credentialVersion = i.user ? await callUserObject(env, i.user.id, "credentialVersion") : null;
  // The object refuses resets (deleted, or not yet initialised): handled like an unknown email.
  const user = credentialVersion === null ? null : i.user;
  if (!user && !otp) return;
  const id = newId();
  const keys = config.secretHashKeys;
  const subjects = await subjectKeys(keys, i.tenant.id, emailKey(i.email));
  const verificationCode = randomDigits(i.policy.otpLength);
  const ttlSeconds = otp ? i.policy.otpTtlSeconds : i.policy.emailLinkTtlSeconds;
  const email = user
    ? composeEmail(
        otp ? "PASSWORD_RESET_OTP" : "PASSWORD_RESET_LINK",
        i.tenant.applicationId,
        user.email,
        otp
          ? passwordResetOtpEmail(i.look, { verificationCode, expiresInMinutes: Math.round(ttlSeconds / 60) })
          : passwordResetLinkEmail(i.look, {
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
      subjectKey: subjects[0]!,
      kind: otp ? "EMAIL_OTP" : "EMAIL_LINK",
      codeHash: (await codeHashes(keys, i.code))[0]!,
      verificationHash: otp ? await verificationHash(keys, id, verificationCode) : null,
      credentialVersion,
      maxAttempts: i.policy.otpMaxAttempts,
      expiresAt: Date.now() + ttlSeconds * 1000,
    },
    email,
    subjects,
  );
}
