// What each kind of job sends. `prepare` reads what the email needs and builds whatever secret it
// carries, fresh on every attempt, without writing: the consumer stores the codes of a whole batch
// in one D1 batch, then renders each email that its codes were issued for.
import type { Database } from "../../db/client";
import { type JobUser, findResetRecipient, resetEmailCodes } from "../password-reset/issue-email-code";
import type { EmailCodeIssue } from "../password-reset/code-store";
import { emailLookForTenant } from "../../email/look";
import type { EmailJob, PasswordResetJob, PasswordUpdatedJob, RenderedEmail } from "../../email/message";
import { DeliveryError } from "../../email/providers/provider";
import { passwordResetLinkEmail } from "../../email/templates/password-reset-link";
import { passwordResetOtpEmail } from "../../email/templates/password-reset-otp";
import { passwordUpdatedEmail } from "../../email/templates/password-updated";

/**
 * The least time a reset email's codes must have left for it to be sent. A retry keeps the codes'
 * first expiry (code-store.ts emailCodeInsert), so a late one would carry a dead code, or one that
 * dies before the reader can use it: the job then fails as CODE_EXPIRED and the user asks again.
 */
export const MIN_CODE_LIFETIME_SECONDS = 60;

/** The delivery's lastError when its codes had less than MIN_CODE_LIFETIME_SECONDS left. */
export const CODE_EXPIRED = "code_expired";

/** What storing an email's codes gave: the earliest expiry of the rows, which a retry keeps from its first issue. */
export interface StoredCodes {
  expiresAt: number;
}

export interface PreparedEmail {
  to: string;
  fromName: string;
  /** The codes the email carries, stored with the attempt's start; null for a notice. */
  codes: EmailCodeIssue | null;
  /**
   * The email, given what its codes were stored as (null: none issued, so the job became moot, as
   * when a newer request superseded it; ignored by an email without codes). Throws CODE_EXPIRED,
   * permanent, when too little time is left.
   */
  render(stored: StoredCodes | null): RenderedEmail | null;
}

/** Nothing to send (an unknown email), maybe with a decoy to store; or the email to send. */
export type Preparation = { email: null; decoy: EmailCodeIssue | null } | { email: PreparedEmail; decoy: null };

/** `jobUser`: a reset job's user, as the batch looked it up (usersOfJobs). */
export function prepareEmail(env: Env, db: Database, job: EmailJob, jobUser: JobUser): Promise<Preparation> {
  return job.kind === "PASSWORD_RESET" ? prepareResetEmail(env, db, job, jobUser) : preparePasswordUpdatedEmail(db, job);
}

async function prepareResetEmail(env: Env, db: Database, job: PasswordResetJob, jobUser: JobUser): Promise<Preparation> {
  const { recipient, decoy } = await findResetRecipient(env, db, job, jobUser);
  if (!recipient) return { email: null, decoy };
  const [look, { issue, emailed }] = await Promise.all([emailLookForTenant(db, recipient.tenant, job.language ?? undefined), resetEmailCodes(env, recipient, job)]);
  const email: PreparedEmail = {
    to: recipient.user.email,
    fromName: look.theme.displayName,
    codes: issue,
    render(stored) {
      if (!stored) return null;
      const code = emailed(stored.expiresAt);
      if (code.secondsLeft < MIN_CODE_LIFETIME_SECONDS) throw new DeliveryError(CODE_EXPIRED, true);
      return code.template === "PASSWORD_RESET_OTP"
        ? passwordResetOtpEmail(look, { verificationCode: code.verificationCode, link: code.link, expiresInMinutes: code.expiresInMinutes })
        : passwordResetLinkEmail(look, { link: code.link, expiresInMinutes: code.expiresInMinutes });
    },
  };
  return { email, decoy: null };
}

async function preparePasswordUpdatedEmail(db: Database, job: PasswordUpdatedJob): Promise<Preparation> {
  const look = await emailLookForTenant(db, { id: job.tenantId, applicationId: job.applicationId });
  const email: PreparedEmail = { to: job.to, fromName: look.theme.displayName, codes: null, render: () => passwordUpdatedEmail(look, { loginUrl: job.loginUrl }) };
  return { email, decoy: null };
}
