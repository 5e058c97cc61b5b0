import { and, eq } from "drizzle-orm";
import { secretsEqual } from "../crypto/constant-time";
import { keyedHash } from "../crypto/keyed-hash";
import { newId, randomToken } from "../crypto/random";
import type { Database } from "../db/client";
import { m2mClients } from "../db/schema";

export type M2mClient = typeof m2mClients.$inferSelect;

export async function createClient(
  db: Database,
  hashKey: string,
  c: { applicationId: string; tenantId: string | null; name: string; permissions: string[]; id?: string; secret?: string },
): Promise<{ client: M2mClient; clientSecret: string }> {
  const clientSecret = c.secret ?? randomToken();
  const client: M2mClient = {
    id: c.id ?? newId(),
    applicationId: c.applicationId,
    tenantId: c.tenantId,
    name: c.name,
    secretHash: await keyedHash(hashKey, clientSecret),
    permissions: c.permissions,
    createdAt: Date.now(),
  };
  await db.insert(m2mClients).values(client);
  return { client, clientSecret };
}

/** The client, if the secret matches its stored keyed hash (compared in constant time). */
export async function authenticateClient(db: Database, hashKey: string, id: string, secret: string): Promise<M2mClient | null> {
  const client = await db.select().from(m2mClients).where(eq(m2mClients.id, id)).get();
  const presented = await keyedHash(hashKey, secret);
  if (!client) return null;
  return secretsEqual(presented, client.secretHash) ? client : null;
}

export async function getClient(db: Database, id: string): Promise<M2mClient | null> {
  return (await db.select().from(m2mClients).where(eq(m2mClients.id, id)).get()) ?? null;
}

export async function clientOfApplication(db: Database, id: string, applicationId: string): Promise<M2mClient | null> {
  return (await db.select().from(m2mClients).where(and(eq(m2mClients.id, id), eq(m2mClients.applicationId, applicationId))).get()) ?? null;
}

/** Sets a client's secret (stored as its keyed hash) and permissions. */
export async function resetClientSecret(db: Database, hashKey: string, id: string, secret: string, permissions: string[]): Promise<void> {
  await db.update(m2mClients).set({ secretHash: await keyedHash(hashKey, secret), permissions }).where(eq(m2mClients.id, id));
}
