import { newId } from "../crypto/random";
import type { User } from "../directory/users";
import type { PasswordUpdatedJob } from "../email/message";
import type { PasswordResetPolicy } from "../policy/password-reset-policy";

/**
 * The Password Updated email job, unless the caller suppressed it or the policy turned it off.
 * The user's object keeps it with the password change and puts it on the email queue afterwards.
 * `id`: the delivery's, which names its shard (src/shards/routing.ts newIdForEmail).
 */
export function passwordUpdatedNotice(user: User, policy: PasswordResetPolicy, suppressed: boolean, id = newId()): PasswordUpdatedJob | undefined {
  if (suppressed || !policy.sendPasswordUpdatedEmail) return undefined;
  return {
    kind: "PASSWORD_UPDATED",
    id,
    template: "PASSWORD_UPDATED",
    applicationId: user.applicationId,
    tenantId: user.tenantId,
    to: user.email,
    loginUrl: policy.loginUrl,
    createdAt: Date.now(),
  };
}
