// Appending an event. Where the operation writes D1 itself, the insert joins that write's batch
// (`auditInsert`): the event is stored if and only if the change is. Otherwise it is written after
// the answer (`recordAuditEventAfter`): no D1 round trip on the response path, at the price of
// losing the row if the isolate dies before it is written (logged when the write fails).
import { newId } from "../crypto/random";
import type { Database } from "../db/client";
import { auditEvents } from "../db/schema";
import type { WorkflowDeps } from "../workflows/deps";
import { logBackgroundFailure } from "./background-failure";
import type { AuditContext } from "./context";
import type { AuditEvent } from "./events";

export function auditRow(context: AuditContext, event: AuditEvent, now = Date.now()): typeof auditEvents.$inferInsert {
  return {
    id: newId(),
    occurredAt: now,
    type: event.type,
    applicationId: event.applicationId,
    tenantId: event.tenantId,
    userId: event.userId,
    actorKind: context.actor.kind,
    actorId: "id" in context.actor ? context.actor.id : null,
    ip: context.ip,
    userAgent: context.userAgent,
    requestId: context.requestId,
    detail: event.detail,
  };
}

/** The insert, for the batch of the write the event describes. */
export function auditInsert(db: Database, context: AuditContext, event: AuditEvent) {
  return db.insert(auditEvents).values(auditRow(context, event));
}

export async function recordAuditEvent(deps: Pick<WorkflowDeps, "db" | "audit">, event: AuditEvent): Promise<void> {
  await auditInsert(deps.db, deps.audit, event);
}

/** Written after the answer; a failure is logged by event type, never with the event's fields. */
export function recordAuditEventAfter(deps: Pick<WorkflowDeps, "db" | "audit" | "waitUntil">, event: AuditEvent): void {
  deps.waitUntil(recordAuditEvent(deps, event).catch((e) => logBackgroundFailure(`audit.${event.type}.record_failed`, e)));
}
