// "Reset requested" goes to the trail after the answer: the response path of Request Password
// Reset never looks the user up (the same work for every email), so the user is found here, off
// it. The event names the email job (`deliveryId`), whose delivery status
// (GET /applications/{id}/email-deliveries) tells whether an email went out; a request the
// per-address email limit held has no job (`limit_held`, deliveryId null).
import type { Tenant } from "../directory/tenants";
import { findUserByEmail } from "../directory/users";
import type { WorkflowDeps } from "../workflows/deps";
import { logBackgroundFailure } from "./background-failure";
import { recordAuditEvent } from "./record";

export function recordResetRequested(deps: WorkflowDeps, tenant: Tenant, email: string, detail: { strategy: "LINK" | "OTP"; deliveryId: string | null }): void {
  const record = async () => {
    const user = await findUserByEmail(deps.db, tenant.id, email);
    await recordAuditEvent(deps, {
      type: "password_reset.requested",
      applicationId: tenant.applicationId,
      tenantId: tenant.id,
      userId: user?.id ?? null,
      detail: { ...detail, outcome: detail.deliveryId === null ? "limit_held" : user?.status === "ACTIVE" ? "email_queued" : "no_email" },
    });
  };
  deps.waitUntil(record().catch((e) => logBackgroundFailure("audit.password_reset.requested.record_failed", e)));
}
