// Audit events are kept 90 days, then deleted by the daily run (src/index.ts scheduled). D1 caps a
// statement's work and a run's queries, so deletion goes in batches of rows, and a run makes at
// most a bounded number of statements; a backlog larger than that is finished by the next runs.
import { sql } from "drizzle-orm";
import type { Database } from "../db/client";

export const AUDIT_RETENTION_DAYS = 90;
export const AUDIT_RETENTION_MS = AUDIT_RETENTION_DAYS * 24 * 60 * 60 * 1000;

/** 500 rows a statement, 100 statements a run: up to 50,000 events a day. */
export const AUDIT_DELETE_BATCH = { batchSize: 500, maxStatements: 100 };

/** Deletes events older than the retention; returns how many it deleted. */
export async function pruneAuditEvents(db: Database, now: number, limits = AUDIT_DELETE_BATCH): Promise<number> {
  const cutoff = now - AUDIT_RETENTION_MS;
  let deleted = 0;
  for (let i = 0; i < limits.maxStatements; i++) {
    // SQLite's DELETE … LIMIT is a compile-time option; a rowid sub-select bounds the batch anywhere.
    const result = await db.run(
      sql`DELETE FROM audit_events WHERE rowid IN (SELECT rowid FROM audit_events WHERE occurred_at < ${cutoff} LIMIT ${limits.batchSize})`,
    );
    const changes = result.meta.changes ?? 0;
    deleted += changes;
    if (changes < limits.batchSize) break;
  }
  return deleted;
}
