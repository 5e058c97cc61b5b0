// Which keys this user's secrets still depend on: the pepper of the password hash, and the
// SECRET_HASH_KEY of each refresh token that may still be accepted. Only the object can see them;
// the calls that can change them (initialise, login, refresh, password change) return this report,
// and the workflow copies it to the user's D1 row, where key usage is counted across users.
import { and, eq, isNull } from "drizzle-orm";
import { parsePasswordHash } from "../crypto/password-hash";
import { readCredential } from "./credential-row";
import { refreshTokens, sessions } from "./schema";
import type { UserStore } from "./store";

const DAY_MS = 24 * 60 * 60 * 1000;

export interface KeyIdReport {
  /** PASSWORD_PEPPER kid of the stored hash; null without a password (or without a user). */
  passwordKeyId: string | null;
  /**
   * SECRET_HASH_KEY kid -> the latest absolute end of a session holding an unrotated live
   * refresh token stored under it, rounded up to the next day so that the D1 copy changes at
   * most daily per user. Rotated tokens are left out: one is accepted again only within the 30 s
   * grace of a lost response (session-state.ts).
   */
  refreshKeyIds: Record<string, number>;
  /** The object's clock when it read the above: a later report wins over an earlier one. */
  reportedAt: number;
}

function kidOf(storedHash: string): string {
  return storedHash.slice(0, Math.max(0, storedHash.indexOf(":")));
}

export function keyIdReport(store: UserStore, now = Date.now()): KeyIdReport {
  const c = readCredential(store);
  if (!c) return { passwordKeyId: null, refreshKeyIds: {}, reportedAt: now };
  const live = store.db
    .select({ tokenHash: refreshTokens.tokenHash, until: sessions.absoluteExpiresAt })
    .from(refreshTokens)
    .innerJoin(sessions, eq(sessions.id, refreshTokens.sessionId))
    .where(
      and(
        eq(refreshTokens.epoch, c.refreshEpoch),
        isNull(refreshTokens.rotatedAt),
        isNull(refreshTokens.revokedAt),
        eq(sessions.epoch, c.sessionEpoch),
        isNull(sessions.revokedAt),
      ),
    )
    .all();
  const latest = new Map<string, number>();
  for (const t of live) {
    if (t.until <= now) continue;
    const kid = kidOf(t.tokenHash);
    latest.set(kid, Math.max(latest.get(kid) ?? 0, Math.ceil(t.until / DAY_MS) * DAY_MS));
  }
  return {
    passwordKeyId: c.passwordHash === null ? null : (parsePasswordHash(c.passwordHash)?.kid ?? null),
    refreshKeyIds: Object.fromEntries(latest),
    reportedAt: now,
  };
}

/** An outcome of kind `K` carries the report; other outcomes are returned as they are. */
export type WithKeyIds<T, K> = T extends { outcome: K } ? T & { keyIds: KeyIdReport } : T;

export function withKeyIds<T extends { outcome: string }, K extends T["outcome"]>(store: UserStore, outcome: T, on: K): WithKeyIds<T, K> {
  return (outcome.outcome === on ? { ...outcome, keyIds: keyIdReport(store) } : outcome) as WithKeyIds<T, K>;
}
