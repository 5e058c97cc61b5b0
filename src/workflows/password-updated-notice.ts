import { composeEmail } from "../email/compose";
import type { EmailMessage } from "../email/message";
import { passwordUpdatedEmail } from "../email/templates/password-updated";
import type { Database } from "../db/client";
import { getApplication } from "../directory/applications";
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
  const application = await getApplication(db, user.applicationId);
  const rendered = passwordUpdatedEmail({ applicationName: application?.name ?? "your", loginUrl: policy.loginUrl });
  return composeEmail("PASSWORD_UPDATED", user.applicationId, user.email, rendered);
}
