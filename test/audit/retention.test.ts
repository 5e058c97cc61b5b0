// Audit events are kept AUDIT_RETENTION_DAYS, then deleted by the daily run in small batches, so no
// single statement deletes more than a batch and a run makes a bounded number of statements.
import { createExecutionContext, createScheduledController, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import worker from "../../src/index";
import { AUDIT_RETENTION_MS, pruneAuditEvents } from "../../src/audit/retention";
import { database } from "../../src/db/client";

async function insertEvents(count: number, occurredAt: number, type = "sessions.revoked"): Promise<void> {
  await env.DB.prepare(
    `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?)
     INSERT INTO audit_events (id, occurred_at, type, application_id, actor_kind, detail)
     SELECT printf('ev%024d', i + ?), ?, ?, 'retentionapplication000000', 'system', '{}' FROM n`,
  )
    .bind(count, occurredAt, occurredAt, type)
    .run();
}

async function remaining(): Promise<{ old: number; recent: number }> {
  const row = await env.DB.prepare(
    "SELECT sum(occurred_at < ?) AS old, sum(occurred_at >= ?) AS recent FROM audit_events",
  )
    .bind(Date.now() - AUDIT_RETENTION_MS, Date.now() - AUDIT_RETENTION_MS)
    .first<{ old: number; recent: number }>();
  return { old: row?.old ?? 0, recent: row?.recent ?? 0 };
}

describe("audit retention", () => {
  it("keeps 90 days", () => {
    expect(AUDIT_RETENTION_MS).toBe(90 * 24 * 60 * 60 * 1000);
  });

  it("deletes events older than the retention in batches, at most the run's number of statements", async () => {
    const now = Date.now();
    await insertEvents(1_100, now - AUDIT_RETENTION_MS - 60_000);
    await insertEvents(3, now - AUDIT_RETENTION_MS + 60_000);

    expect(await pruneAuditEvents(database(env), now, { batchSize: 500, maxStatements: 2 })).toBe(1_000);
    expect(await remaining()).toEqual({ old: 100, recent: 3 });
    expect(await pruneAuditEvents(database(env), now, { batchSize: 500, maxStatements: 2 })).toBe(100);
    expect(await remaining()).toEqual({ old: 0, recent: 3 });
  });

  it("runs in the daily cron", async () => {
    const now = Date.now();
    const before = await remaining();
    await insertEvents(2, now - AUDIT_RETENTION_MS - 1);
    await insertEvents(1, now - 1000);
    const ctx = createExecutionContext();
    await worker.scheduled(createScheduledController({ scheduledTime: now }), env, ctx);
    await waitOnExecutionContext(ctx);
    expect(await remaining()).toEqual({ old: 0, recent: before.recent + 1 });
  });
});
