// Storage schema of one user's Durable Object (SQLite). One row of `credential` holds the
// password hash and three counters:
//   credential_version  bumped by every password change; reset codes carry the version they
//                       were issued at, so a change kills every earlier code at once.
//   session_epoch       sessions carry the epoch they were created in; bumping it revokes all
//                       sessions in O(1), whatever their number.
//   refresh_epoch       likewise for refresh tokens alone.
// A password change bumps all three and queues its email in `pending_emails` in the same
// transactionSync, so "password changed, everything revoked, notice queued" commits whole.
// The alarm delivers pending emails to the D1 outbox and sweeps rows the epochs made dead.
export const STORAGE_SCHEMA = `
CREATE TABLE IF NOT EXISTS credential (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  password_hash TEXT,
  credential_version INTEGER NOT NULL,
  session_epoch INTEGER NOT NULL,
  refresh_epoch INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS sessions (
  id TEXT PRIMARY KEY,
  application_id TEXT NOT NULL,
  tenant_id TEXT NOT NULL,
  epoch INTEGER NOT NULL,
  created_at INTEGER NOT NULL,
  last_used_at INTEGER NOT NULL,
  idle_ttl_ms INTEGER NOT NULL,
  absolute_expires_at INTEGER NOT NULL,
  revoked_at INTEGER
);
CREATE TABLE IF NOT EXISTS refresh_tokens (
  token_hash TEXT PRIMARY KEY,
  session_id TEXT NOT NULL,
  epoch INTEGER NOT NULL,
  created_at INTEGER NOT NULL,
  rotated_at INTEGER,
  revoked_at INTEGER
);
CREATE INDEX IF NOT EXISTS refresh_tokens_session ON refresh_tokens (session_id);
CREATE TABLE IF NOT EXISTS pending_emails (
  id TEXT PRIMARY KEY,
  message TEXT NOT NULL,
  created_at INTEGER NOT NULL
);
`;
