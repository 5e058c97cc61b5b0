import { and, desc, eq } from "drizzle-orm";
import { type PageCursor, afterCursor } from "../db/page-cursor";
import { newId } from "../crypto/random";
import type { Database, Statement } from "../db/client";
import { DuplicateError, isUniqueViolation } from "../db/errors";
import { resetCodes, users } from "../db/schema";
import type { ObjectJurisdiction } from "../policy/object-location";

/** The conflict a second user of an address gets, whichever step finds it (the unique index, or the address's claim). */
export const addressTaken = () => new DuplicateError("A user with this email already exists in the tenant.");

export type User = typeof users.$inferSelect;

/** Emails compare case-insensitively: stored as given, unique and looked up by this key. */
export function emailKey(email: string): string {
  return email.trim().toLowerCase();
}

export interface NewUser {
  applicationId: string;
  tenantId: string;
  email: string;
  status?: User["status"];
  objectJurisdiction: ObjectJurisdiction | null;
  /** Default: a plain new id (src/directory/user-shards.ts gives one that carries the shard). */
  id?: string;
}

export async function insertUser(db: Database, u: NewUser): Promise<User> {
  const row: User = {
    id: u.id ?? newId(),
    applicationId: u.applicationId,
    tenantId: u.tenantId,
    email: u.email.trim(),
    emailKey: emailKey(u.email),
    status: u.status ?? "ACTIVE",
    createdAt: Date.now(),
    objectJurisdiction: u.objectJurisdiction,
    // Filled in from the user object's first report (src/directory/key-usage.ts).
    passwordKeyId: null,
    refreshKeyIds: null,
    keyIdsReportedAt: null,
  };
  try {
    await db.insert(users).values(row);
  } catch (e) {
    if (isUniqueViolation(e)) throw addressTaken();
    throw e;
  }
  return row;
}

export async function getUser(db: Database, id: string): Promise<User | null> {
  return (await db.select().from(users).where(eq(users.id, id)).get()) ?? null;
}

export async function findUserByEmail(db: Database, tenantId: string, email: string): Promise<User | null> {
  return (await db.select().from(users).where(and(eq(users.tenantId, tenantId), eq(users.emailKey, emailKey(email)))).get()) ?? null;
}

/** findUserByEmail for several addresses, in one D1 batch; the answers in the lookups' order. */
export async function findUsersByEmail(db: Database, lookups: readonly { tenantId: string; email: string }[]): Promise<(User | null)[]> {
  const [first, ...more] = lookups.map((l) => db.select().from(users).where(and(eq(users.tenantId, l.tenantId), eq(users.emailKey, emailKey(l.email)))).limit(1));
  if (!first) return [];
  const found: User[][] = await db.batch([first, ...more]);
  return found.map((rows) => rows[0] ?? null);
}

/** A tenant's users in one database, newest first, after the cursor. */
export async function listUsers(db: Database, tenantId: string, q: { limit: number; cursor?: PageCursor }): Promise<User[]> {
  const where = and(eq(users.tenantId, tenantId), q.cursor ? afterCursor(q.cursor, users.createdAt, users.id) : undefined);
  return db.select().from(users).where(where).orderBy(desc(users.createdAt), desc(users.id)).limit(q.limit);
}

/** `also`: statements that commit with the change, or not at all. */
export async function updateUserStatus(db: Database, id: string, status: User["status"], also: Statement[] = []): Promise<void> {
  await db.batch([db.update(users).set({ status }).where(eq(users.id, id)), ...also]);
}

/** Removes the user and every code issued to them, in one D1 batch, with `also`. */
export async function deleteUserRows(db: Database, id: string, also: Statement[] = []): Promise<void> {
  await db.batch([db.delete(resetCodes).where(eq(resetCodes.userId, id)), db.delete(users).where(eq(users.id, id)), ...also]);
}
