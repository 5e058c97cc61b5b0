import { DurableObject } from "cloudflare:workers";
import { keyedHash } from "../crypto/keyed-hash";
import { DECOY_PASSWORD_HASH, hashPassword, verifyPassword } from "../crypto/password-hash";
import { newId, randomToken } from "../crypto/random";
import { insertOutboxEmails } from "../email/outbox";
import type { EmailMessage } from "../email/message";
import type { PasswordResetPolicy } from "../policy/password-reset-policy";
import { type PasswordViolation, SAME_AS_CURRENT, passwordViolations } from "../policy/password-rules";
import { STORAGE_SCHEMA } from "./storage-schema";
import { type CredentialRow, type RefreshTokenRow, type SessionRow, judgeRefresh, sessionActive } from "./session-state";

/** How many dead session and refresh-token rows one alarm run deletes. */
const SWEEP_BATCH = 500;

export interface SessionGrant {
  applicationId: string;
  tenantId: string;
  idleTtlSeconds: number;
  absoluteTtlSeconds: number;
}

export type ChangePasswordOutcome =
  | { outcome: "UPDATED"; credentialVersion: number }
  | { outcome: "STALE" }
  | { outcome: "WRONG_CURRENT_PASSWORD" }
  | { outcome: "POLICY_VIOLATION"; violations: PasswordViolation[] };

export interface ChangePasswordInput {
  newPassword: string;
  policy: Pick<PasswordResetPolicy, "passwordMinLength" | "passwordMaxLength">;
  /** Reset codes: the credential version the code was issued at. The change applies only if it still holds. */
  expectedCredentialVersion?: number;
  /** Change Password: the password the user says is current. */
  currentPassword?: string;
  notification?: EmailMessage;
}

export type LoginOutcome =
  | { outcome: "SUCCESS"; sessionId: string; refreshToken: string }
  | { outcome: "INVALID_CREDENTIALS" };

export type RefreshOutcome =
  | { outcome: "ROTATED"; sessionId: string; applicationId: string; tenantId: string; refreshToken: string }
  | { outcome: "INVALID" };

export interface SessionView {
  sessionId: string;
  applicationId: string;
  tenantId: string;
  createdAt: number;
  lastUsedAt: number;
}

/**
 * One per user, addressed by user id: the user's credential, sessions and refresh tokens, so that
 * a password change and the revocation of everything is a single storage transaction.
 * Refresh tokens handed out are `<userId>.<secret>`; only the keyed hash of the secret is stored.
 */
export class UserDurableObject extends DurableObject<Env> {
  private schemaReady = false;

  private get sql() {
    if (!this.schemaReady) {
      this.ctx.storage.sql.exec(STORAGE_SCHEMA);
      this.schemaReady = true;
    }
    return this.ctx.storage.sql;
  }

  private credential(): CredentialRow {
    const row = this.sql
      .exec<{ password_hash: string | null; credential_version: number; session_epoch: number; refresh_epoch: number }>(
        "SELECT password_hash, credential_version, session_epoch, refresh_epoch FROM credential WHERE id = 1",
      )
      .toArray()[0];
    return row ?? { password_hash: null, credential_version: 0, session_epoch: 0, refresh_epoch: 0 };
  }

  private writeCredential(c: CredentialRow): void {
    this.sql.exec(
      `INSERT INTO credential (id, password_hash, credential_version, session_epoch, refresh_epoch, updated_at)
       VALUES (1, ?, ?, ?, ?, ?)
       ON CONFLICT (id) DO UPDATE SET password_hash = excluded.password_hash,
         credential_version = excluded.credential_version, session_epoch = excluded.session_epoch,
         refresh_epoch = excluded.refresh_epoch, updated_at = excluded.updated_at`,
      c.password_hash,
      c.credential_version,
      c.session_epoch,
      c.refresh_epoch,
      Date.now(),
    );
  }

  async credentialVersion(): Promise<number> {
    return this.credential().credential_version;
  }

  /** Sets the first password of a new user. */
  async initialize(password: string | null): Promise<void> {
    const hash = password === null ? null : await hashPassword(password, this.env.PASSWORD_PEPPER);
    const c = this.credential();
    this.writeCredential({ ...c, password_hash: hash });
  }

  /**
   * Checks in the order a caller would see if requests ran one at a time: a stale code first, then
   * the current password, then the policy (lengths, then same_as_current), then commits.
   */
  async changePassword(input: ChangePasswordInput): Promise<ChangePasswordOutcome> {
    const pepper = this.env.PASSWORD_PEPPER;
    const start = this.credential();
    if (input.expectedCredentialVersion !== undefined && start.credential_version !== input.expectedCredentialVersion) {
      return { outcome: "STALE" };
    }
    if (input.currentPassword !== undefined) {
      const check = await verifyPassword(input.currentPassword, start.password_hash ?? DECOY_PASSWORD_HASH, pepper);
      if (!start.password_hash || !check.valid) return { outcome: "WRONG_CURRENT_PASSWORD" };
    }
    const violations = passwordViolations(input.newPassword, input.policy);
    if (violations.length) return { outcome: "POLICY_VIOLATION", violations };
    if (start.password_hash) {
      const same =
        input.currentPassword === input.newPassword ||
        (await verifyPassword(input.newPassword, start.password_hash, pepper)).valid;
      // A concurrent change may have landed during the hash; then this request lost the race.
      if (this.credential().credential_version !== start.credential_version) return { outcome: "STALE" };
      if (same) return { outcome: "POLICY_VIOLATION", violations: [SAME_AS_CURRENT] };
    }
    const newHash = await hashPassword(input.newPassword, pepper);
    // Check-and-set after the last await: the version read at the start must still hold.
    return this.ctx.storage.transactionSync(() => {
      const now = this.credential();
      if (now.credential_version !== start.credential_version) return { outcome: "STALE" } as const;
      this.writeCredential({
        password_hash: newHash,
        credential_version: now.credential_version + 1,
        session_epoch: now.session_epoch + 1,
        refresh_epoch: now.refresh_epoch + 1,
      });
      if (input.notification) this.queueEmail(input.notification);
      this.scheduleHousekeeping();
      return { outcome: "UPDATED", credentialVersion: now.credential_version + 1 } as const;
    });
  }

  async login(password: string, grant: SessionGrant): Promise<LoginOutcome> {
    const start = this.credential();
    const check = await verifyPassword(password, start.password_hash ?? DECOY_PASSWORD_HASH, this.env.PASSWORD_PEPPER);
    if (!start.password_hash || !check.valid) return { outcome: "INVALID_CREDENTIALS" };
    const upgraded = check.needsRehash ? await hashPassword(password, this.env.PASSWORD_PEPPER) : null;
    const secret = randomToken();
    const tokenHash = await keyedHash(this.env.SECRET_HASH_KEY, secret);
    return this.ctx.storage.transactionSync(() => {
      const c = this.credential();
      // The password changed while we verified: the old one no longer opens a session.
      if (c.credential_version !== start.credential_version) return { outcome: "INVALID_CREDENTIALS" } as const;
      if (upgraded) this.writeCredential({ ...c, password_hash: upgraded });
      const now = Date.now();
      const sessionId = newId();
      this.sql.exec(
        `INSERT INTO sessions (id, application_id, tenant_id, epoch, created_at, last_used_at, idle_ttl_ms, absolute_expires_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
        sessionId,
        grant.applicationId,
        grant.tenantId,
        c.session_epoch,
        now,
        now,
        grant.idleTtlSeconds * 1000,
        now + grant.absoluteTtlSeconds * 1000,
      );
      this.insertRefreshToken(tokenHash, sessionId, c.refresh_epoch, now);
      return { outcome: "SUCCESS", sessionId, refreshToken: secret } as const;
    });
  }

  async refresh(secret: string): Promise<RefreshOutcome> {
    const tokenHash = await keyedHash(this.env.SECRET_HASH_KEY, secret);
    const nextSecret = randomToken();
    const nextHash = await keyedHash(this.env.SECRET_HASH_KEY, nextSecret);
    return this.ctx.storage.transactionSync(() => {
      const token = this.refreshTokenRow(tokenHash);
      if (!token) return { outcome: "INVALID" } as const;
      const c = this.credential();
      const session = this.session(token.session_id);
      const now = Date.now();
      const verdict = judgeRefresh(token, session, c, now);
      if (verdict === "REUSED") this.revokeSessionRows(token.session_id, now);
      if (verdict !== "ROTATE" || !session) return { outcome: "INVALID" } as const;
      this.sql.exec("UPDATE refresh_tokens SET rotated_at = ? WHERE token_hash = ?", now, tokenHash);
      this.insertRefreshToken(nextHash, session.id, c.refresh_epoch, now);
      this.sql.exec("UPDATE sessions SET last_used_at = ? WHERE id = ?", now, session.id);
      return {
        outcome: "ROTATED",
        sessionId: session.id,
        applicationId: session.application_id,
        tenantId: session.tenant_id,
        refreshToken: nextSecret,
      } as const;
    });
  }

  /** Introspection of a refresh token: alive, unrotated and of a live session. Does not rotate. */
  async refreshTokenStatus(secret: string): Promise<{ active: false } | { active: true; sessionId: string; applicationId: string; tenantId: string }> {
    const tokenHash = await keyedHash(this.env.SECRET_HASH_KEY, secret);
    const token = this.refreshTokenRow(tokenHash);
    if (!token) return { active: false };
    const session = this.session(token.session_id);
    if (!session || judgeRefresh(token, session, this.credential(), Date.now()) !== "ROTATE") return { active: false };
    return { active: true, sessionId: session.id, applicationId: session.application_id, tenantId: session.tenant_id };
  }

  /** Whether the session is alive now; access tokens are only as good as their session. */
  async sessionStatus(sessionId: string): Promise<{ active: boolean }> {
    const session = this.session(sessionId);
    return { active: session !== null && sessionActive(session, this.credential(), Date.now()) };
  }

  async listSessions(): Promise<SessionView[]> {
    const c = this.credential();
    const now = Date.now();
    return this.sql
      .exec<SessionRow>("SELECT * FROM sessions WHERE revoked_at IS NULL AND epoch = ? ORDER BY created_at DESC", c.session_epoch)
      .toArray()
      .filter((s) => sessionActive(s, c, now))
      .map((s) => ({
        sessionId: s.id,
        applicationId: s.application_id,
        tenantId: s.tenant_id,
        createdAt: s.created_at,
        lastUsedAt: s.last_used_at,
      }));
  }

  /** RFC 7009: revoking a refresh token ends its whole family, which is its session. */
  async revokeRefreshToken(secret: string): Promise<void> {
    const tokenHash = await keyedHash(this.env.SECRET_HASH_KEY, secret);
    const token = this.refreshTokenRow(tokenHash);
    if (token) this.revokeSessionRows(token.session_id, Date.now());
  }

  async revokeSession(sessionId: string): Promise<void> {
    this.revokeSessionRows(sessionId, Date.now());
  }

  async revokeAllSessions(): Promise<void> {
    this.ctx.storage.transactionSync(() => {
      const c = this.credential();
      this.writeCredential({ ...c, session_epoch: c.session_epoch + 1, refresh_epoch: c.refresh_epoch + 1 });
      this.scheduleHousekeeping();
    });
  }

  async revokeAllRefreshTokens(): Promise<void> {
    this.ctx.storage.transactionSync(() => {
      const c = this.credential();
      this.writeCredential({ ...c, refresh_epoch: c.refresh_epoch + 1 });
      this.scheduleHousekeeping();
    });
  }

  /** Deletes everything this user had: credential, sessions, tokens, pending mail. */
  async destroy(): Promise<void> {
    await this.ctx.storage.deleteAlarm();
    await this.ctx.storage.deleteAll();
    this.schemaReady = false;
  }

  /** Delivers queued emails to the D1 outbox, then sweeps rows that epochs and expiry made dead. */
  override async alarm(): Promise<void> {
    const pending = this.sql.exec<{ id: string; message: string }>("SELECT id, message FROM pending_emails ORDER BY created_at").toArray();
    if (pending.length > 0) {
      await insertOutboxEmails(this.env.DB, pending.map((p) => JSON.parse(p.message) as EmailMessage));
      for (const p of pending) this.sql.exec("DELETE FROM pending_emails WHERE id = ?", p.id);
    }
    if (this.sweepDeadRows()) this.scheduleHousekeeping();
  }

  private sweepDeadRows(): boolean {
    const c = this.credential();
    const now = Date.now();
    const sessions = this.sql
      .exec<{ id: string }>(
        `SELECT id FROM sessions WHERE epoch <> ? OR revoked_at IS NOT NULL OR absolute_expires_at <= ? OR last_used_at + idle_ttl_ms <= ? LIMIT ?`,
        c.session_epoch,
        now,
        now,
        SWEEP_BATCH,
      )
      .toArray();
    for (const s of sessions) {
      this.sql.exec("DELETE FROM refresh_tokens WHERE session_id = ?", s.id);
      this.sql.exec("DELETE FROM sessions WHERE id = ?", s.id);
    }
    const tokens = this.sql.exec("DELETE FROM refresh_tokens WHERE rowid IN (SELECT rowid FROM refresh_tokens WHERE epoch <> ? LIMIT ?)", c.refresh_epoch, SWEEP_BATCH);
    return sessions.length === SWEEP_BATCH || tokens.rowsWritten === SWEEP_BATCH;
  }

  private refreshTokenRow(tokenHash: string): RefreshTokenRow | undefined {
    return this.sql
      .exec<RefreshTokenRow>("SELECT token_hash, session_id, epoch, rotated_at, revoked_at FROM refresh_tokens WHERE token_hash = ?", tokenHash)
      .toArray()[0];
  }

  private session(sessionId: string): SessionRow | null {
    return this.sql.exec<SessionRow>("SELECT * FROM sessions WHERE id = ?", sessionId).toArray()[0] ?? null;
  }

  private revokeSessionRows(sessionId: string, now: number): void {
    this.sql.exec("UPDATE sessions SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL", now, sessionId);
    this.sql.exec("UPDATE refresh_tokens SET revoked_at = ? WHERE session_id = ? AND revoked_at IS NULL", now, sessionId);
  }

  private insertRefreshToken(tokenHash: string, sessionId: string, epoch: number, now: number): void {
    this.sql.exec(
      "INSERT INTO refresh_tokens (token_hash, session_id, epoch, created_at) VALUES (?, ?, ?, ?)",
      tokenHash,
      sessionId,
      epoch,
      now,
    );
  }

  private queueEmail(message: EmailMessage): void {
    this.sql.exec("INSERT INTO pending_emails (id, message, created_at) VALUES (?, ?, ?)", message.id, JSON.stringify(message), message.createdAt);
  }

  private scheduleHousekeeping(): void {
    // setAlarm is a storage write: inside transactionSync it commits with the rest.
    void this.ctx.storage.setAlarm(Date.now());
  }
}
