// Wrong passwords in a row past the policy's threshold: an attempt at login or Change Password was
// refused (429), either for a while or until a reset. Recorded for every refused attempt, after
// the answer, whether or not the email names an active user (userId null for one that names
// none), so a refused login costs the same calls either way; never with the password or the email.
import type { Tenant } from "../directory/tenants";
import type { User } from "../directory/users";
import type { WorkflowDeps } from "../workflows/deps";
import { recordAuditEventAfter } from "./record";

/** `user`: the one the attempt was for, whatever its status; null for an email that names none. */
export function recordPasswordFailuresExceeded(
  deps: WorkflowDeps,
  tenant: Pick<Tenant, "id" | "applicationId">,
  user: Pick<User, "id"> | null,
  via: "login" | "change_password",
  retryAfterSeconds: number | null,
): void {
  recordAuditEventAfter(deps, {
    type: "password_failures.exceeded",
    applicationId: tenant.applicationId,
    tenantId: tenant.id,
    userId: user?.id ?? null,
    detail: { via, retryAfterSeconds, resetRequired: retryAfterSeconds === null },
  });
}
