// Storage schema of one user's Durable Object (SQLite), managed by drizzle-kit: after changing
// this file, `npm run user-object:generate` writes the migration into src/user-object/migrations,
// and every object applies what it has not yet applied when it starts (see store.ts).
//
// One row of `credential` holds the user's lifecycle status, the password hash and three counters:
//   status              ACTIVE or INACTIVE while the user exists; DELETED is the tombstone a
//                       deleted user leaves for good. No row at all: never initialised.
//   credential_version  bumped by every password change; reset codes carry the version they
//                       were issued at, so a change kills every earlier code at once.
//   session_epoch       sessions carry the epoch they were created in; bumping it revokes all
//                       sessions in O(1), whatever their number.
//   refresh_epoch       likewise for refresh tokens alone.
// A password change bumps all three and queues its email in `pending_emails` in the same
// transactionSync, so "password changed, everything revoked, notice queued" commits whole.
// The alarm puts pending emails on the email queue and sweeps rows the epochs made dead.
// Times are epoch milliseconds.
import { sql } from "drizzle-orm";
import { check, index, integer, sqliteTable, text } from "drizzle-orm/sqlite-core";

/** Only user creation makes the row; only deletion makes it DELETED, and nothing undoes that. */
export const USER_OBJECT_STATUSES = ["ACTIVE", "INACTIVE", "DELETED"] as const;

export const credential = sqliteTable(
  "credential",
  {
    id: integer("id").primaryKey(),
    status: text("status", { enum: USER_OBJECT_STATUSES }).notNull().default("ACTIVE"),
    passwordHash: text("password_hash"),
    credentialVersion: integer("credential_version").notNull(),
    sessionEpoch: integer("session_epoch").notNull(),
    refreshEpoch: integer("refresh_epoch").notNull(),
    updatedAt: integer("updated_at").notNull(),
    /** The reset code whose change set the current password: a retry of it gets the same answer. */
    changedByCode: text("changed_by_code"),
  },
  (t) => [check("credential_single_row", sql`${t.id} = 1`)],
);

export const sessions = sqliteTable("sessions", {
  id: text("id").primaryKey(),
  applicationId: text("application_id").notNull(),
  tenantId: text("tenant_id").notNull(),
  epoch: integer("epoch").notNull(),
  createdAt: integer("created_at").notNull(),
  lastUsedAt: integer("last_used_at").notNull(),
  idleTtlMs: integer("idle_ttl_ms").notNull(),
  absoluteExpiresAt: integer("absolute_expires_at").notNull(),
  revokedAt: integer("revoked_at"),
});

export const refreshTokens = sqliteTable(
  "refresh_tokens",
  {
    tokenHash: text("token_hash").primaryKey(),
    sessionId: text("session_id").notNull(),
    epoch: integer("epoch").notNull(),
    createdAt: integer("created_at").notNull(),
    rotatedAt: integer("rotated_at"),
    revokedAt: integer("revoked_at"),
    /** The client it was issued to (RFC 7662 `client_id`); null on rows older than the column. */
    clientId: text("client_id"),
    /** The successor's hash once rotated, so a retry within the grace is told apart from reuse. */
    replacedBy: text("replaced_by"),
  },
  (t) => [index("refresh_tokens_session").on(t.sessionId)],
);

/** Password Updated mail committed with the change, waiting for the alarm to relay it. */
export const pendingEmails = sqliteTable("pending_emails", {
  id: text("id").primaryKey(),
  /** The Password Updated email job (src/email/message.ts) as JSON: no secret. */
  message: text("message").notNull(),
  createdAt: integer("created_at").notNull(),
  /** Failed relay attempts so far: the alarm backs off by it and never gives up. */
  attempts: integer("attempts").notNull().default(0),
});

/**
 * Password guesses against this user (login, Change Password's current password) since the last
 * success, counted before the hash is checked so parallel guesses cannot share an attempt. A
 * success, and any password change or reset, deletes the row (see password-attempts.ts).
 */
export const passwordFailures = sqliteTable(
  "password_failures",
  {
    id: integer("id").primaryKey(),
    failures: integer("failures").notNull(),
    lastFailedAt: integer("last_failed_at").notNull(),
  },
  (t) => [check("password_failures_single_row", sql`${t.id} = 1`)],
);

/**
 * The request time of the newest email whose codes were issued, and the creation time of the newest
 * admin link (code-generations.ts): a code of an older one is refused, whatever a lagging D1 replica
 * says of it. No row (an object older than this table, or no code yet): none recorded, 0.
 */
export const codeGenerations = sqliteTable(
  "code_generations",
  {
    id: integer("id").primaryKey(),
    emailCodesIssuedAt: integer("email_codes_issued_at").notNull().default(0),
    adminLinkIssuedAt: integer("admin_link_issued_at").notNull().default(0),
  },
  (t) => [check("code_generations_single_row", sql`${t.id} = 1`)],
);

export type CredentialRow = typeof credential.$inferSelect;
export type SessionRow = typeof sessions.$inferSelect;
export type RefreshTokenRow = typeof refreshTokens.$inferSelect;
