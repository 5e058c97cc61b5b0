// An event whose change is a guarded statement (it may match no row, as when a concurrent call got
// there first): the insert runs in the change's batch, ahead of it, under the same guard, so the
// trail records the change if and only if it happened.
import { type SQL, sql } from "drizzle-orm";
import type { SQLiteTable } from "drizzle-orm/sqlite-core";
import type { Database, Statement } from "../db/client";
import { auditEvents } from "../db/schema";
import type { AuditContext } from "./context";
import type { AuditEvent } from "./events";
import { auditRow } from "./record";

/** `guard`: the condition on a row of `table` that the change's own statement is guarded by. */
export function auditInsertIf(db: Database, context: AuditContext, event: AuditEvent, table: SQLiteTable, guard: SQL): Statement {
  const r = auditRow(context, event);
  const value = <T>(v: T) => sql<T>`${v}`;
  // In the table's column order: the insert names its columns so.
  const row = db
    .select({
      id: value(r.id).as("id"),
      occurredAt: value(r.occurredAt).as("occurred_at"),
      type: value(r.type).as("type"),
      applicationId: value(r.applicationId).as("application_id"),
      tenantId: value(r.tenantId ?? null).as("tenant_id"),
      userId: value(r.userId ?? null).as("user_id"),
      actorKind: value(r.actorKind).as("actor_kind"),
      actorId: value(r.actorId ?? null).as("actor_id"),
      ip: value(r.ip ?? null).as("ip"),
      userAgent: value(r.userAgent ?? null).as("user_agent"),
      requestId: value(r.requestId ?? null).as("request_id"),
      detail: value(JSON.stringify(r.detail)).as("detail"),
    })
    .from(table)
    .where(guard)
    .limit(1);
  return db.insert(auditEvents).select(row);
}
