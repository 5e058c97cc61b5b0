// The audit queue's producer, run after the answer (waitUntil). A queue that refuses the event does
// not lose it: it is inserted into its D1 shard directly, as before the queue; only when that fails too is
// the event lost, and then it is logged (`audit.lost`) and counted, never dropped in silence.
import { metricsOf } from "../metrics/metrics";
import type { WorkflowDeps } from "../workflows/deps";
import { insertAuditRows, logAuditRow, recordAuditOutcome } from "./audit-rows";
import { queueForShard } from "../shards/queue-set";
import { shardMapOf } from "../shards/shard-map";
import { auditDatabaseOf, auditShard } from "./audit-shards";
import type { AuditRow } from "./record";

type ProducerDeps = Pick<WorkflowDeps, "env" | "metrics">;

/** Never throws: whatever happens to the event is logged. */
export async function sendAuditRow(deps: ProducerDeps, row: AuditRow): Promise<void> {
  try {
    // Spread like the email jobs (AUDIT_QUEUES, docs/shards.md "Queues"): one event per request.
    await queueForShard(deps.env, "AUDIT_QUEUES", "AUDIT_QUEUE", auditShard(shardMapOf(deps.env), row)).send(row, { contentType: "json" });
    return;
  } catch (e) {
    logAuditRow("audit.enqueue_failed", row, e);
  }
  try {
    await insertAuditRows(auditDatabaseOf(deps.env, row), [row]);
  } catch (e) {
    reportAuditLost(deps, row, e);
  }
}

/** An event that will never reach the trail: by id and type in the log, by application in the metrics. */
export function reportAuditLost(deps: Pick<ProducerDeps, "env" | "metrics">, row: Pick<AuditRow, "id" | "type" | "applicationId" | "tenantId">, e: unknown): void {
  logAuditRow("audit.lost", row, e);
  recordAuditOutcome(deps.metrics ?? metricsOf(deps.env), row, "lost");
}
