// An admin sends a `failed` or `dead` email again: a new job with a new id, hence new codes (they
// derive from the job id), which the consumer delivers like any other. The old delivery is claimed
// (`retried`) by one guarded statement before the job is queued, so concurrent retries queue one
// job; if the queue refuses, the claim is given back and the delivery stays retryable.
//
// A retry takes no slot of the per-address email limit: that limit guards an inbox against
// anonymous requests, while a retry is an authenticated, audited act that follows an email which
// never arrived, at most once per delivery. It keeps the request's time, so a newer request still
// supersedes it (the consumer then records `failed`, `superseded_by_newer_request`).
import { recordAuditEventAfter } from "../../audit/record";
import { NotFound } from "../../auth/refusals";
import { type DeliveryRow, RETRYABLE, claimRetry, findDelivery, releaseRetry } from "../../email/delivery/delivery-status";
import type { EmailJob } from "../../email/message";
import { emailKey } from "../../directory/users";
import { enqueueEmail } from "../../email/queue";
import { newIdForEmail } from "../../shards/routing";
import type { WorkflowDeps } from "../deps";

export type NotRetryableReason =
  /** Not `failed` or `dead`: it is under way, was sent, or was already retried. */
  | "delivery_not_retryable"
  /**
   * An OTP email's verification code only works with the requestCode its caller was handed when the
   * reset was requested; whether that caller still holds it is unknown. The user asks again instead.
   */
  | "otp_delivery_not_retryable"
  /** Written before deliveries kept their job: there is nothing to send again. */
  | "delivery_job_not_recorded";

/** A delivery that cannot be sent again; the edges answer 409 with the reason as the code. */
export class DeliveryNotRetryable extends Error {
  override name = "DeliveryNotRetryable";
  constructor(
    readonly code: NotRetryableReason,
    message: string,
  ) {
    super(message);
  }
}

/** Queues the delivery `deliveryId` of the application again; answers the new delivery's id. */
export async function retryDelivery(deps: WorkflowDeps, applicationId: string, deliveryId: string): Promise<string> {
  const found = await findDelivery(deps.env, applicationId, deliveryId);
  if (!found) throw new NotFound("Email delivery");
  const { row, db } = found;
  const job = retryJob(deps.env, row);
  if (!(await claimRetry(db, row, job.id))) throw notRetryable();
  try {
    await enqueueEmail(deps.env, job);
  } catch (e) {
    await releaseRetry(db, row, job.id).catch(() => undefined);
    throw e;
  }
  recordAuditEventAfter(deps, {
    type: "email_delivery.retried",
    applicationId,
    tenantId: row.tenantId,
    userId: null,
    detail: { deliveryId: row.id, retryDeliveryId: job.id, template: row.template },
  });
  return job.id;
}

function retryJob(env: Env, row: DeliveryRow): EmailJob {
  if (!RETRYABLE.includes(row.status)) throw notRetryable();
  if (row.template === "PASSWORD_RESET_OTP") {
    throw new DeliveryNotRetryable("otp_delivery_not_retryable", "An OTP email cannot be sent again: its code pairs with the requestCode of the original request. Request a new reset instead.");
  }
  if (!row.job) throw new DeliveryNotRetryable("delivery_job_not_recorded", "This delivery predates retries and keeps no job to send again.");
  // A new job, placed like a new request for the same address.
  return { ...row.job, to: row.to, id: newIdForEmail(env, row.tenantId, emailKey(row.to)), retryOf: row.id };
}

const notRetryable = () =>
  new DeliveryNotRetryable("delivery_not_retryable", "Only a failed or dead delivery can be retried; this one is under way, was sent, or was already retried.");
