// Deletes old rows a bounded batch at a time. D1 caps a statement's work and an invocation's
// queries, so a backlog larger than one run's bound is worked off by the next runs instead of by
// one long statement.
import { sql } from "drizzle-orm";
import type { SQLiteColumn, SQLiteTable } from "drizzle-orm/sqlite-core";
import type { Database } from "./client";

export interface DeleteLimits {
  /** Rows per statement. */
  batchSize: number;
  /** Statements per run, for one table. */
  maxStatements: number;
}

/** Deletes rows whose `column` is below `cutoff` (the column needs an index); returns how many. */
export async function deleteOlderThan(db: Database, table: SQLiteTable, column: SQLiteColumn, cutoff: number, limits: DeleteLimits): Promise<number> {
  let deleted = 0;
  for (let i = 0; i < limits.maxStatements; i++) {
    // SQLite's DELETE … LIMIT is a compile-time option; a rowid sub-select bounds the batch anywhere.
    const result = await db.run(sql`DELETE FROM ${table} WHERE rowid IN (SELECT rowid FROM ${table} WHERE ${column} < ${cutoff} LIMIT ${limits.batchSize})`);
    const changes = result.meta.changes ?? 0;
    deleted += changes;
    if (changes < limits.batchSize) break;
  }
  return deleted;
}
