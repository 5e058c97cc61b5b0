import { DurableObject } from "cloudflare:workers";
import { serviceConfig } from "../config/service-config";
import { type ChangePasswordInput, type ChangePasswordOutcome, changePassword, credentialVersion } from "./credential";
import type { CodeIssue } from "./code-generations";
import type { UserObjectStatus } from "./credential-row";
import { runAlarm } from "./housekeeping";
import { type WithKeyIds, withKeyIds } from "./key-ids";
import { type InitializeOutcome, destroy, initialize, setStatus } from "./lifecycle";
import { type LoginOutcome, login } from "./login";
import type { PasswordThrottle } from "./password-attempts";
import { type RefreshOutcome, type RefreshTokenStatus, refresh, refreshTokenStatus, revokeAllRefreshTokens, revokeRefreshToken } from "./refresh-tokens";
import { type SessionGrant, type SessionView, listSessions, revokeAllSessions, revokeSession, sessionStatus } from "./sessions";
import { type UserKeys, type UserStore, openSchema, userStore } from "./store";

export type { CodeIssue } from "./code-generations";
export type { ChangePasswordInput, ChangePasswordOutcome } from "./credential";
export type { UserObjectStatus } from "./credential-row";
export type { KeyIdReport } from "./key-ids";
export type { InitializeOutcome } from "./lifecycle";
export type { LoginOutcome } from "./login";
export type { TooManyAttempts } from "./password-failures";
export type { RefreshOutcome, RefreshTokenStatus } from "./refresh-tokens";
export type { SessionGrant, SessionView } from "./sessions";

/**
 * One per user, addressed by user id: the user's credential, sessions and refresh tokens, so that
 * a password change and the revocation of everything is a single storage transaction.
 *
 * This class is the RPC surface only; each concern is a module over the object's storage:
 * lifecycle.ts (initialise, status, tombstone), credential.ts (version, password change),
 * login.ts, sessions.ts, refresh-tokens.ts, outbox-relay.ts and housekeeping.ts (the alarm).
 *
 * Lifecycle: an object has no storage until user creation calls `initialize`; until then every
 * call refuses and nothing creates tables for an id nobody created. `destroy` leaves a DELETED
 * tombstone with every counter raised, so no code, session or token of the user ever works again
 * and the id cannot be initialised anew.
 */
export class UserDurableObject extends DurableObject<Env> {
  protected readonly store: UserStore;
  // Read from this.env at each use: a redeploy (or a test) may hand the live object new keys.
  private readonly keys: UserKeys = {
    peppers: async () => (await serviceConfig(this.env)).passwordPeppers,
    secretHashKeys: async () => (await serviceConfig(this.env)).secretHashKeys,
  };

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.store = userStore(ctx.storage);
    // No call runs until the schema is current; a failed migration fails every call (503).
    // On failure workerd breaks the input gate and resets the object without rejecting the
    // promise it returns, so `void` leaves nothing unhandled (docs/failure.md).
    void ctx.blockConcurrencyWhile(() => openSchema(this.store));
  }

  /**
   * The version reset codes are issued at; null when the user may not reset (never created, deleted,
   * inactive). `issuing`: the codes about to be issued, recorded as the newest of their family.
   */
  async credentialVersion(issuing?: CodeIssue): Promise<number | null> {
    return credentialVersion(this.store, issuing);
  }

  // The calls that can change which keys the user's secrets depend on answer with the object's
  // report of them (key-ids.ts), which the workflow copies to D1 for counting.

  /** Creates the user's storage with the first password; only user creation calls it, once. */
  async initialize(password: string | null, status: Exclude<UserObjectStatus, "DELETED">): Promise<WithKeyIds<InitializeOutcome, "CREATED">> {
    return withKeyIds(this.store, await initialize(this.store, this.keys, password, status), "CREATED");
  }

  /** Reset codes and Change Password: see credential.ts for the order of checks and the single commit. */
  async changePassword(input: ChangePasswordInput): Promise<WithKeyIds<ChangePasswordOutcome, "UPDATED">> {
    return withKeyIds(this.store, await changePassword(this.store, this.keys, input), "UPDATED");
  }

  async login(password: string, grant: SessionGrant, throttle: PasswordThrottle): Promise<WithKeyIds<LoginOutcome, "SUCCESS">> {
    return withKeyIds(this.store, await login(this.store, this.keys, password, grant, throttle), "SUCCESS");
  }

  /** Rotates the refresh token for `clientId`; see judgeRefresh for reuse and the grace of a lost response. */
  async refresh(secret: string, clientId: string): Promise<WithKeyIds<RefreshOutcome, "ROTATED">> {
    return withKeyIds(this.store, await refresh(this.store, this.keys, secret, clientId), "ROTATED");
  }

  /** Introspection of a refresh token: alive, unrotated and of a live session. Does not rotate. */
  async refreshTokenStatus(secret: string): Promise<RefreshTokenStatus> {
    return refreshTokenStatus(this.store, this.keys, secret);
  }

  /** Whether the session is alive now; access tokens are only as good as their session. */
  async sessionStatus(sessionId: string): Promise<{ active: boolean }> {
    return sessionStatus(this.store, sessionId);
  }

  async listSessions(): Promise<SessionView[]> {
    return listSessions(this.store);
  }

  /** RFC 7009: revoking a refresh token ends its whole family, which is its session; only for the client it was issued to. */
  async revokeRefreshToken(secret: string, clientId?: string): Promise<void> {
    return revokeRefreshToken(this.store, this.keys, secret, clientId);
  }

  async revokeSession(sessionId: string): Promise<void> {
    revokeSession(this.store, sessionId);
  }

  async revokeAllSessions(): Promise<void> {
    revokeAllSessions(this.store);
  }

  async revokeAllRefreshTokens(): Promise<void> {
    revokeAllRefreshTokens(this.store);
  }

  /** Deactivating revokes everything in the same transaction as the status; reactivating restores nothing. */
  async setStatus(status: Exclude<UserObjectStatus, "DELETED">): Promise<{ outcome: "UPDATED" } | { outcome: "NOT_FOUND" }> {
    return setStatus(this.store, status);
  }

  /** Leaves the DELETED tombstone, with what the user had deleted, in one transaction. Idempotent. */
  async destroy(): Promise<void> {
    return destroy(this.store);
  }

  /** Relays pending mail, then sweeps rows that epochs and expiry made dead (housekeeping.ts). */
  override async alarm(): Promise<void> {
    return runAlarm(this.store, this.env);
  }
}
