import { DurableObject } from "cloudflare:workers";
import { and, asc, desc, eq, isNotNull, isNull, lte, ne, or, sql } from "drizzle-orm";
import { type DrizzleSqliteDODatabase, drizzle } from "drizzle-orm/durable-sqlite";
import { keyedHash } from "../crypto/keyed-hash";
import { DECOY_PASSWORD_HASH, hashPassword, verifyPassword } from "../crypto/password-hash";
import { newId, randomToken } from "../crypto/random";
import { insertOutboxEmails } from "../email/outbox";
import type { EmailMessage } from "../email/message";
import type { PasswordResetPolicy } from "../policy/password-reset-policy";
import { type PasswordViolation, SAME_AS_CURRENT, passwordViolations } from "../policy/password-rules";
import { migrateUserObject } from "./migrate";
import { type CredentialRow, type RefreshTokenRow, type SessionRow, credential, pendingEmails, refreshTokens, sessions } from "./schema";
import { judgeRefresh, sessionActive } from "./session-state";

/** How many dead session and refresh-token rows one alarm run deletes. */
const SWEEP_BATCH = 500;

type CredentialState = Pick<CredentialRow, "passwordHash" | "credentialVersion" | "sessionEpoch" | "refreshEpoch">;

const NO_CREDENTIAL: CredentialState = { passwordHash: null, credentialVersion: 0, sessionEpoch: 0, refreshEpoch: 0 };

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
  private readonly db: DrizzleSqliteDODatabase;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.db = drizzle(ctx.storage);
    // No call runs until the schema is current; a failed migration fails every call (503).
    void ctx.blockConcurrencyWhile(() => migrateUserObject(ctx.storage));
  }

  private credential(): CredentialState {
    return this.db.select().from(credential).where(eq(credential.id, 1)).get() ?? NO_CREDENTIAL;
  }

  private writeCredential(c: CredentialState): void {
    const row = {
      passwordHash: c.passwordHash,
      credentialVersion: c.credentialVersion,
      sessionEpoch: c.sessionEpoch,
      refreshEpoch: c.refreshEpoch,
      updatedAt: Date.now(),
    };
    this.db
      .insert(credential)
      .values({ id: 1, ...row })
      .onConflictDoUpdate({ target: credential.id, set: row })
      .run();
  }

  async credentialVersion(): Promise<number> {
    return this.credential().credentialVersion;
  }

  /** Sets the first password of a new user. */
  async initialize(password: string | null): Promise<void> {
    const hash = password === null ? null : await hashPassword(password, this.env.PASSWORD_PEPPER);
    const c = this.credential();
    this.writeCredential({ ...c, passwordHash: hash });
  }

  /**
   * Checks in the order a caller would see if requests ran one at a time: a stale code first, then
   * the current password, then the policy (lengths, then same_as_current), then commits.
   */
  async changePassword(input: ChangePasswordInput): Promise<ChangePasswordOutcome> {
    const pepper = this.env.PASSWORD_PEPPER;
    const start = this.credential();
    if (input.expectedCredentialVersion !== undefined && start.credentialVersion !== input.expectedCredentialVersion) {
      return { outcome: "STALE" };
    }
    if (input.currentPassword !== undefined) {
      const check = await verifyPassword(input.currentPassword, start.passwordHash ?? DECOY_PASSWORD_HASH, pepper);
      if (!start.passwordHash || !check.valid) return { outcome: "WRONG_CURRENT_PASSWORD" };
    }
    const violations = passwordViolations(input.newPassword, input.policy);
    if (violations.length) return { outcome: "POLICY_VIOLATION", violations };
    if (start.passwordHash) {
      const same =
        input.currentPassword === input.newPassword ||
        (await verifyPassword(input.newPassword, start.passwordHash, pepper)).valid;
      // A concurrent change may have landed during the hash; then this request lost the race.
      if (this.credential().credentialVersion !== start.credentialVersion) return { outcome: "STALE" };
      if (same) return { outcome: "POLICY_VIOLATION", violations: [SAME_AS_CURRENT] };
    }
    const newHash = await hashPassword(input.newPassword, pepper);
    // Check-and-set after the last await: the version read at the start must still hold.
    return this.ctx.storage.transactionSync(() => {
      const now = this.credential();
      if (now.credentialVersion !== start.credentialVersion) return { outcome: "STALE" } as const;
      this.writeCredential({
        passwordHash: newHash,
        credentialVersion: now.credentialVersion + 1,
        sessionEpoch: now.sessionEpoch + 1,
        refreshEpoch: now.refreshEpoch + 1,
      });
      if (input.notification) this.queueEmail(input.notification);
      this.scheduleHousekeeping();
      return { outcome: "UPDATED", credentialVersion: now.credentialVersion + 1 } as const;
    });
  }

  async login(password: string, grant: SessionGrant): Promise<LoginOutcome> {
    const start = this.credential();
    const check = await verifyPassword(password, start.passwordHash ?? DECOY_PASSWORD_HASH, this.env.PASSWORD_PEPPER);
    if (!start.passwordHash || !check.valid) return { outcome: "INVALID_CREDENTIALS" };
    const upgraded = check.needsRehash ? await hashPassword(password, this.env.PASSWORD_PEPPER) : null;
    const secret = randomToken();
    const tokenHash = await keyedHash(this.env.SECRET_HASH_KEY, secret);
    return this.ctx.storage.transactionSync(() => {
      const c = this.credential();
      // The password changed while we verified: the old one no longer opens a session.
      if (c.credentialVersion !== start.credentialVersion) return { outcome: "INVALID_CREDENTIALS" } as const;
      if (upgraded) this.writeCredential({ ...c, passwordHash: upgraded });
      const now = Date.now();
      const sessionId = newId();
      this.db
        .insert(sessions)
        .values({
          id: sessionId,
          applicationId: grant.applicationId,
          tenantId: grant.tenantId,
          epoch: c.sessionEpoch,
          createdAt: now,
          lastUsedAt: now,
          idleTtlMs: grant.idleTtlSeconds * 1000,
          absoluteExpiresAt: now + grant.absoluteTtlSeconds * 1000,
        })
        .run();
      this.insertRefreshToken(tokenHash, sessionId, c.refreshEpoch, now);
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
      const session = this.session(token.sessionId);
      const now = Date.now();
      const verdict = judgeRefresh(token, session, c, now);
      if (verdict === "REUSED") this.revokeSessionRows(token.sessionId, now);
      if (verdict !== "ROTATE" || !session) return { outcome: "INVALID" } as const;
      this.db.update(refreshTokens).set({ rotatedAt: now }).where(eq(refreshTokens.tokenHash, tokenHash)).run();
      this.insertRefreshToken(nextHash, session.id, c.refreshEpoch, now);
      this.db.update(sessions).set({ lastUsedAt: now }).where(eq(sessions.id, session.id)).run();
      return {
        outcome: "ROTATED",
        sessionId: session.id,
        applicationId: session.applicationId,
        tenantId: session.tenantId,
        refreshToken: nextSecret,
      } as const;
    });
  }

  /** Introspection of a refresh token: alive, unrotated and of a live session. Does not rotate. */
  async refreshTokenStatus(secret: string): Promise<{ active: false } | { active: true; sessionId: string; applicationId: string; tenantId: string }> {
    const tokenHash = await keyedHash(this.env.SECRET_HASH_KEY, secret);
    const token = this.refreshTokenRow(tokenHash);
    if (!token) return { active: false };
    const session = this.session(token.sessionId);
    if (!session || judgeRefresh(token, session, this.credential(), Date.now()) !== "ROTATE") return { active: false };
    return { active: true, sessionId: session.id, applicationId: session.applicationId, tenantId: session.tenantId };
  }

  /** Whether the session is alive now; access tokens are only as good as their session. */
  async sessionStatus(sessionId: string): Promise<{ active: boolean }> {
    const session = this.session(sessionId);
    return { active: session !== null && sessionActive(session, this.credential(), Date.now()) };
  }

  async listSessions(): Promise<SessionView[]> {
    const c = this.credential();
    const now = Date.now();
    return this.db
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

  /** RFC 7009: revoking a refresh token ends its whole family, which is its session. */
  async revokeRefreshToken(secret: string): Promise<void> {
    const tokenHash = await keyedHash(this.env.SECRET_HASH_KEY, secret);
    const token = this.refreshTokenRow(tokenHash);
    if (token) this.revokeSessionRows(token.sessionId, Date.now());
  }

  async revokeSession(sessionId: string): Promise<void> {
    this.revokeSessionRows(sessionId, Date.now());
  }

  async revokeAllSessions(): Promise<void> {
    this.ctx.storage.transactionSync(() => {
      const c = this.credential();
      this.writeCredential({ ...c, sessionEpoch: c.sessionEpoch + 1, refreshEpoch: c.refreshEpoch + 1 });
      this.scheduleHousekeeping();
    });
  }

  async revokeAllRefreshTokens(): Promise<void> {
    this.ctx.storage.transactionSync(() => {
      const c = this.credential();
      this.writeCredential({ ...c, refreshEpoch: c.refreshEpoch + 1 });
      this.scheduleHousekeeping();
    });
  }

  /** Deletes everything this user had: credential, sessions, tokens, pending mail. */
  async destroy(): Promise<void> {
    await this.ctx.storage.deleteAlarm();
    await this.ctx.storage.deleteAll();
  }

  /** Delivers queued emails to the D1 outbox, then sweeps rows that epochs and expiry made dead. */
  override async alarm(): Promise<void> {
    const pending = this.db.select().from(pendingEmails).orderBy(asc(pendingEmails.createdAt)).all();
    if (pending.length > 0) {
      await insertOutboxEmails(this.env.DB, pending.map((p) => JSON.parse(p.message) as EmailMessage));
      for (const p of pending) this.db.delete(pendingEmails).where(eq(pendingEmails.id, p.id)).run();
    }
    if (this.sweepDeadRows()) this.scheduleHousekeeping();
  }

  private sweepDeadRows(): boolean {
    const c = this.credential();
    const now = Date.now();
    const deadSessions = this.db
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
      this.db.delete(refreshTokens).where(eq(refreshTokens.sessionId, s.id)).run();
      this.db.delete(sessions).where(eq(sessions.id, s.id)).run();
    }
    const deadTokens = this.db
      .select({ tokenHash: refreshTokens.tokenHash })
      .from(refreshTokens)
      .where(ne(refreshTokens.epoch, c.refreshEpoch))
      .limit(SWEEP_BATCH)
      .all();
    for (const t of deadTokens) this.db.delete(refreshTokens).where(eq(refreshTokens.tokenHash, t.tokenHash)).run();
    return deadSessions.length === SWEEP_BATCH || deadTokens.length === SWEEP_BATCH;
  }

  private refreshTokenRow(tokenHash: string): RefreshTokenRow | undefined {
    return this.db.select().from(refreshTokens).where(eq(refreshTokens.tokenHash, tokenHash)).get();
  }

  private session(sessionId: string): SessionRow | null {
    return this.db.select().from(sessions).where(eq(sessions.id, sessionId)).get() ?? null;
  }

  private revokeSessionRows(sessionId: string, now: number): void {
    this.db.update(sessions).set({ revokedAt: now }).where(and(eq(sessions.id, sessionId), isNull(sessions.revokedAt))).run();
    this.db
      .update(refreshTokens)
      .set({ revokedAt: now })
      .where(and(eq(refreshTokens.sessionId, sessionId), isNull(refreshTokens.revokedAt)))
      .run();
  }

  private insertRefreshToken(tokenHash: string, sessionId: string, epoch: number, now: number): void {
    this.db.insert(refreshTokens).values({ tokenHash, sessionId, epoch, createdAt: now }).run();
  }

  private queueEmail(message: EmailMessage): void {
    this.db.insert(pendingEmails).values({ id: message.id, message: JSON.stringify(message), createdAt: message.createdAt }).run();
  }

  private scheduleHousekeeping(): void {
    // setAlarm is a storage write: inside transactionSync it commits with the rest.
    void this.ctx.storage.setAlarm(Date.now());
  }
}
