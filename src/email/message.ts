import type { AuditRow } from "../audit/record";
import type { Language } from "../copy/catalog";
import type { EMAIL_TEMPLATES } from "../db/schema";

export type EmailTemplate = (typeof EMAIL_TEMPLATES)[number];

/**
 * A message on the email queue: what to send to whom, never a live secret. Queue messages outlive
 * their delivery (retries, the dead-letter queue), so a reset job carries at most the keyed hash of
 * the requestCode the caller holds; the consumer creates the emailed code itself.
 */
export type EmailJob = PasswordResetJob | PasswordUpdatedJob;

interface JobBase {
  /** Also the delivery's id: a job delivered twice is sent once. */
  id: string;
  applicationId: string;
  tenantId: string;
  to: string;
  /** When the job was created: a reset request's time decides which request supersedes which. */
  createdAt: number;
  /** An admin retry: the delivery this job sends again. */
  retryOf?: string;
}

export interface PasswordResetJob extends JobBase {
  kind: "PASSWORD_RESET";
  template: "PASSWORD_RESET_LINK" | "PASSWORD_RESET_OTP";
  /** OTP: keyed hash of the requestCode in the answer; null for LINK. */
  requestCodeHash: string | null;
  /** The hosted page's language when a page asked; null: the tenant's default. */
  language: Language | null;
  /**
   * The request's "reset requested" audit event, drawn at the request without its user: the
   * consumer, which looks the user up anyway, completes and records it (src/audit/reset-requested.ts).
   * Absent on an admin retry and on jobs queued before it was carried.
   */
  requested?: AuditRow;
}

export interface PasswordUpdatedJob extends JobBase {
  kind: "PASSWORD_UPDATED";
  template: "PASSWORD_UPDATED";
  loginUrl: string | null;
}

/** A job as its delivery row keeps it: the address lives in the row's own column only; the request's audit event is the trail's. */
export type StoredEmailJob = DistributiveOmit<EmailJob, "to" | "requested">;
type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

export interface RenderedEmail {
  subject: string;
  text: string;
  html: string;
}

/** A rendered email, as a provider receives it. */
export interface OutgoingEmail extends RenderedEmail {
  deliveryId: string;
  applicationId: string;
  template: EmailTemplate;
  to: string;
  /** Display name of the sender: the tenant's branded display name. */
  fromName: string;
}
