// Pure rules for whether a session or refresh token is still alive.
import type { CredentialRow, RefreshTokenRow, SessionRow } from "./schema";

export type CredentialEpochs = Pick<CredentialRow, "sessionEpoch" | "refreshEpoch">;
export type SessionLifetime = Pick<SessionRow, "epoch" | "lastUsedAt" | "idleTtlMs" | "absoluteExpiresAt" | "revokedAt">;
export type RefreshTokenState = Pick<RefreshTokenRow, "epoch" | "rotatedAt" | "revokedAt">;

export function sessionActive(session: SessionLifetime, credential: CredentialEpochs, now: number): boolean {
  return (
    session.revokedAt === null &&
    session.epoch === credential.sessionEpoch &&
    now < session.absoluteExpiresAt &&
    now < session.lastUsedAt + session.idleTtlMs
  );
}

export type RefreshVerdict = "ROTATE" | "REUSED" | "DEAD";

/** RFC 9700 §4.14.2: a rotated token presented again means theft; the caller revokes the family. */
export function judgeRefresh(
  token: RefreshTokenState,
  session: SessionLifetime | null,
  credential: CredentialEpochs,
  now: number,
): RefreshVerdict {
  if (token.rotatedAt !== null) return "REUSED";
  if (token.revokedAt !== null || token.epoch !== credential.refreshEpoch) return "DEAD";
  if (!session || !sessionActive(session, credential, now)) return "DEAD";
  return "ROTATE";
}
