// What each kind of job sends. `prepare` finds the recipient (null: nothing to send, as for an
// unknown email); `render` then issues whatever secret the email carries, fresh on every attempt,
// and renders it (null: the job became moot, as when a newer request superseded it).
import type { Database } from "../../db/client";
import { issueResetEmailCode, resetEmailRecipient } from "../password-reset/issue-email-code";
import { emailLookForTenant } from "../../email/look";
import type { EmailJob, PasswordResetJob, PasswordUpdatedJob, RenderedEmail } from "../../email/message";
import { passwordResetLinkEmail } from "../../email/templates/password-reset-link";
import { passwordResetOtpEmail } from "../../email/templates/password-reset-otp";
import { passwordUpdatedEmail } from "../../email/templates/password-updated";

export interface PreparedEmail {
  to: string;
  fromName: string;
  render(): Promise<RenderedEmail | null>;
}

export function prepareEmail(env: Env, db: Database, job: EmailJob): Promise<PreparedEmail | null> {
  return job.kind === "PASSWORD_RESET" ? prepareResetEmail(env, db, job) : preparePasswordUpdatedEmail(db, job);
}

async function prepareResetEmail(env: Env, db: Database, job: PasswordResetJob): Promise<PreparedEmail | null> {
  const recipient = await resetEmailRecipient(env, db, job);
  if (!recipient) return null;
  const look = await emailLookForTenant(db, recipient.tenant, job.language ?? undefined);
  return {
    to: recipient.user.email,
    fromName: look.theme.displayName,
    async render() {
      const code = await issueResetEmailCode(env, db, recipient, job);
      if (!code) return null;
      return code.template === "PASSWORD_RESET_OTP"
        ? passwordResetOtpEmail(look, { verificationCode: code.verificationCode, link: code.link, expiresInMinutes: code.expiresInMinutes })
        : passwordResetLinkEmail(look, { link: code.link, expiresInMinutes: code.expiresInMinutes });
    },
  };
}

async function preparePasswordUpdatedEmail(db: Database, job: PasswordUpdatedJob): Promise<PreparedEmail> {
  const look = await emailLookForTenant(db, { id: job.tenantId, applicationId: job.applicationId });
  return {
    to: job.to,
    fromName: look.theme.displayName,
    render: async () => passwordUpdatedEmail(look, { loginUrl: job.loginUrl }),
  };
}
