import type { BatchItem } from "drizzle-orm/batch";
import { drizzle } from "drizzle-orm/d1";

/**
 * Drizzle over a D1 session that starts at the primary: code checks and uniqueness must see the
 * latest write even when read replication is on. D1 has no interactive transactions; atomic
 * multi-statement work goes through `db.batch`.
 */
export function database(env: Pick<Env, "DB">) {
  // A D1DatabaseSession offers the prepare/batch surface drizzle's D1 driver uses.
  return drizzle(env.DB.withSession("first-primary") as unknown as D1Database);
}

export type Database = ReturnType<typeof database>;

/** A statement to commit in the same batch as another write (an audit event with the change it records). */
export type Statement = BatchItem<"sqlite">;
