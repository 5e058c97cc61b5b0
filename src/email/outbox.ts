import { drizzle } from "drizzle-orm/d1";
import { outboxEmails } from "../db/schema";
import type { EmailMessage } from "./message";

export function outboxInsert(db: ReturnType<typeof drizzle>, message: EmailMessage) {
  return db.insert(outboxEmails).values(message).onConflictDoNothing();
}

/** Idempotent by message id, so a retried delivery never sends twice. */
export async function insertOutboxEmails(d1: D1Database, messages: EmailMessage[]): Promise<void> {
  const db = drizzle(d1);
  const [first, ...rest] = messages.map((m) => outboxInsert(db, m));
  if (first) await db.batch([first, ...rest]);
}
