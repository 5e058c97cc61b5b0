import type { AuditContext } from "../audit/context";
import type { ServiceConfig } from "../config/service-config";
import type { Database } from "../db/client";
import type { UserObjectTime } from "../user-object/call-time";
import { type Metrics, metricsOf } from "../metrics/metrics";

/** What a workflow needs from its host, whether HTTP or RPC. */
export interface WorkflowDeps {
  env: Env;
  config: ServiceConfig;
  /** The primary's session: writes, and reads that must see the latest write. */
  db: Database;
  /** A replica's session: reads that tolerate a lag (docs/data.md, "How stale a read may be"). */
  replica: Database;
  /** Work that continues after the answer is sent (ExecutionContext.waitUntil). */
  waitUntil(promise: Promise<unknown>): void;
  /** Who acts and from where, for the audit trail. */
  audit: AuditContext;
  /** The request's time spent in users' objects, for the access log; absent where nothing logs it. */
  userObjectTime?: UserObjectTime;
  /** Where counters and latency go; the deployment's METRICS binding when not given (tests give a recorder). */
  metrics?: Metrics;
}

export function workflowMetrics(deps: Pick<WorkflowDeps, "env" | "metrics">): Metrics {
  return deps.metrics ?? metricsOf(deps.env);
}
