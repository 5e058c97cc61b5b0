import { desc, eq, sql } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import type { Database } from "../db/client";
import { outboxEmails } from "../db/schema";
import type { EmailMessage } from "./message";

export function outboxInsert(db: Database, message: EmailMessage) {
  return db.insert(outboxEmails).values(message).onConflictDoNothing();
}

/** Idempotent by message id, so a retried delivery never sends twice. */
export async function insertOutboxEmails(d1: D1Database, messages: EmailMessage[]): Promise<void> {
  const db = drizzle(d1);
  const [first, ...rest] = messages.map((m) => outboxInsert(db, m));
  if (first) await db.batch([first, ...rest]);
}

/** The newest messages first, optionally for one address: what the development mailbox shows. */
export async function readOutbox(db: Database, to: string | undefined, limit = 100) {
  return db
    .select()
    .from(outboxEmails)
    .where(to ? eq(outboxEmails.to, to) : undefined)
    .orderBy(desc(outboxEmails.createdAt), desc(sql`rowid`))
    .limit(limit);
}
