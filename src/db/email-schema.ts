// The email tables of the D1 schema (re-exported by schema.ts, which drizzle-kit reads).
import { index, integer, sqliteTable, text } from "drizzle-orm/sqlite-core";
import type { StoredEmailJob } from "../email/message";
import { createdAt } from "./columns";

export const EMAIL_TEMPLATES = ["PASSWORD_RESET_LINK", "PASSWORD_RESET_OTP", "PASSWORD_UPDATED"] as const;
export const DELIVERY_STATUSES = ["sending", "retrying", "sent", "failed", "dead", "retried"] as const;

/**
 * One row per email job the queue consumer worked on: what was sent to whom and how it went. Kept
 * EMAIL_DELIVERY_RETENTION_DAYS (default 30), then deleted by the daily run.
 * Never the body, which may carry a live code. `failed` is a permanent provider error (retrying
 * cannot help); `dead` means every retry failed and the dead-letter queue took the message;
 * `retried`: an admin sent a `failed` or `dead` job again as a new job (`retriedAs`, whose row has
 * `retryOf`).
 */
export const emailDeliveries = sqliteTable(
  "email_deliveries",
  {
    id: text("id").primaryKey(),
    applicationId: text("application_id").notNull(),
    tenantId: text("tenant_id").notNull(),
    template: text("template", { enum: EMAIL_TEMPLATES }).notNull(),
    to: text("to_address").notNull(),
    status: text("status", { enum: DELIVERY_STATUSES }).notNull(),
    attempts: integer("attempts").notNull().default(0),
    /** A provider error code or an error class name; never a message, which may echo the body. */
    lastError: text("last_error"),
    /** While `retrying`: when the queue will offer the job again (exponential backoff). */
    nextAttemptAt: integer("next_attempt_at"),
    provider: text("provider"),
    providerMessageId: text("provider_message_id"),
    /**
     * The job as queued, less its address (in `to_address` only): what an admin retry sends again.
     * No live secret (src/email/message.ts). Null for rows written before retries existed.
     */
    job: text("job", { mode: "json" }).$type<StoredEmailJob>(),
    /** The delivery this one sends again (an admin retry). */
    retryOf: text("retry_of"),
    /** While `retried`: the delivery that sends this one again. */
    retriedAs: text("retried_as"),
    createdAt: createdAt(),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [
    // Paging newest first: the id breaks ties within a millisecond (src/db/page-cursor.ts).
    index("email_deliveries_application_time").on(t.applicationId, t.createdAt, t.id),
    index("email_deliveries_application_status").on(t.applicationId, t.status, t.createdAt, t.id),
    // Retention deletes by age (EMAIL_DELIVERY_RETENTION_DAYS).
    index("email_deliveries_time").on(t.createdAt),
  ],
);

/**
 * The development mailbox: mail as the user would read it, codes included. Only the dev-mailbox
 * provider writes here, and it refuses to unless ENVIRONMENT=development.
 */
export const devMailbox = sqliteTable(
  "dev_mailbox",
  {
    id: text("id").primaryKey(),
    applicationId: text("application_id").notNull(),
    to: text("to_address").notNull(),
    template: text("template", { enum: EMAIL_TEMPLATES }).notNull(),
    subject: text("subject").notNull(),
    text: text("text_body").notNull(),
    html: text("html_body").notNull(),
    createdAt: createdAt(),
  },
  (t) => [index("dev_mailbox_to_time").on(t.to, t.createdAt), index("dev_mailbox_time").on(t.createdAt)],
);
