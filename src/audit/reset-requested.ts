// "Reset requested" goes to the trail after the answer: the response path of Request Password
// Reset never looks the user up (the same work for every email). The event is drawn at the request
// (its id and time) and, when an email job is queued, rides on the job: the email consumer looks
// the address's user up anyway, so it completes the event with that user and records it, and the
// request makes no read of its own for the trail. A request the per-address email limit held has no
// job (`limit_held`, deliveryId null): it looks its user up here, after the answer. The event names
// the email job (`deliveryId`), whose delivery status (GET /applications/{id}/email-deliveries)
// tells whether an email went out. A retried job records the same event again, which the trail
// ignores (one id).
import type { Tenant } from "../directory/tenants";
import type { User } from "../directory/users";
import { findUserByEmailRouted } from "../directory/user-shards";
import type { WorkflowDeps } from "../workflows/deps";
import { reportAuditLost, sendAuditRow } from "./audit-producer";
import { type AuditRow, auditRow } from "./record";

type Strategy = "LINK" | "OTP";

/** The event of a request whose email job was queued, without its user: it travels on the job. */
export function resetRequestedDraft(deps: Pick<WorkflowDeps, "audit">, tenant: Tenant, strategy: Strategy, deliveryId: string): AuditRow {
  return auditRow(deps.audit, { type: "password_reset.requested", applicationId: tenant.applicationId, tenantId: tenant.id, userId: null, detail: { strategy, deliveryId, outcome: "no_email" } });
}

/** The drawn event, completed with the user the consumer found for the address (or none). */
export function completedResetRequested(draft: AuditRow, user: User | null): AuditRow {
  const active = user?.status === "ACTIVE";
  return { ...draft, userId: user?.id ?? null, detail: { ...(draft.detail as object), outcome: active ? "email_queued" : "no_email" } };
}

/** Records the completed event; never throws (sendAuditRow logs what it cannot deliver). */
export function recordCompletedResetRequested(deps: Pick<WorkflowDeps, "env" | "metrics">, draft: AuditRow, user: User | null): Promise<void> {
  return sendAuditRow(deps, completedResetRequested(draft, user));
}

/** A request the limit held: no job carries its event, so its user is looked up here, after the answer. */
export function recordResetHeld(deps: WorkflowDeps, tenant: Tenant, email: string, strategy: Strategy): void {
  const row = auditRow(deps.audit, { type: "password_reset.requested", applicationId: tenant.applicationId, tenantId: tenant.id, userId: null, detail: { strategy, deliveryId: null, outcome: "limit_held" } });
  deps.waitUntil(recordWithLookup(deps, row, tenant.id, email));
}

/** The event with a lookup of its own: a held request, or a job the dead-letter queue ends. */
export async function recordWithLookup(deps: Pick<WorkflowDeps, "env" | "metrics">, row: AuditRow, tenantId: string, email: string): Promise<void> {
  let user: User | null;
  try {
    user = await findUserByEmailRouted(deps.env, tenantId, email, "replica");
  } catch (e) {
    reportAuditLost(deps, row, e);
    return;
  }
  const held = (row.detail as { outcome?: string } | null)?.outcome === "limit_held";
  await sendAuditRow(deps, held ? { ...row, userId: user?.id ?? null } : completedResetRequested(row, user));
}
