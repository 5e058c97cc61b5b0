import { eq } from "drizzle-orm";
import { newId } from "../crypto/random";
import type { Database } from "../db/client";
import { DuplicateError, isUniqueViolation } from "../db/errors";
import { tenants } from "../db/schema";
import { IsolateCache } from "./isolate-cache";

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

/** Tenants found, for a few seconds (see isolate-cache.ts): a tenant's row never changes once created. */
const found = new IsolateCache<Readonly<Tenant>>();

export async function getTenant(db: Database, id: string): Promise<Readonly<Tenant> | null> {
  try {
    return await found.get(id, async () => {
      const row = await db.select().from(tenants).where(eq(tenants.id, id)).get();
      if (!row) throw new NoSuchTenant();
      return Object.freeze(row);
    });
  } catch (e) {
    if (e instanceof NoSuchTenant) return null; // not kept: the tenant may be created next
    throw e;
  }
}

class NoSuchTenant extends Error {}
