import { and, eq } from "drizzle-orm";
import type { Keyring } from "../crypto/keyring";
import { newId, randomToken } from "../crypto/random";
import type { Database, Statement } from "../db/client";
import { m2mClients } from "../db/schema";

export type M2mClient = typeof m2mClients.$inferSelect;

export async function createClient(
  db: Database,
  keys: Keyring,
  c: { applicationId: string; tenantId: string | null; name: string; permissions: string[]; id?: string; secret?: string },
  also: Statement[] = [],
): Promise<{ client: M2mClient; clientSecret: string }> {
  const clientSecret = c.secret ?? randomToken();
  const client: M2mClient = {
    id: c.id ?? newId(),
    applicationId: c.applicationId,
    tenantId: c.tenantId,
    name: c.name,
    secretHash: await keys.hash("client-secret", clientSecret),
    permissions: c.permissions,
    createdAt: Date.now(),
  };
  await db.batch([db.insert(m2mClients).values(client), ...also]);
  return { client, clientSecret };
}

/**
 * The client, if the secret matches its stored keyed hash (compared in constant time). A hash made
 * under an older SECRET_HASH_KEY is replaced by one under the current key on use.
 */
export async function authenticateClient(db: Database, keys: Keyring, id: string, secret: string): Promise<M2mClient | null> {
  const client = await db.select().from(m2mClients).where(eq(m2mClients.id, id)).get();
  // One HMAC either way, so an unknown id answers like a wrong secret.
  const check = await keys.verify("client-secret", secret, client?.secretHash ?? "");
  if (!client || !check.valid) return null;
  if (!check.stale) return client;
  const secretHash = await keys.hash("client-secret", secret);
  await db
    .update(m2mClients)
    .set({ secretHash })
    .where(and(eq(m2mClients.id, client.id), eq(m2mClients.secretHash, client.secretHash)));
  return { ...client, secretHash };
}

export async function getClient(db: Database, id: string): Promise<M2mClient | null> {
  return (await db.select().from(m2mClients).where(eq(m2mClients.id, id)).get()) ?? null;
}

export async function clientOfApplication(db: Database, id: string, applicationId: string): Promise<M2mClient | null> {
  return (await db.select().from(m2mClients).where(and(eq(m2mClients.id, id), eq(m2mClients.applicationId, applicationId))).get()) ?? null;
}

/** Sets a client's secret (stored as its keyed hash) and permissions. */
export async function resetClientSecret(db: Database, keys: Keyring, id: string, secret: string, permissions: string[]): Promise<void> {
  await db.update(m2mClients).set({ secretHash: await keys.hash("client-secret", secret), permissions }).where(eq(m2mClients.id, id));
}
