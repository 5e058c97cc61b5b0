// "Reset requested" goes to the trail after the answer: the response path of Request Password
// Reset never looks the user up (the same work for every email), so the user is found here, off
// it. The event names the email job (`deliveryId`), whose delivery status
// (GET /applications/{id}/email-deliveries) tells whether an email went out; a request the
// per-address email limit held has no job (`limit_held`, deliveryId null).
import { newId } from "../crypto/random";
import type { Tenant } from "../directory/tenants";
import type { User } from "../directory/users";
import { findUserByEmailRouted } from "../directory/user-shards";
import type { WorkflowDeps } from "../workflows/deps";
import { reportAuditLost, sendAuditRow } from "./audit-producer";
import { auditRow } from "./record";

export function recordResetRequested(deps: WorkflowDeps, tenant: Tenant, email: string, detail: { strategy: "LINK" | "OTP"; deliveryId: string | null }): void {
  // Drawn at the request, like every other event's: the lookup below only fills in the user.
  const at = Date.now();
  const id = newId();
  const subject = { type: "password_reset.requested", applicationId: tenant.applicationId, tenantId: tenant.id } as const;
  const record = async () => {
    let user: User | null;
    try {
      user = await findUserByEmailRouted(deps.env, tenant.id, email, "replica");
    } catch (e) {
      reportAuditLost(deps, { ...subject, id }, e);
      return;
    }
    const outcome = detail.deliveryId === null ? "limit_held" : user?.status === "ACTIVE" ? "email_queued" : "no_email";
    await sendAuditRow(deps, auditRow(deps.audit, { ...subject, userId: user?.id ?? null, detail: { ...detail, outcome } }, at, id));
  };
  deps.waitUntil(record());
}
