// Audit events are kept AUDIT_RETENTION_DAYS (default 90), then deleted by the daily run
// (src/workflows/retention.ts) in bounded batches; a larger backlog is finished by the next runs.
import type { Database } from "../db/client";
import { type DeleteLimits, deleteOlderThan } from "../db/batched-delete";
import { auditEvents } from "../db/schema";

export const AUDIT_RETENTION_DAYS = 90;
export const AUDIT_RETENTION_MS = AUDIT_RETENTION_DAYS * 24 * 60 * 60 * 1000;

/** 500 rows a statement, 100 statements a run: up to 50,000 events a day. */
export const AUDIT_DELETE_BATCH: DeleteLimits = { batchSize: 500, maxStatements: 100 };

/** Deletes events older than the retention; returns how many it deleted. */
export async function pruneAuditEvents(db: Database, now: number, limits = AUDIT_DELETE_BATCH, retentionMs = AUDIT_RETENTION_MS): Promise<number> {
  return deleteOlderThan(db, auditEvents, auditEvents.occurredAt, now - retentionMs, limits);
}
