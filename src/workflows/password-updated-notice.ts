import { composeEmail } from "../email/compose";
import { emailLookForTenant } from "../email/look";
import type { EmailMessage } from "../email/message";
import { passwordUpdatedEmail } from "../email/templates/password-updated";
import type { Database } from "../db/client";
import type { User } from "../directory/users";
import type { PasswordResetPolicy } from "../policy/password-reset-policy";

/** The Password Updated email, unless the caller suppressed it or the policy turned it off. */
export async function passwordUpdatedNotice(
  db: Database,
  user: User,
  policy: PasswordResetPolicy,
  suppressed: boolean,
): Promise<EmailMessage | undefined> {
  if (suppressed || !policy.sendPasswordUpdatedEmail) return undefined;
  const look = await emailLookForTenant(db, { id: user.tenantId, applicationId: user.applicationId });
  const rendered = passwordUpdatedEmail(look, { loginUrl: policy.loginUrl });
  return composeEmail("PASSWORD_UPDATED", user.applicationId, user.email, rendered);
}
