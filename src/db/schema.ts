// The D1 schema. D1 holds what is looked up across users (directories, policies, one-time codes,
// email delivery status); each user's credential, sessions and refresh tokens live in that user's Durable
// Object instead (see src/user-object). Times are epoch milliseconds.
import { sql } from "drizzle-orm";
import { index, integer, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import { LANGUAGES } from "../copy/catalog";
import type { ObjectJurisdiction, UserObjectLocation } from "../policy/object-location";
import { createdAt } from "./columns";


export const applications = sqliteTable("applications", {
  id: text("id").primaryKey(),
  name: text("name").notNull(),
  createdAt: createdAt(),
});

export const tenants = sqliteTable(
  "tenants",
  {
    id: text("id").primaryKey(),
    applicationId: text("application_id").notNull().references(() => applications.id),
    name: text("name").notNull(),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex("tenants_application_name").on(t.applicationId, t.name)],
);

// No foreign keys: users live on the shards (src/shards), which hold no applications or tenants.
export const users = sqliteTable(
  "users",
  {
    id: text("id").primaryKey(),
    applicationId: text("application_id").notNull(),
    tenantId: text("tenant_id").notNull(),
    email: text("email").notNull(),
    /** The email folded to lower case: uniqueness and lookup are case-insensitive. */
    emailKey: text("email_key").notNull(),
    status: text("status", { enum: ["ACTIVE", "INACTIVE"] }).notNull(),
    createdAt: createdAt(),
    /**
     * The jurisdiction the user's object was made in (null: none), from the tenant's policy at
     * creation. Objects never move and a name gives another object in each jurisdiction, so every
     * call finds the object through this, whatever the policy says later.
     */
    objectJurisdiction: text("object_jurisdiction").$type<ObjectJurisdiction>(),
    // What the user's object last reported about the keys its secrets depend on, so that key usage
    // can be counted in D1 (src/directory/key-usage.ts). The object is the truth; these may lag it.
    /** PASSWORD_PEPPER kid of the stored password hash; null without a password. */
    passwordKeyId: text("password_key_id"),
    /** SECRET_HASH_KEY kid -> until when (ms, rounded up to the day) a refresh token stored under it may be accepted. */
    refreshKeyIds: text("refresh_key_ids", { mode: "json" }).$type<Record<string, number>>(),
    /** When the object made the report stored above (its clock); null: never reported (a user older than these columns). */
    keyIdsReportedAt: integer("key_ids_reported_at"),
  },
  // The listing pages newest first with a (time, id) cursor, on every shard (src/directory/user-shards.ts).
  (t) => [uniqueIndex("users_tenant_email").on(t.tenantId, t.emailKey), index("users_tenant_created").on(t.tenantId, t.createdAt, t.id)],
);

export const m2mClients = sqliteTable("m2m_clients", {
  id: text("id").primaryKey(),
  applicationId: text("application_id").notNull().references(() => applications.id),
  /** Set for a client at Tenant boundary; null for Application boundary. */
  tenantId: text("tenant_id").references(() => tenants.id),
  name: text("name").notNull(),
  /** Keyed hash (HMAC-SHA256 under a SECRET_HASH_KEY subkey, with its kid) of the client secret; the secret itself is never stored. */
  secretHash: text("secret_hash").notNull(),
  permissions: text("permissions", { mode: "json" }).$type<string[]>().notNull(),
  createdAt: createdAt(),
  /** The secret a rotation replaced (keyed hash), which still authenticates until `previousSecretRetiresAt`. */
  previousSecretHash: text("previous_secret_hash"),
  previousSecretRetiresAt: integer("previous_secret_retires_at"),
  /** Set while the client is disabled: it cannot authenticate, and its access tokens answer 401. */
  disabledAt: integer("disabled_at"),
  /**
   * Its access tokens issued (`iat`) before this moment answer 401: raised when the client is
   * disabled and when a previous secret is retired by the retire call. Read with the `jti` deny-list.
   */
  tokensValidAfter: integer("tokens_valid_after").notNull().default(0),
});

/** Policy columns shared by the application and tenant levels; null means "inherit". */
const policyColumns = () => ({
  emailVerificationStrategy: text("email_verification_strategy", { enum: ["LINK", "OTP"] }),
  emailLinkTtlSeconds: integer("email_link_ttl_seconds"),
  otpTtlSeconds: integer("otp_ttl_seconds"),
  resetLinkTtlSeconds: integer("reset_link_ttl_seconds"),
  otpLength: integer("otp_length"),
  otpMaxAttempts: integer("otp_max_attempts"),
  passwordMinLength: integer("password_min_length"),
  passwordMaxLength: integer("password_max_length"),
  resetPageUrl: text("reset_page_url"),
  loginUrl: text("login_url"),
  sendPasswordUpdatedEmail: integer("send_password_updated_email", { mode: "boolean" }),
  sessionIdleTtlSeconds: integer("session_idle_ttl_seconds"),
  sessionAbsoluteTtlSeconds: integer("session_absolute_ttl_seconds"),
  forgotPasswordTurnstile: integer("forgot_password_turnstile", { mode: "boolean" }),
  checkBreachedPasswords: integer("check_breached_passwords", { mode: "boolean" }),
  breachedCheckFailure: text("breached_check_failure", { enum: ["open", "closed"] }),
  passwordFailuresBeforeDelay: integer("password_failures_before_delay"),
  passwordFailureDelaySeconds: integer("password_failure_delay_seconds"),
  passwordFailureMaxDelaySeconds: integer("password_failure_max_delay_seconds"),
  passwordFailureLimit: integer("password_failure_limit"),
  resetEmailCooldownSeconds: integer("reset_email_cooldown_seconds"),
  resetEmailsPerWindow: integer("reset_emails_per_window"),
  resetEmailWindowSeconds: integer("reset_email_window_seconds"),
  userObjectLocation: text("user_object_location").$type<UserObjectLocation>(),
});

export const applicationPolicies = sqliteTable("application_policies", {
  applicationId: text("application_id").primaryKey().references(() => applications.id),
  ...policyColumns(),
});

export const tenantPolicies = sqliteTable("tenant_policies", {
  tenantId: text("tenant_id").primaryKey().references(() => tenants.id),
  ...policyColumns(),
});

/**
 * One row per code the service handed out: emailAuthCode (EMAIL_LINK), requestCode plus
 * verificationCode (EMAIL_OTP) or passwordResetCode (ADMIN_LINK). Only keyed hashes are stored.
 * A code is spendable only while the user's credential version still equals
 * `credentialVersion`: the user's Durable Object enforces that when it changes the password,
 * which makes every code issued before a password change dead without touching these rows.
 * Decoy OTP requests for unknown emails have no user and can never succeed.
 */
export const resetCodes = sqliteTable(
  "reset_codes",
  {
    id: text("id").primaryKey(),
    applicationId: text("application_id").notNull(),
    tenantId: text("tenant_id").notNull(),
    userId: text("user_id"),
    /** Keyed hash of tenant id and folded email: the per-user failure limit counts against it. */
    subjectKey: text("subject_key").notNull(),
    kind: text("kind", { enum: ["EMAIL_LINK", "EMAIL_OTP", "ADMIN_LINK"] }).notNull(),
    codeHash: text("code_hash").notNull(),
    verificationHash: text("verification_hash"),
    credentialVersion: integer("credential_version"),
    attempts: integer("attempts").notNull().default(0),
    maxAttempts: integer("max_attempts").notNull(),
    expiresAt: integer("expires_at").notNull(),
    createdAt: createdAt(),
    consumedAt: integer("consumed_at"),
    supersededAt: integer("superseded_at"),
  },
  (t) => [
    uniqueIndex("reset_codes_code_hash").on(t.codeHash),
    index("reset_codes_user_open").on(t.userId, t.kind).where(sql`consumed_at IS NULL AND superseded_at IS NULL`),
    index("reset_codes_subject_open").on(t.subjectKey, t.kind).where(sql`consumed_at IS NULL AND superseded_at IS NULL`),
    // "Is there a newer request?" looks at every code of the subject, spent or not.
    index("reset_codes_subject_created").on(t.subjectKey, t.createdAt),
    // Retention deletes by expiry.
    index("reset_codes_expiry").on(t.expiresAt),
  ],
);

/** Wrong verification codes, for the per-user limit across OTP requests. */
export const codeFailures = sqliteTable(
  "code_failures",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    subjectKey: text("subject_key").notNull(),
    failedAt: integer("failed_at").notNull(),
  },
  (t) => [index("code_failures_subject_time").on(t.subjectKey, t.failedAt), index("code_failures_time").on(t.failedAt)],
);

/**
 * Reset emails issued per subject (keyed hash of tenant and email), for the per-address cooldown
 * and window cap. Unknown and inactive addresses get rows too, so a limit never tells them apart.
 */
export const resetEmailSends = sqliteTable(
  "reset_email_sends",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    subjectKey: text("subject_key").notNull(),
    sentAt: integer("sent_at").notNull(),
  },
  (t) => [index("reset_email_sends_subject_time").on(t.subjectKey, t.sentAt), index("reset_email_sends_time").on(t.sentAt)],
);

/**
 * Wrong passwords at login for an email with no active user, keyed by the tenant-and-email
 * subject: counted and throttled like a real user's count in its Durable Object, so that a 429
 * tells nothing about whether the account exists (src/workflows/sessions/decoy-failures.ts).
 */
export const decoyPasswordFailures = sqliteTable(
  "decoy_password_failures",
  {
    subjectKey: text("subject_key").primaryKey(),
    failures: integer("failures").notNull(),
    lastFailedAt: integer("last_failed_at").notNull(),
  },
  (t) => [index("decoy_password_failures_time").on(t.lastFailedAt)],
);

// Email delivery status and the development mailbox: src/db/email-schema.ts.
export * from "./email-schema";

/** Branding columns shared by the application and tenant levels; null means "inherit". */
const brandingColumns = () => ({
  displayName: text("display_name"),
  logoUrl: text("logo_url"),
  primaryColor: text("primary_color"),
  supportEmail: text("support_email"),
  defaultLanguage: text("default_language", { enum: LANGUAGES }),
});

export const applicationBranding = sqliteTable("application_branding", {
  applicationId: text("application_id").primaryKey().references(() => applications.id),
  ...brandingColumns(),
});

export const tenantBranding = sqliteTable("tenant_branding", {
  tenantId: text("tenant_id").primaryKey().references(() => tenants.id),
  ...brandingColumns(),
});

/**
 * Client (M2M) access tokens revoked at /oauth2/revoke, by `jti`, until they expire (RFC 7009).
 * A signed token cannot be recalled, so every verification of a client token consults this list.
 * The daily retention run deletes a row once its token has expired: it can never verify again.
 */
export const revokedAccessTokens = sqliteTable(
  "revoked_access_tokens",
  {
    jti: text("jti").primaryKey(),
    /** The token's own `exp`, in epoch milliseconds. */
    expiresAt: integer("expires_at").notNull(),
    revokedAt: integer("revoked_at").notNull(),
  },
  (t) => [index("revoked_access_tokens_expiry").on(t.expiresAt)],
);

/**
 * The audit trail: one row per security event (src/audit). Kept AUDIT_RETENTION_DAYS, then deleted
 * by the daily run. Rows outlive the users and clients they name, so nothing here references them.
 * Never a secret: no code, token, password or hash of one, no email body; `detail` is the event's
 * own typed fields (a reason, a method, the names of changed policy fields).
 */
export const auditEvents = sqliteTable(
  "audit_events",
  {
    id: text("id").primaryKey(),
    occurredAt: integer("occurred_at").notNull(),
    type: text("type").notNull(),
    applicationId: text("application_id").notNull(),
    tenantId: text("tenant_id"),
    userId: text("user_id"),
    /** client, user, admin, anonymous (a hosted page's visitor) or system. */
    actorKind: text("actor_kind").notNull(),
    /** The M2M client's or the user's id. */
    actorId: text("actor_id"),
    ip: text("ip"),
    userAgent: text("user_agent"),
    requestId: text("request_id"),
    detail: text("detail", { mode: "json" }).$type<Record<string, unknown>>().notNull(),
  },
  (t) => [
    index("audit_events_application_time").on(t.applicationId, t.occurredAt, t.id),
    index("audit_events_user_time").on(t.userId, t.occurredAt, t.id).where(sql`user_id IS NOT NULL`),
    index("audit_events_time").on(t.occurredAt),
  ],
);
