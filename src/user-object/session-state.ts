// Pure rules for whether a session or refresh token is still alive.

export type CredentialRow = {
  password_hash: string | null;
  credential_version: number;
  session_epoch: number;
  refresh_epoch: number;
}

export type SessionRow = {
  id: string;
  application_id: string;
  tenant_id: string;
  epoch: number;
  created_at: number;
  last_used_at: number;
  idle_ttl_ms: number;
  absolute_expires_at: number;
  revoked_at: number | null;
}

export function sessionActive(session: SessionRow, credential: CredentialRow, now: number): boolean {
  return (
    session.revoked_at === null &&
    session.epoch === credential.session_epoch &&
    now < session.absolute_expires_at &&
    now < session.last_used_at + session.idle_ttl_ms
  );
}

export type RefreshTokenRow = {
  token_hash: string;
  session_id: string;
  epoch: number;
  rotated_at: number | null;
  revoked_at: number | null;
}

export type RefreshVerdict = "ROTATE" | "REUSED" | "DEAD";

/** RFC 9700 §4.14.2: a rotated token presented again means theft; the caller revokes the family. */
export function judgeRefresh(
  token: RefreshTokenRow,
  session: SessionRow | null,
  credential: CredentialRow,
  now: number,
): RefreshVerdict {
  if (token.rotated_at !== null) return "REUSED";
  if (token.revoked_at !== null || token.epoch !== credential.refresh_epoch) return "DEAD";
  if (!session || !sessionActive(session, credential, now)) return "DEAD";
  return "ROTATE";
}
