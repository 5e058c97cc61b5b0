import type { BatchItem } from "drizzle-orm/batch";
import { drizzle } from "drizzle-orm/d1";

/**
 * Drizzle over a D1 session that starts at the primary: writes, uniqueness checks and whatever
 * must see the latest write. D1 has no interactive transactions; atomic multi-statement work goes
 * through `db.batch`.
 */
export function database(env: Pick<Env, "DB">) {
  // A D1DatabaseSession offers the prepare/batch surface drizzle's D1 driver uses.
  return drizzle(env.DB.withSession("first-primary") as unknown as D1Database);
}

/**
 * Drizzle over a D1 session whose first read may be served by the nearest replica (the primary when
 * read replication is off). Only for reads that tolerate a lag: docs/data.md ("How stale a read
 * may be") says which, and why each is safe.
 */
export function replicaDatabase(env: Pick<Env, "DB">): Database {
  return drizzle(env.DB.withSession("first-unconstrained") as unknown as D1Database);
}

export type Database = ReturnType<typeof database>;

/** Where a read may go: the replica session, and the primary for a row the replica may not have yet. */
export interface Sessions {
  db: Database;
  replica: Database;
}

/**
 * A row read from the replica, or, when the replica has none, once from the primary: a row created
 * a moment ago (a fresh code, a new user) may not have reached the replica.
 */
export async function replicaFirst<T>({ db, replica }: Sessions, read: (db: Database) => Promise<T | null>): Promise<T | null> {
  return (await read(replica)) ?? read(db);
}

/** A statement to commit in the same batch as another write (an audit event with the change it records). */
export type Statement = BatchItem<"sqlite">;
