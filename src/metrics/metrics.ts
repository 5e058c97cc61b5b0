// Counters and latency of what the service does, for an operator's charts. One data point per
// operation, written to Workers Analytics Engine (the METRICS binding) and queried with SQL
// (README, "Metrics"). Best effort: a missing or failing binding loses the point, never the request.
//
// No personal data: no email, user id, IP, code or token. The index is the application id and a
// blob the tenant id: ids of the host's customers, chosen by the service, not of end users.

export type MeasuredOperation = "request_password_reset" | "reset_password" | "login" | "refresh" | "email" | "audit";

export interface MetricPoint {
  operation: MeasuredOperation;
  /** `succeeded` or `failed`. */
  outcome: "succeeded" | "failed";
  /** Why: the answer's result (`PASSWORD_UPDATED`, `INVALID_CODE`, …), an error's class, or an email's status. */
  reason: string;
  applicationId: string | null;
  tenantId: string | null;
  /** Wall time of the operation in ms, I/O included (the Workers clock does not advance during CPU work); null when not timed. */
  ms: number | null;
}

export interface Metrics {
  record(point: MetricPoint): void;
}

/**
 * The Analytics Engine layout, which the README's queries read:
 *   index1  application id ("" when none)
 *   blob1   operation   blob2 outcome   blob3 reason   blob4 tenant id ("" when none)
 *   double1 latency ms (0 when not timed)
 * Analytics Engine samples at high volume: count with SUM(_sample_interval), not count().
 */
export function analyticsEngineMetrics(dataset: AnalyticsEngineDataset | undefined): Metrics {
  return {
    record(p) {
      try {
        dataset?.writeDataPoint({
          indexes: [p.applicationId ?? ""],
          blobs: [p.operation, p.outcome, p.reason, p.tenantId ?? ""],
          doubles: [p.ms ?? 0],
        });
      } catch (e) {
        // Never the point's values: only that one was lost, and why by class.
        console.error(JSON.stringify({ event: "metrics.write_failed", error: e instanceof Error ? e.name : typeof e }));
      }
    },
  };
}

/** The metrics of a deployment: its METRICS binding, absent in a setup that did not bind one. */
export function metricsOf(env: Partial<Pick<Env, "METRICS">>): Metrics {
  return analyticsEngineMetrics(env.METRICS);
}

export type EmailOutcome = "sent" | "failed" | "retrying" | "dead";

/** One email job's step, as the queue's consumer records it in D1 (the delivery status). */
export function recordEmailOutcome(metrics: Metrics, job: { applicationId: string; tenantId: string | null }, status: EmailOutcome): void {
  metrics.record({ operation: "email", outcome: status === "sent" ? "succeeded" : "failed", reason: status, applicationId: job.applicationId, tenantId: job.tenantId, ms: null });
}
