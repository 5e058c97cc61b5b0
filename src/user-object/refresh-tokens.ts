// Refresh tokens, handed out as `<userId>.<secret>` with only the keyed hash of the secret stored:
// rotation with reuse detection (RFC 9700 §4.14.2, rules in session-state.ts), introspection and
// revocation, of one family or of all tokens at once by raising the refresh epoch.
import { eq, inArray } from "drizzle-orm";
import { randomToken } from "../crypto/random";
import { activeCredential, readCredential, writeCredential } from "./credential-row";
import { nextExpiry, scheduleHousekeeping, wakeBy } from "./housekeeping";
import { type RefreshTokenRow, refreshTokens, sessions } from "./schema";
import { judgeRefresh, sessionExpiresAt } from "./session-state";
import { revokeSessionRows, sessionRow } from "./sessions";
import type { UserKeys, UserStore } from "./store";

export type RefreshOutcome =
  | { outcome: "ROTATED"; sessionId: string; applicationId: string; tenantId: string; refreshToken: string }
  | { outcome: "INVALID" };

export type RefreshTokenStatus =
  | { active: false }
  | {
      active: true;
      sessionId: string;
      applicationId: string;
      tenantId: string;
      clientId: string | null;
      issuedAt: number;
      /** When the session ends if nothing uses it; the token cannot outlive it. */
      expiresAt: number;
    };

export function insertRefreshToken(store: UserStore, tokenHash: string, sessionId: string, epoch: number, now: number, clientId: string | null): void {
  store.db.insert(refreshTokens).values({ tokenHash, sessionId, epoch, createdAt: now, clientId }).run();
}

function refreshTokenRow(store: UserStore, tokenHashes: string[]): RefreshTokenRow | undefined {
  return store.db.select().from(refreshTokens).where(inArray(refreshTokens.tokenHash, tokenHashes)).get();
}

/**
 * Rotates the refresh token for `clientId`; see judgeRefresh for reuse and the grace of a lost
 * response. A token issued to another client (or to none: rows older than the column) reads as
 * unknown before anything is judged, so it neither rotates nor sets off reuse detection (RFC 6749 §6).
 */
export async function refresh(store: UserStore, keys: UserKeys, secret: string, clientId: string): Promise<RefreshOutcome> {
  // Under every configured key: a token issued before a key rotation still finds its row.
  const tokenHashes = await (await keys.secretHashKeys()).hashes("refresh-token", secret);
  const nextSecret = randomToken();
  const nextHash = await (await keys.secretHashKeys()).hash("refresh-token", nextSecret);
  const outcome = store.storage.transactionSync(() => {
    const c = activeCredential(store);
    const token = c && refreshTokenRow(store, tokenHashes);
    if (!c || !token || token.clientId !== clientId) return { outcome: "INVALID" } as const;
    const session = sessionRow(store, token.sessionId);
    const successor = token.replacedBy === null ? null : (refreshTokenRow(store, [token.replacedBy]) ?? null);
    const now = Date.now();
    const verdict = judgeRefresh(token, successor, session, c, now);
    if (verdict === "REUSED") revokeSessionRows(store, token.sessionId, now);
    if ((verdict !== "ROTATE" && verdict !== "GRACE") || !session) return { outcome: "INVALID" } as const;
    if (verdict === "GRACE" && token.replacedBy !== null) {
      // The successor never reached the client: spend it, so presenting it later reads as reuse.
      store.db.update(refreshTokens).set({ rotatedAt: now }).where(eq(refreshTokens.tokenHash, token.replacedBy)).run();
    }
    // The grace runs from the first rotation: a retry moves the link, not the clock.
    const spent = verdict === "ROTATE" ? { rotatedAt: now, replacedBy: nextHash } : { replacedBy: nextHash };
    store.db.update(refreshTokens).set(spent).where(eq(refreshTokens.tokenHash, token.tokenHash)).run();
    insertRefreshToken(store, nextHash, session.id, c.refreshEpoch, now, clientId);
    store.db.update(sessions).set({ lastUsedAt: now }).where(eq(sessions.id, session.id)).run();
    return {
      outcome: "ROTATED",
      sessionId: session.id,
      applicationId: session.applicationId,
      tenantId: session.tenantId,
      refreshToken: nextSecret,
    } as const;
  });
  // The rotated token's reuse window, or the session's new idle end, may be the next expiry.
  if (outcome.outcome === "ROTATED") await wakeBy(store, nextExpiry(store));
  return outcome;
}

/** Introspection of a refresh token: alive, unrotated and of a live session. Does not rotate. */
export async function refreshTokenStatus(store: UserStore, keys: UserKeys, secret: string): Promise<RefreshTokenStatus> {
  // Under every configured key: a token issued before a key rotation still finds its row.
  const tokenHashes = await (await keys.secretHashKeys()).hashes("refresh-token", secret);
  const c = activeCredential(store);
  const token = c && refreshTokenRow(store, tokenHashes);
  if (!c || !token) return { active: false };
  const session = sessionRow(store, token.sessionId);
  // A rotated token is never active here, even within the grace: only the current one is.
  if (!session || judgeRefresh(token, null, session, c, Date.now()) !== "ROTATE") return { active: false };
  return {
    active: true,
    sessionId: session.id,
    applicationId: session.applicationId,
    tenantId: session.tenantId,
    clientId: token.clientId,
    issuedAt: token.createdAt,
    expiresAt: sessionExpiresAt(session),
  };
}

/**
 * RFC 7009: revoking a refresh token ends its whole family, which is its session. `clientId`: the
 * client presenting it, which must be the one it was issued to (§2.1), else nothing happens;
 * undefined only for the service's own calls.
 */
export async function revokeRefreshToken(store: UserStore, keys: UserKeys, secret: string, clientId?: string): Promise<void> {
  // Under every configured key: a token issued before a key rotation still finds its row.
  const tokenHashes = await (await keys.secretHashKeys()).hashes("refresh-token", secret);
  const token = readCredential(store) && refreshTokenRow(store, tokenHashes);
  if (token && (clientId === undefined || token.clientId === clientId)) revokeSessionRows(store, token.sessionId, Date.now());
}

/** Every refresh token at once, sessions kept: one epoch bump. */
export function revokeAllRefreshTokens(store: UserStore): void {
  store.storage.transactionSync(() => {
    const c = readCredential(store);
    if (!c) return;
    writeCredential(store, { ...c, refreshEpoch: c.refreshEpoch + 1 });
    scheduleHousekeeping(store);
  });
}
