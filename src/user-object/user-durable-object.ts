import { DurableObject } from "cloudflare:workers";
import { and, asc, desc, eq, inArray, isNotNull, isNull, lte, ne, or, sql } from "drizzle-orm";
import { type DrizzleSqliteDODatabase, drizzle } from "drizzle-orm/durable-sqlite";
import { serviceConfig } from "../config/service-config";
import type { Keyring } from "../crypto/keyring";
import { DECOY_PASSWORD_HASH, hashPassword, normalizePassword, verifyPassword } from "../crypto/password-hash";
import { newId, randomToken } from "../crypto/random";
import type { PasswordUpdatedJob } from "../email/message";
import { enqueueEmails } from "../email/queue";
import type { PasswordResetPolicy } from "../policy/password-reset-policy";
import { type PasswordViolation, SAME_AS_CURRENT, passwordViolations } from "../policy/password-rules";
import { ROTATED_TOKEN_RETENTION_MS, earliest, relayRetryDelayMs } from "./housekeeping";
import { migrateUserObject } from "./migrate";
import { type AttemptVerdict, type PasswordThrottle, judgeAttempt } from "./password-attempts";
import { type CredentialRow, type RefreshTokenRow, type SessionRow, credential, passwordFailures, pendingEmails, refreshTokens, sessions } from "./schema";
import { judgeRefresh, sessionActive, sessionExpiresAt } from "./session-state";

/** How many dead session and refresh-token rows one alarm run deletes. */
const SWEEP_BATCH = 500;

type CredentialState = Pick<CredentialRow, "status" | "passwordHash" | "credentialVersion" | "sessionEpoch" | "refreshEpoch" | "changedByCode">;

export type UserObjectStatus = CredentialRow["status"];

export interface SessionGrant {
  applicationId: string;
  tenantId: string;
  /** The M2M client logging the user in: the refresh token is issued to it. */
  clientId: string;
  idleTtlSeconds: number;
  absoluteTtlSeconds: number;
}

export type InitializeOutcome = { outcome: "CREATED" } | { outcome: "EXISTS" };

export type ChangePasswordOutcome =
  | { outcome: "UPDATED"; credentialVersion: number }
  /** Never initialised, deleted or inactive: nothing can change. */
  | { outcome: "NOT_ACTIVE" }
  | { outcome: "STALE" }
  | { outcome: "WRONG_CURRENT_PASSWORD" }
  | TooManyAttempts
  | { outcome: "POLICY_VIOLATION"; violations: PasswordViolation[] };

/** Too many wrong passwords in a row: wait `retryAfterSeconds`, or, when null, reset the password. */
export type TooManyAttempts = { outcome: "TOO_MANY_ATTEMPTS"; retryAfterSeconds: number | null };

export interface ChangePasswordInput {
  newPassword: string;
  policy: Pick<PasswordResetPolicy, "passwordMinLength" | "passwordMaxLength"> & PasswordThrottle;
  /** The user's email, for `contains_email`. */
  email?: string;
  /** The breached-password check found the new password (src/workflows/breached-password.ts). */
  breached?: boolean;
  /** Reset codes: the credential version the code was issued at. The change applies only if it still holds. */
  expectedCredentialVersion?: number;
  /** Reset codes: the code's id, recorded with the change so that a retry gets the same answer. */
  codeId?: string;
  /** Change Password: the password the user says is current. */
  currentPassword?: string;
  notification?: PasswordUpdatedJob;
}

export type LoginOutcome =
  | { outcome: "SUCCESS"; sessionId: string; refreshToken: string }
  | { outcome: "INVALID_CREDENTIALS" }
  | TooManyAttempts;

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
 *
 * Lifecycle: an object has no storage until user creation calls `initialize`; until then every
 * call refuses and nothing creates tables for an id nobody created. `destroy` leaves a DELETED
 * tombstone with every counter raised, so no code, session or token of the user ever works again
 * and the id cannot be initialised anew.
 */
export class UserDurableObject extends DurableObject<Env> {
  private readonly db: DrizzleSqliteDODatabase;
  /** Whether the schema exists: created by `initialize` or `destroy` only, never by a read. */
  private hasStorage = false;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.db = drizzle(ctx.storage);
    // No call runs until the schema is current; a failed migration fails every call (503).
    void ctx.blockConcurrencyWhile(async () => {
      this.hasStorage = ctx.storage.sql.exec("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'credential'").toArray().length > 0;
      if (this.hasStorage) await migrateUserObject(ctx.storage);
    });
  }

  private async createStorage(): Promise<void> {
    if (this.hasStorage) return;
    await migrateUserObject(this.ctx.storage);
    this.hasStorage = true;
  }

  /** The credential row; null while the object was never initialised. */
  private async peppers(): Promise<Keyring> {
    return (await serviceConfig(this.env)).passwordPeppers;
  }

  private async secretHashKeys(): Promise<Keyring> {
    return (await serviceConfig(this.env)).secretHashKeys;
  }

  private credential(): CredentialRow | null {
    if (!this.hasStorage) return null;
    return this.db.select().from(credential).where(eq(credential.id, 1)).get() ?? null;
  }

  /** The credential of a user who may sign in and change the password now. */
  private activeCredential(): CredentialRow | null {
    const c = this.credential();
    return c?.status === "ACTIVE" ? c : null;
  }

  private writeCredential(c: CredentialState): void {
    const row = {
      status: c.status,
      passwordHash: c.passwordHash,
      credentialVersion: c.credentialVersion,
      sessionEpoch: c.sessionEpoch,
      refreshEpoch: c.refreshEpoch,
      changedByCode: c.changedByCode,
      updatedAt: Date.now(),
    };
    this.db
      .insert(credential)
      .values({ id: 1, ...row })
      .onConflictDoUpdate({ target: credential.id, set: row })
      .run();
  }

  /** The version reset codes are issued at; null when the user may not reset (never created, deleted, inactive). */
  async credentialVersion(): Promise<number | null> {
    return this.activeCredential()?.credentialVersion ?? null;
  }

  /** Creates the user's storage with the first password; only user creation calls it, once. */
  async initialize(password: string | null, status: Exclude<UserObjectStatus, "DELETED">): Promise<InitializeOutcome> {
    const hash = password === null ? null : await hashPassword(password, (await this.peppers()));
    await this.createStorage();
    return this.ctx.storage.transactionSync(() => {
      // A tombstone, or a user already made: an id is initialised at most once.
      if (this.credential()) return { outcome: "EXISTS" } as const;
      this.writeCredential({ status, passwordHash: hash, credentialVersion: 0, sessionEpoch: 0, refreshEpoch: 0, changedByCode: null });
      return { outcome: "CREATED" } as const;
    });
  }

  /**
   * Checks in the order a caller would see if requests ran one at a time: a stale code first, then
   * the current password, then the policy (lengths, contains_email, breached, then same_as_current), then commits.
   */
  async changePassword(input: ChangePasswordInput): Promise<ChangePasswordOutcome> {
    const pepper = (await this.peppers());
    const start = this.activeCredential();
    if (!start) return { outcome: "NOT_ACTIVE" };
    if (input.expectedCredentialVersion !== undefined && start.credentialVersion !== input.expectedCredentialVersion) {
      return (await this.replayedChange(start, input)) ?? { outcome: "STALE" };
    }
    if (input.currentPassword !== undefined) {
      const verdict = this.countAttempt(input.policy);
      if (!verdict.allowed) return { outcome: "TOO_MANY_ATTEMPTS", retryAfterSeconds: verdict.retryAfterSeconds };
      const check = await verifyPassword(input.currentPassword, start.passwordHash ?? DECOY_PASSWORD_HASH, pepper);
      if (!start.passwordHash || !check.valid) return { outcome: "WRONG_CURRENT_PASSWORD" };
      this.clearFailures();
    }
    const violations = passwordViolations(input.newPassword, input.policy, input.email, input.breached);
    if (violations.length) return { outcome: "POLICY_VIOLATION", violations };
    if (start.passwordHash) {
      const same =
        (input.currentPassword !== undefined && normalizePassword(input.currentPassword) === normalizePassword(input.newPassword)) ||
        (await verifyPassword(input.newPassword, start.passwordHash, pepper)).valid;
      // A concurrent change may have landed during the hash; then this request lost the race.
      if (this.activeCredential()?.credentialVersion !== start.credentialVersion) return { outcome: "STALE" };
      if (same) return { outcome: "POLICY_VIOLATION", violations: [SAME_AS_CURRENT] };
    }
    const newHash = await hashPassword(input.newPassword, pepper);
    // Check-and-set after the last await: the version read at the start must still hold.
    return this.ctx.storage.transactionSync(() => {
      const now = this.activeCredential();
      if (now?.credentialVersion !== start.credentialVersion) return { outcome: "STALE" } as const;
      this.writeCredential({
        status: now.status,
        passwordHash: newHash,
        credentialVersion: now.credentialVersion + 1,
        sessionEpoch: now.sessionEpoch + 1,
        refreshEpoch: now.refreshEpoch + 1,
        changedByCode: input.codeId ?? null,
      });
      // Guesses counted so far were against the old password.
      this.clearFailures();
      if (input.notification) this.queueEmail(input.notification);
      this.scheduleHousekeeping();
      return { outcome: "UPDATED", credentialVersion: now.credentialVersion + 1 } as const;
    });
  }

  /**
   * The outcome this code's change committed, for a retry whose first answer was lost (a 503
   * after the commit): the same code with the same new password, while that change is still the
   * latest. Anything else, a different password included, is a spent code.
   */
  private async replayedChange(start: CredentialRow, input: ChangePasswordInput): Promise<ChangePasswordOutcome | null> {
    const hash = start.passwordHash;
    if (input.codeId === undefined || start.changedByCode !== input.codeId || hash === null) return null;
    if (start.credentialVersion !== (input.expectedCredentialVersion ?? Number.NaN) + 1) return null;
    if (!(await verifyPassword(input.newPassword, hash, (await this.peppers()))).valid) return null;
    if (this.activeCredential()?.credentialVersion !== start.credentialVersion) return null;
    return { outcome: "UPDATED", credentialVersion: start.credentialVersion };
  }

  async login(password: string, grant: SessionGrant, throttle: PasswordThrottle): Promise<LoginOutcome> {
    const start = this.activeCredential();
    const verdict = start ? this.countAttempt(throttle) : ({ allowed: true } as const);
    if (!verdict.allowed) return { outcome: "TOO_MANY_ATTEMPTS", retryAfterSeconds: verdict.retryAfterSeconds };
    const check = await verifyPassword(password, start?.passwordHash ?? DECOY_PASSWORD_HASH, (await this.peppers()));
    if (!start?.passwordHash || !check.valid) return { outcome: "INVALID_CREDENTIALS" };
    const upgraded = check.needsRehash ? await hashPassword(password, (await this.peppers())) : null;
    const secret = randomToken();
    const tokenHash = await (await this.secretHashKeys()).hash("refresh-token", secret);
    const outcome = this.ctx.storage.transactionSync(() => {
      const c = this.activeCredential();
      // The password changed, or the user was deleted, while we verified: no session opens.
      if (c?.credentialVersion !== start.credentialVersion) return { outcome: "INVALID_CREDENTIALS" } as const;
      if (upgraded) this.writeCredential({ ...c, passwordHash: upgraded });
      this.clearFailures();
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
      this.insertRefreshToken(tokenHash, sessionId, c.refreshEpoch, now, grant.clientId);
      return { outcome: "SUCCESS", sessionId, refreshToken: secret } as const;
    });
    if (outcome.outcome === "SUCCESS") await this.wakeBy(this.nextExpiry());
    return outcome;
  }

  /** Rotates the refresh token for `clientId`; see judgeRefresh for reuse and the grace of a lost response. */
  async refresh(secret: string, clientId: string): Promise<RefreshOutcome> {
    // Under every configured key: a token issued before a key rotation still finds its row.
    const tokenHashes = await (await this.secretHashKeys()).hashes("refresh-token", secret);
    const nextSecret = randomToken();
    const nextHash = await (await this.secretHashKeys()).hash("refresh-token", nextSecret);
    const outcome = this.ctx.storage.transactionSync(() => {
      const c = this.activeCredential();
      const token = c && this.refreshTokenRow(tokenHashes);
      if (!c || !token) return { outcome: "INVALID" } as const;
      const session = this.session(token.sessionId);
      const successor = token.replacedBy === null ? null : (this.refreshTokenRow([token.replacedBy]) ?? null);
      const now = Date.now();
      const verdict = judgeRefresh(token, successor, session, c, now);
      if (verdict === "REUSED") this.revokeSessionRows(token.sessionId, now);
      if ((verdict !== "ROTATE" && verdict !== "GRACE") || !session) return { outcome: "INVALID" } as const;
      if (verdict === "GRACE" && token.replacedBy !== null) {
        // The successor never reached the client: spend it, so presenting it later reads as reuse.
        this.db.update(refreshTokens).set({ rotatedAt: now }).where(eq(refreshTokens.tokenHash, token.replacedBy)).run();
      }
      // The grace runs from the first rotation: a retry moves the link, not the clock.
      const spent = verdict === "ROTATE" ? { rotatedAt: now, replacedBy: nextHash } : { replacedBy: nextHash };
      this.db.update(refreshTokens).set(spent).where(eq(refreshTokens.tokenHash, token.tokenHash)).run();
      this.insertRefreshToken(nextHash, session.id, c.refreshEpoch, now, clientId);
      this.db.update(sessions).set({ lastUsedAt: now }).where(eq(sessions.id, session.id)).run();
      return {
        outcome: "ROTATED",
        sessionId: session.id,
        applicationId: session.applicationId,
        tenantId: session.tenantId,
        refreshToken: nextSecret,
      } as const;
    });
    // The rotated token's reuse window, or the session's new idle end, may be the next expiry.
    if (outcome.outcome === "ROTATED") await this.wakeBy(this.nextExpiry());
    return outcome;
  }

  /** Introspection of a refresh token: alive, unrotated and of a live session. Does not rotate. */
  async refreshTokenStatus(secret: string): Promise<RefreshTokenStatus> {
    // Under every configured key: a token issued before a key rotation still finds its row.
    const tokenHashes = await (await this.secretHashKeys()).hashes("refresh-token", secret);
    const c = this.activeCredential();
    const token = c && this.refreshTokenRow(tokenHashes);
    if (!c || !token) return { active: false };
    const session = this.session(token.sessionId);
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

  /** Whether the session is alive now; access tokens are only as good as their session. */
  async sessionStatus(sessionId: string): Promise<{ active: boolean }> {
    const c = this.activeCredential();
    const session = c && this.session(sessionId);
    return { active: !!c && !!session && sessionActive(session, c, Date.now()) };
  }

  async listSessions(): Promise<SessionView[]> {
    const c = this.activeCredential();
    if (!c) return [];
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
    // Under every configured key: a token issued before a key rotation still finds its row.
    const tokenHashes = await (await this.secretHashKeys()).hashes("refresh-token", secret);
    const token = this.credential() && this.refreshTokenRow(tokenHashes);
    if (token) this.revokeSessionRows(token.sessionId, Date.now());
  }

  async revokeSession(sessionId: string): Promise<void> {
    if (this.credential()) this.revokeSessionRows(sessionId, Date.now());
  }

  async revokeAllSessions(): Promise<void> {
    this.ctx.storage.transactionSync(() => {
      const c = this.credential();
      if (!c) return;
      this.writeCredential({ ...c, sessionEpoch: c.sessionEpoch + 1, refreshEpoch: c.refreshEpoch + 1 });
      this.scheduleHousekeeping();
    });
  }

  async revokeAllRefreshTokens(): Promise<void> {
    this.ctx.storage.transactionSync(() => {
      const c = this.credential();
      if (!c) return;
      this.writeCredential({ ...c, refreshEpoch: c.refreshEpoch + 1 });
      this.scheduleHousekeeping();
    });
  }

  /**
   * Development only, for `npm run bench`: gives an initialised, active user a ready-made password
   * hash and `sessions` live sessions, each with a refresh token, so that provisioning thousands of
   * users or sessions costs no derivation or login each and stays outside the timing.
   */
  async seedForBench(input: { passwordHash?: string; sessions?: number; grant: Omit<SessionGrant, "clientId"> }): Promise<void> {
    if (this.env.ENVIRONMENT !== "development") throw new Error("seedForBench exists only in development");
    await this.createStorage();
    this.ctx.storage.transactionSync(() => {
      const c = this.credential();
      if (c?.status !== "ACTIVE") throw new Error("seedForBench needs an initialised, active user");
      if (input.passwordHash !== undefined) this.writeCredential({ ...c, passwordHash: input.passwordHash });
      const now = Date.now();
      for (let i = 0; i < (input.sessions ?? 0); i++) {
        const sessionId = newId();
        this.db
          .insert(sessions)
          .values({
            id: sessionId,
            applicationId: input.grant.applicationId,
            tenantId: input.grant.tenantId,
            epoch: c.sessionEpoch,
            createdAt: now,
            lastUsedAt: now,
            idleTtlMs: input.grant.idleTtlSeconds * 1000,
            absoluteExpiresAt: now + input.grant.absoluteTtlSeconds * 1000,
          })
          .run();
        this.insertRefreshToken(randomToken(), sessionId, c.refreshEpoch, now, null);
      }
    });
  }

  /**
   * Deactivating revokes every session and refresh token and kills every outstanding reset code
   * (all counters rise) in the same transaction as the status; reactivating restores none of them.
   */
  async setStatus(status: Exclude<UserObjectStatus, "DELETED">): Promise<{ outcome: "UPDATED" } | { outcome: "NOT_FOUND" }> {
    return this.ctx.storage.transactionSync(() => {
      const c = this.credential();
      if (!c || c.status === "DELETED") return { outcome: "NOT_FOUND" } as const;
      if (c.status === status) return { outcome: "UPDATED" } as const;
      if (status === "ACTIVE") {
        this.writeCredential({ ...c, status });
      } else {
        this.writeCredential({
          ...c,
          status,
          credentialVersion: c.credentialVersion + 1,
          sessionEpoch: c.sessionEpoch + 1,
          refreshEpoch: c.refreshEpoch + 1,
        });
        this.scheduleHousekeeping();
      }
      return { outcome: "UPDATED" } as const;
    });
  }

  /**
   * Deletes what the user had (password, sessions, tokens, pending mail) and leaves the DELETED
   * tombstone, with every counter one higher, in one transaction. Idempotent.
   */
  async destroy(): Promise<void> {
    await this.createStorage();
    this.ctx.storage.transactionSync(() => {
      const c = this.credential();
      if (c?.status === "DELETED") return;
      this.writeCredential({
        status: "DELETED",
        passwordHash: null,
        credentialVersion: (c?.credentialVersion ?? 0) + 1,
        sessionEpoch: (c?.sessionEpoch ?? 0) + 1,
        refreshEpoch: (c?.refreshEpoch ?? 0) + 1,
        changedByCode: null,
      });
      this.db.delete(refreshTokens).run();
      this.db.delete(sessions).run();
      this.db.delete(pendingEmails).run();
      this.clearFailures();
      void this.ctx.storage.deleteAlarm();
    });
  }

  /** Puts pending emails on the email queue, then sweeps rows that epochs and expiry made dead. */
  override async alarm(): Promise<void> {
    if (!this.credential()) return;
    const relayRetryAt = await this.relayPendingMail();
    const more = this.sweepDeadRows();
    await this.wakeBy(more ? Date.now() : earliest(relayRetryAt, this.nextExpiry()));
  }

  /**
   * Hands pending mail to the relay (idempotent by message id), then forgets it. A failure is
   * logged by class and answered with a later retry, never a throw: the platform would give up
   * on a throwing alarm after a few tries, and the mail would wait for the next change.
   * Returns when to try again, or null when nothing is left.
   */
  private async relayPendingMail(): Promise<number | null> {
    const pending = this.db.select().from(pendingEmails).orderBy(asc(pendingEmails.createdAt)).all();
    if (pending.length === 0) return null;
    try {
      await enqueueEmails(this.env, pending.map((p) => JSON.parse(p.message) as PasswordUpdatedJob));
    } catch (e) {
      const attempts = Math.max(...pending.map((p) => p.attempts)) + 1;
      this.db.update(pendingEmails).set({ attempts }).run();
      console.error(JSON.stringify({ event: "user_object.mail_relay_failed", error: e instanceof Error ? e.name : typeof e, attempts }));
      return Date.now() + relayRetryDelayMs(attempts, crypto.getRandomValues(new Uint32Array(1))[0]! / 2 ** 32);
    }
    for (const p of pending) this.db.delete(pendingEmails).where(eq(pendingEmails.id, p.id)).run();
    return null;
  }

  /** The next moment a live session ends or a rotated refresh token's reuse window closes. */
  private nextExpiry(): number | null {
    const c = this.activeCredential();
    if (!c) return null;
    const session = this.db
      .select({ at: sql<number | null>`min(min(${sessions.absoluteExpiresAt}, ${sessions.lastUsedAt} + ${sessions.idleTtlMs}))` })
      .from(sessions)
      .where(and(isNull(sessions.revokedAt), eq(sessions.epoch, c.sessionEpoch)))
      .get();
    const rotated = this.db
      .select({ at: sql<number | null>`min(${refreshTokens.rotatedAt}) + ${ROTATED_TOKEN_RETENTION_MS}` })
      .from(refreshTokens)
      .where(isNotNull(refreshTokens.rotatedAt))
      .get();
    return earliest(session?.at, rotated?.at);
  }

  /** Sets the alarm to `at` unless it is already due sooner. */
  private async wakeBy(at: number | null): Promise<void> {
    if (at === null) return;
    const current = await this.ctx.storage.getAlarm();
    if (current === null || at < current) await this.ctx.storage.setAlarm(at);
  }

  private sweepDeadRows(): boolean {
    const c = this.credential();
    if (!c) return false;
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
      .where(or(ne(refreshTokens.epoch, c.refreshEpoch), lte(refreshTokens.rotatedAt, now - ROTATED_TOKEN_RETENTION_MS)))
      .limit(SWEEP_BATCH)
      .all();
    for (const t of deadTokens) this.db.delete(refreshTokens).where(eq(refreshTokens.tokenHash, t.tokenHash)).run();
    return deadSessions.length === SWEEP_BATCH || deadTokens.length === SWEEP_BATCH;
  }

  private refreshTokenRow(tokenHashes: string[]): RefreshTokenRow | undefined {
    return this.db.select().from(refreshTokens).where(inArray(refreshTokens.tokenHash, tokenHashes)).get();
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

  private insertRefreshToken(tokenHash: string, sessionId: string, epoch: number, now: number, clientId: string | null): void {
    this.db.insert(refreshTokens).values({ tokenHash, sessionId, epoch, createdAt: now, clientId }).run();
  }

  /**
   * Judges a password attempt and, when it may go ahead, counts it as a failure at once: check and
   * count are one synchronous step, so parallel guesses each take their own place in the count
   * before any of them reaches the hash. A right password then clears the count.
   */
  private countAttempt(throttle: PasswordThrottle): AttemptVerdict {
    return this.ctx.storage.transactionSync(() => {
      const now = Date.now();
      const count = this.db.select().from(passwordFailures).where(eq(passwordFailures.id, 1)).get() ?? null;
      const verdict = judgeAttempt(count, throttle, now);
      if (verdict.allowed) {
        const failures = (count?.failures ?? 0) + 1;
        this.db
          .insert(passwordFailures)
          .values({ id: 1, failures, lastFailedAt: now })
          .onConflictDoUpdate({ target: passwordFailures.id, set: { failures, lastFailedAt: now } })
          .run();
      }
      return verdict;
    });
  }

  private clearFailures(): void {
    this.db.delete(passwordFailures).run();
  }

  private queueEmail(message: PasswordUpdatedJob): void {
    this.db.insert(pendingEmails).values({ id: message.id, message: JSON.stringify(message), createdAt: message.createdAt }).run();
  }

  private scheduleHousekeeping(): void {
    // setAlarm is a storage write: inside transactionSync it commits with the rest.
    void this.ctx.storage.setAlarm(Date.now());
  }
}
