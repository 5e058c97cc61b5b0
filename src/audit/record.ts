// Appending an event. Where the operation writes D1 itself, the insert joins that write's batch
// (`auditInsert`): the event is stored if and only if the change is. Otherwise the event leaves the
// response path (`recordAuditEventAfter`): after the answer it goes to the audit queue, whose
// consumer writes it to D1 (src/audit/audit-consumer.ts).
import { newId } from "../crypto/random";
import type { Database } from "../db/client";
import { auditEvents } from "../db/schema";
import type { WorkflowDeps } from "../workflows/deps";
import { sendAuditRow } from "./audit-producer";
import type { AuditContext } from "./context";
import type { AuditEvent } from "./events";

/** One event as stored, and as carried on the audit queue. */
export type AuditRow = typeof auditEvents.$inferInsert & { id: string; type: AuditEvent["type"] };

/** The id is drawn here, once: a redelivered or retried row is the same row (the consumer ignores a second insert). */
export function auditRow(context: AuditContext, event: AuditEvent, now = Date.now(), id = newId()): AuditRow {
  return {
    id,
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

/** Sent to the audit queue after the answer; see src/audit/audit-producer.ts for what a failure does. */
export function recordAuditEventAfter(deps: Pick<WorkflowDeps, "env" | "db" | "audit" | "waitUntil" | "metrics">, event: AuditEvent): void {
  deps.waitUntil(sendAuditRow(deps, auditRow(deps.audit, event)));
}
