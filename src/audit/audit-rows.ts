// Writing queued audit rows, and what is said about one that could not be written: its id and
// type only (the row itself holds a user id, an IP and a user agent).
import type { Database } from "../db/client";
import { auditEvents } from "../db/schema";
import type { Metrics } from "../metrics/metrics";
import type { AuditRow } from "./record";

/**
 * One D1 batch (one round trip, one transaction). A row already stored under its id is left as it
 * is, so a redelivered message adds nothing; any other failure (a constraint, D1 down) throws.
 */
export async function insertAuditRows(db: Database, rows: readonly AuditRow[]): Promise<void> {
  const [first, ...rest] = rows.map((row) => db.insert(auditEvents).values(row).onConflictDoNothing({ target: auditEvents.id }));
  if (first) await db.batch([first, ...rest]);
}

export function logAuditRow(event: "audit.enqueue_failed" | "audit.lost" | "audit.retry" | "audit.dead", row: Pick<AuditRow, "id" | "type">, e?: unknown, attempts?: number): void {
  const error = e === undefined ? undefined : e instanceof Error ? e.name : typeof e;
  console.error(JSON.stringify({ event, id: row.id, type: row.type, attempts, error }));
}

/** An event the trail will not hold: dead-lettered after its retries, or lost (neither the queue nor D1 took it). */
export function recordAuditOutcome(metrics: Metrics, row: Pick<AuditRow, "applicationId" | "tenantId">, reason: "dead" | "lost"): void {
  metrics.record({ operation: "audit", outcome: "failed", reason, applicationId: row.applicationId, tenantId: row.tenantId ?? null, ms: null });
}
