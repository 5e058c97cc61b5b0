// Wrong passwords in a row past the policy's threshold: the user's object refused an attempt at
// login or Change Password (429), either for a while or until a reset. Recorded for every refused
// attempt, after the answer; never with the password tried.
import type { User } from "../directory/users";
import type { WorkflowDeps } from "../workflows/deps";
import { recordAuditEventAfter } from "./record";

export function recordPasswordFailuresExceeded(deps: WorkflowDeps, user: User, via: "login" | "change_password", retryAfterSeconds: number | null): void {
  recordAuditEventAfter(deps, {
    type: "password_failures.exceeded",
    applicationId: user.applicationId,
    tenantId: user.tenantId,
    userId: user.id,
    detail: { via, retryAfterSeconds, resetRequired: retryAfterSeconds === null },
  });
}
