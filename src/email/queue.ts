// The producer side of the email queues. Sending is awaited before a request answers, so an
// accepted request always has its job on a queue: nothing is left to waitUntil. With several
// queues (EMAIL_QUEUES), a job goes to the queue of the shard its id carries (src/shards/queue-set.ts),
// so one address's jobs share a queue and keep their order.
import { DependencyUnavailable } from "../db/errors";
import { queueForShard } from "../shards/queue-set";
import { shardMapOf } from "../shards/shard-map";
import { shardOfId } from "../shards/sharded-id";
import type { EmailJob } from "./message";

export type EmailQueueEnv = Pick<Env, "EMAIL_QUEUE"> & Partial<Pick<Env, "EMAIL_QUEUES" | "SHARD_MAP">>;

export async function enqueueEmail(env: EmailQueueEnv, job: EmailJob): Promise<void> {
  await enqueueEmails(env, [job]);
}

/** All or nothing per queue; a refusal from any queue is a 503 the caller may retry (the jobs are idempotent by id). */
export async function enqueueEmails(env: EmailQueueEnv, jobs: EmailJob[]): Promise<void> {
  if (jobs.length === 0) return;
  // Chosen before sending: a misconfigured list is the operator's to fix, not a queue outage.
  const map = shardMapOf(env);
  const byQueue = new Map<Queue, EmailJob[]>();
  for (const job of jobs) {
    const queue = queueForShard(env, "EMAIL_QUEUES", "EMAIL_QUEUE", shardOfId(map, job.id));
    byQueue.set(queue, [...(byQueue.get(queue) ?? []), job]);
  }
  try {
    await Promise.all([...byQueue].map(([queue, list]) => queue.sendBatch(list.map((body) => ({ body, contentType: "json" as const })))));
  } catch (e) {
    throw new DependencyUnavailable("The email queue refused the message.", { cause: e });
  }
}
