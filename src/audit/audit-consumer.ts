// The audit queue's consumer (src/index.ts dispatches by queue name). A batch of up to 100 events
// is written in one D1 batch per shard (audit-shards.ts) and acked; when that batch fails, each event is tried alone so one
// row D1 refuses does not hold the others back, and each that still fails is retried (the queue's
// retry_delay, max_retries). After the last retry the queue moves it to the dead-letter queue, whose
// consumer (this one again) logs it as `audit.dead` and counts it: the trail lacks it, visibly.
import type { Database } from "../db/client";
import { type Metrics, metricsOf } from "../metrics/metrics";
import { databaseOf } from "../shards/databases";
import { shardMapOf } from "../shards/shard-map";
import { insertAuditRows, logAuditRow, recordAuditOutcome } from "./audit-rows";
import { auditShard } from "./audit-shards";
import type { AuditRow } from "./record";

/** The queue names in wrangler.toml: this one, others named after it (`-1`, …) and each one's `-dlq`. */
export const AUDIT_QUEUE = "edge-password-reset-audit";
const DEAD_LETTER_SUFFIX = "-dlq";

export function isAuditQueue(queue: string): boolean {
  return queue === AUDIT_QUEUE || queue.startsWith(`${AUDIT_QUEUE}-`);
}

export async function consumeAuditBatch(batch: MessageBatch<AuditRow>, env: Env, metrics: Metrics = metricsOf(env)): Promise<void> {
  if (batch.queue.endsWith(DEAD_LETTER_SUFFIX)) {
    for (const message of batch.messages) {
      logAuditRow("audit.dead", message.body);
      recordAuditOutcome(metrics, message.body, "dead");
      message.ack();
    }
    return;
  }
  // One D1 batch per shard: the events of a batch are about many users, on many shards.
  const map = shardMapOf(env);
  const groups = new Map<number | null, Message<AuditRow>[]>();
  for (const m of batch.messages) {
    const shard = auditShard(map, m.body);
    groups.set(shard, [...(groups.get(shard) ?? []), m]);
  }
  await Promise.all([...groups].map(([shard, messages]) => writeGroup(databaseOf(env, map, shard), messages)));
}

async function writeGroup(db: Database, messages: Message<AuditRow>[]): Promise<void> {
  if (messages.length > 1) {
    try {
      await insertAuditRows(db, messages.map((m) => m.body));
      for (const message of messages) message.ack();
      return;
    } catch {
      // Which row failed is not known: each is tried alone below.
    }
  }
  for (const message of messages) {
    try {
      await insertAuditRows(db, [message.body]);
      message.ack();
    } catch (e) {
      logAuditRow("audit.retry", message.body, e, message.attempts);
      message.retry();
    }
  }
}
