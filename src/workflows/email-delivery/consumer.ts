// The email queue's consumer. For each job: prepare (find the recipient), record the attempt,
// issue the code and render, send through the configured provider, record the outcome.
// A permanent provider error stops at once (status `failed`); any other failure retries with
// exponential backoff (status `retrying`); when the retries run out the queue moves the message to
// the dead-letter queue, whose consumer (this one again) records `dead`.
import { Misconfigured } from "../../config/misconfigured";
import { type Database, database } from "../../db/client";
import type { EmailJob } from "../../email/message";
import { DeliveryError } from "../../email/providers/provider";
import { emailProvider } from "../../email/providers/select";
import { retryBaseSeconds, retryDelaySeconds } from "../../email/delivery/backoff";
import { beginAttempt, recordDead, recordFailure, recordSent } from "../../email/delivery/delivery-status";
import { prepareEmail } from "./prepare";
import { type Metrics, metricsOf, recordEmailOutcome } from "../../metrics/metrics";

/** The dead-letter queue is named after the email queue with this suffix (see wrangler.toml). */
export const DEAD_LETTER_SUFFIX = "-dlq";

export async function consumeEmailBatch(batch: MessageBatch<EmailJob>, env: Env, metrics: Metrics = metricsOf(env)): Promise<void> {
  const db = database(env);
  const deadLetters = batch.queue.endsWith(DEAD_LETTER_SUFFIX);
  for (const message of batch.messages) {
    try {
      if (deadLetters) {
        await recordDead(db, message.body);
        logDelivery("email.dead", message.body);
        recordEmailOutcome(metrics, message.body, "dead");
      } else await deliver(env, db, message.body, message.attempts, metrics);
      message.ack();
    } catch (e) {
      const lastError = failureCode(e);
      if (e instanceof DeliveryError && e.permanent) {
        await recordFailure(db, message.body.id, { status: "failed", lastError }).catch(() => undefined);
        logDelivery("email.failed", message.body, lastError);
        recordEmailOutcome(metrics, message.body, "failed");
        message.ack();
        continue;
      }
      const delaySeconds = retryDelaySeconds(message.attempts, retryBaseSeconds(env));
      if (!deadLetters) await recordFailure(db, message.body.id, { status: "retrying", lastError, nextAttemptAt: Date.now() + delaySeconds * 1000 }).catch(() => undefined);
      logDelivery("email.retry", message.body, lastError);
      if (!deadLetters) recordEmailOutcome(metrics, message.body, "retrying");
      message.retry({ delaySeconds });
    }
  }
}

async function deliver(env: Env, db: Database, job: EmailJob, attempts: number, metrics: Metrics): Promise<void> {
  const prepared = await prepareEmail(env, db, job);
  if (!prepared) return;
  if (!(await beginAttempt(db, job, prepared.to, attempts))) return;
  const provider = emailProvider(env, db);
  const rendered = await prepared.render();
  if (!rendered) throw new DeliveryError("superseded_by_newer_request", true);
  const { messageId } = await provider.send({
    deliveryId: job.id,
    applicationId: job.applicationId,
    template: job.template,
    to: prepared.to,
    fromName: prepared.fromName,
    ...rendered,
  });
  await recordSent(db, job.id, provider.name, messageId);
  console.log(JSON.stringify({ event: "email.sent", deliveryId: job.id, template: job.template, provider: provider.name, attempts }));
  recordEmailOutcome(metrics, job, "sent");
}

/** What the delivery's last error says: a code, never a message (messages may echo the body). */
function failureCode(e: unknown): string {
  if (e instanceof DeliveryError) return e.code;
  if (e instanceof Misconfigured) return `misconfigured:${e.variable}`;
  return e instanceof Error ? e.name : typeof e;
}

/** Job id, template and failure code only: no address, code or body in logs. */
function logDelivery(event: string, job: EmailJob, failure?: string): void {
  console.error(JSON.stringify({ event, deliveryId: job.id, template: job.template, failure }));
}
