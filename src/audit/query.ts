// Reading the trail, newest first, one page at a time (keyset paging over time and id, src/db/page-cursor.ts).
import { and, desc, eq, gte, lt, type SQL } from "drizzle-orm";
import type { Database } from "../db/client";
import { type PageCursor, afterCursor } from "../db/page-cursor";
import { auditEvents } from "../db/schema";
import { fanOutPage } from "../shards/fan-out";
import type { AuditEventType } from "./events";

export type AuditEventRow = typeof auditEvents.$inferSelect;

export interface AuditQuery {
  scope: { applicationId: string } | { userId: string };
  type?: AuditEventType;
  /** Epoch ms, inclusive. */
  from?: number;
  /** Epoch ms, exclusive. */
  to?: number;
  limit: number;
  cursor?: PageCursor;
}

/** A page over `databases` (audit-shards.ts auditDatabasesFor): merged in order, the cursor exact across them. */
export async function listAuditEvents(databases: readonly Database[], q: AuditQuery): Promise<{ rows: AuditEventRow[]; next: PageCursor | null }> {
  const where: (SQL | undefined)[] = [
    "applicationId" in q.scope ? eq(auditEvents.applicationId, q.scope.applicationId) : eq(auditEvents.userId, q.scope.userId),
  ];
  if (q.type) where.push(eq(auditEvents.type, q.type));
  if (q.from !== undefined) where.push(gte(auditEvents.occurredAt, q.from));
  if (q.to !== undefined) where.push(lt(auditEvents.occurredAt, q.to));
  if (q.cursor) {
    where.push(afterCursor(q.cursor, auditEvents.occurredAt, auditEvents.id));
  }
  return fanOutPage(databases, q.limit, (r) => r.occurredAt, (db) =>
    db
      .select()
      .from(auditEvents)
      .where(and(...where))
      .orderBy(desc(auditEvents.occurredAt), desc(auditEvents.id))
      .limit(q.limit + 1),
  );
}
