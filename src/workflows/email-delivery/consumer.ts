// The email queue's consumer. A batch's jobs are delivered together (deliver-batch.ts): prepare
// (find the recipient, build the codes), record the attempts and issue the codes in one D1 batch,
// send through the configured provider, record the outcomes. A permanent provider error stops at
// once (status `failed`); any other failure retries with exponential backoff (status `retrying`);
// when the retries run out the queue moves the message to the dead-letter queue, whose consumer
// (this one again) records `dead`.
import { type Database, database, replicaDatabase } from "../../db/client";
import type { EmailJob } from "../../email/message";
import { retryBaseSeconds, retryDelaySeconds } from "../../email/delivery/backoff";
import { recordDead } from "../../email/delivery/delivery-status";
import { type Metrics, metricsOf, recordEmailOutcome } from "../../metrics/metrics";
import { recordWithLookup } from "../../audit/reset-requested";
import { deliverBatch } from "./deliver-batch";
import { DeliveryStores } from "./delivery-stores";
import { failureCode, logDelivery } from "./delivery-log";

/** The dead-letter queue is named after the email queue with this suffix (see wrangler.toml). */
export const DEAD_LETTER_SUFFIX = "-dlq";

export async function consumeEmailBatch(batch: MessageBatch<EmailJob>, env: Env, metrics: Metrics = metricsOf(env)): Promise<void> {
  const db = database(env);
  if (batch.queue.endsWith(DEAD_LETTER_SUFFIX)) await recordDeadLetters(env, db, batch.messages, metrics);
  else await deliverBatch(env, { db, replica: replicaDatabase(env) }, batch.messages, metrics);
}

async function recordDeadLetters(env: Env, db: Database, messages: readonly Message<EmailJob>[], metrics: Metrics): Promise<void> {
  const stores = new DeliveryStores(env, db);
  for (const message of messages) {
    try {
      const job = message.body;
      await recordDead(stores.databaseOf(stores.shardOf(job.id)), job);
      // If its user lookups failed on every attempt, its request's event was never recorded: one
      // more try here. Recorded already, the trail keeps the first (one id).
      if (job.kind === "PASSWORD_RESET" && job.requested) await recordWithLookup({ env, metrics }, job.requested, job.tenantId, job.to);
      logDelivery("email.dead", message.body);
      recordEmailOutcome(metrics, message.body, "dead");
      message.ack();
    } catch (e) {
      logDelivery("email.retry", message.body, failureCode(e));
      message.retry({ delaySeconds: retryDelaySeconds(message.attempts, retryBaseSeconds(env)) });
    }
  }
}
