import { eq } from "drizzle-orm";
import { newId } from "../crypto/random";
import type { Database } from "../db/client";
import { applications } from "../db/schema";

export type Application = typeof applications.$inferSelect;

export async function createApplication(db: Database, name: string, id = newId()): Promise<Application> {
  const row = { id, name, createdAt: Date.now() };
  await db.insert(applications).values(row);
  return row;
}

export async function getApplication(db: Database, id: string): Promise<Application | null> {
  return (await db.select().from(applications).where(eq(applications.id, id)).get()) ?? null;
}
