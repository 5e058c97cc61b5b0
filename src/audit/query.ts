// Reading the trail, newest first, one page at a time. The cursor is the position (time, id) after
// the page's last event, base64url-encoded: opaque to callers, and harmless if forged, because the
// scope (application or user) is always part of the query.
import { and, desc, eq, gte, lt, or, type SQL } from "drizzle-orm";
import { base64url } from "jose";
import type { Database } from "../db/client";
import { auditEvents } from "../db/schema";
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
  cursor?: AuditCursor;
}

export interface AuditCursor {
  occurredAt: number;
  id: string;
}

export function encodeCursor(c: AuditCursor): string {
  return base64url.encode(JSON.stringify([c.occurredAt, c.id]));
}

/** Null for anything this service did not hand out. */
export function decodeCursor(text: string): AuditCursor | null {
  try {
    const value: unknown = JSON.parse(new TextDecoder().decode(base64url.decode(text)));
    if (!Array.isArray(value) || value.length !== 2) return null;
    const [occurredAt, id] = value as unknown[];
    if (!Number.isSafeInteger(occurredAt) || typeof id !== "string" || id.length > 64) return null;
    return { occurredAt: occurredAt as number, id };
  } catch {
    return null;
  }
}

export async function listAuditEvents(db: Database, q: AuditQuery): Promise<{ rows: AuditEventRow[]; next: AuditCursor | null }> {
  const where: (SQL | undefined)[] = [
    "applicationId" in q.scope ? eq(auditEvents.applicationId, q.scope.applicationId) : eq(auditEvents.userId, q.scope.userId),
  ];
  if (q.type) where.push(eq(auditEvents.type, q.type));
  if (q.from !== undefined) where.push(gte(auditEvents.occurredAt, q.from));
  if (q.to !== undefined) where.push(lt(auditEvents.occurredAt, q.to));
  if (q.cursor) {
    where.push(
      or(lt(auditEvents.occurredAt, q.cursor.occurredAt), and(eq(auditEvents.occurredAt, q.cursor.occurredAt), lt(auditEvents.id, q.cursor.id))),
    );
  }
  // One row more than the page tells whether another page follows.
  const rows = await db
    .select()
    .from(auditEvents)
    .where(and(...where))
    .orderBy(desc(auditEvents.occurredAt), desc(auditEvents.id))
    .limit(q.limit + 1);
  const page = rows.slice(0, q.limit);
  const last = page.at(-1);
  return { rows: page, next: rows.length > q.limit && last ? { occurredAt: last.occurredAt, id: last.id } : null };
}
