import { and, asc, eq, gt, type SQL } from "drizzle-orm";
import type { Keyring } from "../crypto/keyring";
import { newId, randomToken } from "../crypto/random";
import type { Database, Sessions, Statement } from "../db/client";
import { m2mClients } from "../db/schema";
import { clientRows, forgettingStandings } from "./caller-standing";

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
    previousSecretHash: null,
    previousSecretRetiresAt: null,
    disabledAt: null,
    tokensValidAfter: 0,
  };
  await forgettingStandings(db.batch([db.insert(m2mClients).values(client), ...also]));
  return { client, clientSecret };
}

/** The client that may act now: it exists and is not disabled. The RPC binding's client is read through here. */
export async function getClient(db: Database, id: string): Promise<M2mClient | null> {
  const client = await db.select().from(m2mClients).where(eq(m2mClients.id, id)).get();
  return client && client.disabledAt === null ? client : null;
}

/** The client's row whatever its state, from the isolate's copy (caller-standing.ts) or the replica. */
export function clientRow(sessions: Sessions, id: string): Promise<Readonly<M2mClient> | null> {
  return clientRows.get(id, async () => {
    const row = await sessions.replica.select().from(m2mClients).where(eq(m2mClients.id, id)).get();
    return row ? Object.freeze(row) : null;
  });
}

/**
 * The client that may act now, from the isolate's copy; one missing or disabled there is read
 * once at the primary, so a client created or enabled a moment ago is found.
 */
export async function enabledClient(sessions: Sessions, id: string): Promise<Readonly<M2mClient> | null> {
  const copy = await clientRow(sessions, id);
  return copy && copy.disabledAt === null ? copy : getClient(sessions.db, id);
}

/** The client whatever its state, if it belongs to the application. */
export async function clientOfApplication(db: Database, id: string, applicationId: string): Promise<M2mClient | null> {
  return (await db.select().from(m2mClients).where(and(eq(m2mClients.id, id), eq(m2mClients.applicationId, applicationId))).get()) ?? null;
}

/**
 * One page of an application's clients (only one tenant's when `tenantId` is set), in id order;
 * `after`: the last id of the previous page.
 */
export async function listClients(
  db: Database,
  q: { applicationId: string; tenantId: string | null; limit: number; after?: string },
): Promise<{ rows: M2mClient[]; next: string | null }> {
  const where: SQL[] = [eq(m2mClients.applicationId, q.applicationId)];
  if (q.tenantId !== null) where.push(eq(m2mClients.tenantId, q.tenantId));
  if (q.after !== undefined) where.push(gt(m2mClients.id, q.after));
  const rows = await db.select().from(m2mClients).where(and(...where)).orderBy(asc(m2mClients.id)).limit(q.limit + 1);
  const page = rows.slice(0, q.limit);
  return { rows: page, next: rows.length > q.limit ? page[page.length - 1]!.id : null };
}

export interface ClientChange {
  name?: string;
  permissions?: string[];
  disabled?: boolean;
}

/** `first` ahead of `change`, in one batch: audit inserts guarded on the row the change acts on. */
function batchAfter(db: Database, first: Statement[], change: Statement): Promise<unknown> {
  const [head, ...rest] = first;
  return forgettingStandings<unknown>(head ? db.batch([head, ...rest, change]) : db.batch([change]));
}

/**
 * Applies a change in one batch after `first` (its audit events). Disabling also raises
 * `tokensValidAfter`, so that re-enabling later does not bring back a token issued before.
 */
export async function updateClient(db: Database, client: M2mClient, change: ClientChange, first: Statement[], now = Date.now()): Promise<M2mClient> {
  const set: Partial<M2mClient> = {};
  if (change.name !== undefined) set.name = change.name;
  if (change.permissions !== undefined) set.permissions = change.permissions;
  if (change.disabled === true && client.disabledAt === null) Object.assign(set, { disabledAt: now, tokensValidAfter: now });
  if (change.disabled === false) set.disabledAt = null;
  // Nothing differs: nothing to write, and no event (the route records only changed fields).
  if (Object.keys(set).length === 0) return client;
  await batchAfter(db, first, db.update(m2mClients).set(set).where(eq(m2mClients.id, client.id)));
  return { ...client, ...set };
}

/** Deletes the client in one batch after `first`; its tokens answer 401 from the next request, since they name a client that is gone. */
export async function deleteClient(db: Database, id: string, first: Statement[]): Promise<void> {
  await batchAfter(db, first, db.delete(m2mClients).where(eq(m2mClients.id, id)));
}

/** The condition an audit insert ahead of a change to the client is guarded by: the client still exists. */
export const clientExists = (id: string) => eq(m2mClients.id, id);

/** Sets a client's secret (stored as its keyed hash) and permissions. */
export async function resetClientSecret(db: Database, keys: Keyring, id: string, secret: string, permissions: string[]): Promise<void> {
  const secretHash = await keys.hash("client-secret", secret);
  await forgettingStandings(db.update(m2mClients).set({ secretHash, permissions }).where(eq(m2mClients.id, id)));
}
