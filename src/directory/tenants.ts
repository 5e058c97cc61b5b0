import { eq } from "drizzle-orm";
import { newId } from "../crypto/random";
import type { Database } from "../db/client";
import { DuplicateError, isUniqueViolation } from "../db/errors";
import { tenants } from "../db/schema";

export type Tenant = typeof tenants.$inferSelect;

export async function createTenant(db: Database, applicationId: string, name: string, id = newId()): Promise<Tenant> {
  const row = { id, applicationId, name, createdAt: Date.now() };
  try {
    await db.insert(tenants).values(row);
  } catch (e) {
    if (isUniqueViolation(e)) throw new DuplicateError("A tenant with this name already exists in the application.");
    throw e;
  }
  return row;
}

export async function getTenant(db: Database, id: string): Promise<Tenant | null> {
  return (await db.select().from(tenants).where(eq(tenants.id, id)).get()) ?? null;
}
