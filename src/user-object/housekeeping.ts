// The user object's alarm: it relays pending mail (outbox-relay.ts) and deletes the session and
// refresh-token rows that epochs, revocation and expiry made dead. It wakes at the next expiry of
// a session or a rotated refresh token, and, while mail waits for relay, after the relay's backoff.
import { and, eq, isNotNull, isNull, lte, ne, or, sql } from "drizzle-orm";
import { activeCredential, readCredential } from "./credential-row";
import type { EmailQueueEnv } from "../email/queue";
import { relayPendingMail } from "./outbox-relay";
import { refreshTokens, sessions } from "./schema";
import type { UserStore } from "./store";

/**
 * How long a rotated refresh token is kept after its rotation. Presenting it again within this
 * window is reuse, and revokes its session (RFC 9700 §4.14.2); after it, it is deleted and reads
 * as unknown.
 */
export const ROTATED_TOKEN_RETENTION_MS = 24 * 60 * 60 * 1000;

/** How many dead session and refresh-token rows one alarm run deletes. */
export const SWEEP_BATCH = 500;

/** The earliest of the given times, or null when there is none. */
export function earliest(...times: (number | null | undefined)[]): number | null {
  let min: number | null = null;
  for (const t of times) if (t !== null && t !== undefined && (min === null || t < min)) min = t;
  return min;
}

/** Puts pending emails on the email queue, then sweeps rows that epochs and expiry made dead. */
export async function runAlarm(store: UserStore, env: EmailQueueEnv): Promise<void> {
  if (!readCredential(store)) return;
  const relayRetryAt = await relayPendingMail(store, env);
  const more = sweepDeadRows(store);
  await wakeBy(store, more ? Date.now() : earliest(relayRetryAt, nextExpiry(store)));
}

/** Arms the alarm for now. setAlarm is a storage write: inside transactionSync it commits with the rest. */
export function scheduleHousekeeping(store: UserStore): void {
  void store.storage.setAlarm(Date.now());
}

/** Sets the alarm to `at` unless it is already due sooner. */
export async function wakeBy(store: UserStore, at: number | null): Promise<void> {
  if (at === null) return;
  const current = await store.storage.getAlarm();
  if (current === null || at < current) await store.storage.setAlarm(at);
}

/** The next moment a live session ends or a rotated refresh token's reuse window closes. */
export function nextExpiry(store: UserStore): number | null {
  const c = activeCredential(store);
  if (!c) return null;
  const session = store.db
    .select({ at: sql<number | null>`min(min(${sessions.absoluteExpiresAt}, ${sessions.lastUsedAt} + ${sessions.idleTtlMs}))` })
    .from(sessions)
    .where(and(isNull(sessions.revokedAt), eq(sessions.epoch, c.sessionEpoch)))
    .get();
  const rotated = store.db
    .select({ at: sql<number | null>`min(${refreshTokens.rotatedAt}) + ${ROTATED_TOKEN_RETENTION_MS}` })
    .from(refreshTokens)
    .where(isNotNull(refreshTokens.rotatedAt))
    .get();
  return earliest(session?.at, rotated?.at);
}

/** Deletes up to SWEEP_BATCH dead sessions (with their tokens) and dead tokens; true when more may remain. */
export function sweepDeadRows(store: UserStore): boolean {
  const c = readCredential(store);
  if (!c) return false;
  const now = Date.now();
  const deadSessions = store.db
    .select({ id: sessions.id })
    .from(sessions)
    .where(
      or(
        ne(sessions.epoch, c.sessionEpoch),
        isNotNull(sessions.revokedAt),
        lte(sessions.absoluteExpiresAt, now),
        lte(sql`${sessions.lastUsedAt} + ${sessions.idleTtlMs}`, now),
      ),
    )
    .limit(SWEEP_BATCH)
    .all();
  for (const s of deadSessions) {
    store.db.delete(refreshTokens).where(eq(refreshTokens.sessionId, s.id)).run();
    store.db.delete(sessions).where(eq(sessions.id, s.id)).run();
  }
  const deadTokens = store.db
    .select({ tokenHash: refreshTokens.tokenHash })
    .from(refreshTokens)
    .where(or(ne(refreshTokens.epoch, c.refreshEpoch), lte(refreshTokens.rotatedAt, now - ROTATED_TOKEN_RETENTION_MS)))
    .limit(SWEEP_BATCH)
    .all();
  for (const t of deadTokens) store.db.delete(refreshTokens).where(eq(refreshTokens.tokenHash, t.tokenHash)).run();
  return deadSessions.length === SWEEP_BATCH || deadTokens.length === SWEEP_BATCH;
}
