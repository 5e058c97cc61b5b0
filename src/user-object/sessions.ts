// The user's sessions: whether one is alive, the live ones listed, and their revocation, one by
// one or all at once by raising the session epoch. A session ends with its refresh tokens.
import { and, desc, eq, isNull } from "drizzle-orm";
import { activeCredential, readCredential, writeCredential } from "./credential-row";
import { scheduleHousekeeping } from "./housekeeping";
import { type SessionRow, refreshTokens, sessions } from "./schema";
import { sessionActive } from "./session-state";
import type { UserStore } from "./store";

export interface SessionGrant {
  applicationId: string;
  tenantId: string;
  /** The M2M client logging the user in: the refresh token is issued to it. */
  clientId: string;
  idleTtlSeconds: number;
  absoluteTtlSeconds: number;
}

export interface SessionView {
  sessionId: string;
  applicationId: string;
  tenantId: string;
  createdAt: number;
  lastUsedAt: number;
}

export function sessionRow(store: UserStore, sessionId: string): SessionRow | null {
  return store.db.select().from(sessions).where(eq(sessions.id, sessionId)).get() ?? null;
}

/** Inserts a live session of the current epoch; its first refresh token is the caller's to add. */
export function insertSession(store: UserStore, grant: Omit<SessionGrant, "clientId">, epoch: number, now: number, sessionId: string): void {
  store.db
    .insert(sessions)
    .values({
      id: sessionId,
      applicationId: grant.applicationId,
      tenantId: grant.tenantId,
      epoch,
      createdAt: now,
      lastUsedAt: now,
      idleTtlMs: grant.idleTtlSeconds * 1000,
      absoluteExpiresAt: now + grant.absoluteTtlSeconds * 1000,
    })
    .run();
}

/** Ends the session and every refresh token of it, which is the token family of RFC 9700. */
export function revokeSessionRows(store: UserStore, sessionId: string, now: number): void {
  store.db.update(sessions).set({ revokedAt: now }).where(and(eq(sessions.id, sessionId), isNull(sessions.revokedAt))).run();
  store.db
    .update(refreshTokens)
    .set({ revokedAt: now })
    .where(and(eq(refreshTokens.sessionId, sessionId), isNull(refreshTokens.revokedAt)))
    .run();
}

/** Whether the session is alive now; access tokens are only as good as their session. */
export function sessionStatus(store: UserStore, sessionId: string): { active: boolean } {
  const c = activeCredential(store);
  const session = c && sessionRow(store, sessionId);
  return { active: !!c && !!session && sessionActive(session, c, Date.now()) };
}

export function listSessions(store: UserStore): SessionView[] {
  const c = activeCredential(store);
  if (!c) return [];
  const now = Date.now();
  return store.db
    .select()
    .from(sessions)
    .where(and(isNull(sessions.revokedAt), eq(sessions.epoch, c.sessionEpoch)))
    .orderBy(desc(sessions.createdAt))
    .all()
    .filter((s) => sessionActive(s, c, now))
    .map((s) => ({
      sessionId: s.id,
      applicationId: s.applicationId,
      tenantId: s.tenantId,
      createdAt: s.createdAt,
      lastUsedAt: s.lastUsedAt,
    }));
}

export function revokeSession(store: UserStore, sessionId: string): void {
  if (readCredential(store)) revokeSessionRows(store, sessionId, Date.now());
}

/** Every session and refresh token at once: one epoch bump, whatever their number. */
export function revokeAllSessions(store: UserStore): void {
  store.storage.transactionSync(() => {
    const c = readCredential(store);
    if (!c) return;
    writeCredential(store, { ...c, sessionEpoch: c.sessionEpoch + 1, refreshEpoch: c.refreshEpoch + 1 });
    scheduleHousekeeping(store);
  });
}
