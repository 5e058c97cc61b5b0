// Logins go to the trail after the answer: a success commits its session in the user's object,
// and a failure commits nothing. Every failure (wrong password, inactive user, unknown address)
// records the same reason, and never the password or the address typed.
import type { Tenant } from "../directory/tenants";
import type { User } from "../directory/users";
import type { WorkflowDeps } from "../workflows/deps";
import { recordAuditEventAfter } from "./record";

export function recordLoginSucceeded(deps: WorkflowDeps, user: User, sessionId: string): void {
  recordAuditEventAfter(deps, {
    type: "login.succeeded",
    applicationId: user.applicationId,
    tenantId: user.tenantId,
    userId: user.id,
    detail: { sessionId },
  });
}

/** `user`: the one the address names, whatever its status; null for an address that names none. */
export function recordLoginFailed(deps: WorkflowDeps, tenant: Tenant, user: User | null): void {
  recordAuditEventAfter(deps, {
    type: "login.failed",
    applicationId: tenant.applicationId,
    tenantId: tenant.id,
    userId: user?.id ?? null,
    detail: { reason: "INVALID_CREDENTIALS" },
  });
}
