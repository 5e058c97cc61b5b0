// Pure rules for whether a session or refresh token is still alive.
import type { CredentialRow, RefreshTokenRow, SessionRow } from "./schema";

export type CredentialEpochs = Pick<CredentialRow, "sessionEpoch" | "refreshEpoch">;
export type SessionLifetime = Pick<SessionRow, "epoch" | "lastUsedAt" | "idleTtlMs" | "absoluteExpiresAt" | "revokedAt">;
export type RefreshTokenState = Pick<RefreshTokenRow, "epoch" | "rotatedAt" | "revokedAt">;

/**
 * How long a rotated refresh token may be presented again while its successor has not been used:
 * a client whose refresh response was lost retries with the token it still holds.
 */
export const REFRESH_GRACE_MS = 30_000;

export function sessionActive(session: SessionLifetime, credential: CredentialEpochs, now: number): boolean {
  return (
    session.revokedAt === null &&
    session.epoch === credential.sessionEpoch &&
    now < session.absoluteExpiresAt &&
    now < session.lastUsedAt + session.idleTtlMs
  );
}

/** When the session ends if nothing uses it: its idle or its absolute lifetime, whichever is first. */
export function sessionExpiresAt(session: SessionLifetime): number {
  return Math.min(session.absoluteExpiresAt, session.lastUsedAt + session.idleTtlMs);
}

/**
 * ROTATE: the current token; spend it for a successor. GRACE: a rotated token whose successor was
 * never used, within REFRESH_GRACE_MS of the rotation; spend that successor and issue another.
 * REUSED: any other rotated token; the caller revokes the family. DEAD: revoked or outlived.
 */
export type RefreshVerdict = "ROTATE" | "GRACE" | "REUSED" | "DEAD";

/**
 * RFC 9700 §4.14.2: a rotated token presented again means theft, unless it is a retry after a lost
 * response: the successor unused and the rotation at most REFRESH_GRACE_MS ago. A reset or a
 * revocation ends the family whatever the grace.
 */
export function judgeRefresh(
  token: RefreshTokenState,
  successor: RefreshTokenState | null,
  session: SessionLifetime | null,
  credential: CredentialEpochs,
  now: number,
): RefreshVerdict {
  const alive = token.revokedAt === null && token.epoch === credential.refreshEpoch && session !== null && sessionActive(session, credential, now);
  if (token.rotatedAt !== null) {
    const successorUnused = successor !== null && successor.rotatedAt === null && successor.revokedAt === null;
    return alive && successorUnused && now - token.rotatedAt <= REFRESH_GRACE_MS ? "GRACE" : "REUSED";
  }
  return alive ? "ROTATE" : "DEAD";
}
