// Events written after the answer go through the audit queue into D1: the consumer writes a batch
// at once and ignores a redelivered event, a failing insert is retried and, when the retries run
// out, dead-lettered and logged; a queue that refuses the event falls back to a direct insert, and
// an event that cannot be written either way is logged as lost. D1 fails for real here: a trigger
// on audit_events aborts every insert while it exists.
import { createExecutionContext, createMessageBatch, getQueueResult } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import worker from "../../src/index";
import type { MetricPoint } from "../../src/metrics/metrics";
import { consumeAuditBatch } from "../../src/audit/audit-consumer";
import type { AuditRow } from "../../src/audit/record";
import { callJson } from "../support/api";
import { world } from "../support/fixtures";
import { waitForAuditEvents } from "../support/audit";
import { RESET } from "../support/reset";

const AUDIT_QUEUE = "edge-password-reset-audit";
const AUDIT_DLQ = "edge-password-reset-audit-dlq";

const UNKNOWN_CODE_RESET = { emailAuthCode: "no-such-code-000000000000000000", newPassword: "a brand new password" };

/** A reset with a code nobody issued: answered INVALID_CODE, recorded as password_reset.failed after the answer. */
async function failedReset(token: string, overrides?: Partial<Env>): Promise<Response> {
  return (await callJson("POST", RESET, { token, body: UNKNOWN_CODE_RESET, env: overrides })).res;
}

/**
 * An AUDIT_QUEUE stand-in that keeps what it is sent and passes nothing on ("keep"), passes each on
 * to the real queue as well ("forward"), or refuses every send ("refuse").
 */
function standInQueue(mode: "keep" | "forward" | "refuse"): { binding: Queue; sent: AuditRow[] } {
  const sent: AuditRow[] = [];
  const binding = {
    async send(body: AuditRow, options?: QueueSendOptions) {
      if (mode === "refuse") throw new Error("queue unavailable");
      sent.push(structuredClone(body));
      if (mode === "forward") await env.AUDIT_QUEUE.send(body, options);
    },
  };
  return { binding: binding as unknown as Queue, sent };
}

async function consume(queue: string, rows: { row: AuditRow; attempts?: number }[]) {
  const batch = createMessageBatch<AuditRow>(
    queue,
    rows.map(({ row, attempts }, i) => ({ id: `msg-${i}-${row.id}`, timestamp: Date.now(), attempts: attempts ?? 1, body: row })),
  );
  const ctx = createExecutionContext();
  await worker.queue(batch, env);
  return getQueueResult(batch, ctx);
}

/** The reset failures the trail holds (world() leaves events of its own). */
async function storedIds(applicationId: string): Promise<string[]> {
  const rows = await env.DB.prepare("SELECT id FROM audit_events WHERE application_id = ? AND type = 'password_reset.failed'").bind(applicationId).all<{ id: string }>();
  return rows.results.map((r) => r.id);
}

const failInserts = () => env.DB.prepare("CREATE TRIGGER audit_down BEFORE INSERT ON audit_events BEGIN SELECT RAISE(ABORT, 'audit down'); END").run();
const restoreInserts = () => env.DB.prepare("DROP TRIGGER IF EXISTS audit_down").run();

/** The JSON lines logged with `event`. */
function logged(spy: { mock: { calls: unknown[][] } }, event: string): Record<string, unknown>[] {
  return spy.mock.calls
    .map((c) => {
      try {
        return JSON.parse(String(c[0])) as Record<string, unknown>;
      } catch {
        return null;
      }
    })
    .filter((l): l is Record<string, unknown> => l?.event === event);
}

afterEach(async () => {
  await restoreInserts();
  vi.restoreAllMocks();
});

describe("the audit queue", () => {
  it("carries an event recorded after a reset's answer to D1 through its consumer", async () => {
    const w = await world();
    const queue = standInQueue("keep");
    expect((await callJson("POST", RESET, { token: w.token, body: UNKNOWN_CODE_RESET, env: { AUDIT_QUEUE: queue.binding } })).body.result).toBe("INVALID_CODE");
    // The request sent the event, with its id, to the queue and wrote nothing to D1 itself.
    expect(queue.sent).toHaveLength(1);
    const [row] = queue.sent;
    expect(row).toMatchObject({ type: "password_reset.failed", applicationId: w.applicationId, actorKind: "client", actorId: w.clientId, detail: { reason: "INVALID_CODE" } });
    expect(row!.id).toMatch(/^[a-z0-9]{26}$/);
    expect(await storedIds(w.applicationId)).toEqual([]);

    const result = await consume(AUDIT_QUEUE, [{ row: row! }]);
    expect(result.explicitAcks).toEqual([`msg-0-${row!.id}`]);
    expect(result.retryMessages).toEqual([]);
    const [event] = await waitForAuditEvents(w.applicationId, w.token, "password_reset.failed");
    expect(event).toMatchObject({ id: row!.id, actor: { kind: "client", id: w.clientId }, detail: { reason: "INVALID_CODE", method: "EMAIL_LINK" } });
  });

  it("reaches D1 through the real queue and its consumer, in time for a reader that waits", async () => {
    const w = await world();
    const queue = standInQueue("forward");
    await failedReset(w.token, { AUDIT_QUEUE: queue.binding });
    expect(queue.sent).toHaveLength(1);
    const [event] = await waitForAuditEvents(w.applicationId, w.token, "password_reset.failed");
    expect(event).toMatchObject({ id: queue.sent[0]!.id, applicationId: w.applicationId, detail: { reason: "INVALID_CODE" } });
  });

  it("writes a redelivered event once", async () => {
    const w = await world();
    const queue = standInQueue("keep");
    await failedReset(w.token, { AUDIT_QUEUE: queue.binding });
    const [row] = queue.sent;

    expect((await consume(AUDIT_QUEUE, [{ row: row! }])).explicitAcks).toHaveLength(1);
    // Delivered again (the ack was lost), and twice in one batch.
    const again = await consume(AUDIT_QUEUE, [{ row: row!, attempts: 2 }, { row: row!, attempts: 2 }]);
    expect(again.explicitAcks).toHaveLength(2);
    expect(again.retryMessages).toEqual([]);
    expect(await storedIds(w.applicationId)).toEqual([row!.id]);
  });

  it("retries an event whose insert fails instead of acking it, and does not hold the batch's others back", async () => {
    const w = await world();
    const queue = standInQueue("keep");
    await failedReset(w.token, { AUDIT_QUEUE: queue.binding });
    await failedReset(w.token, { AUDIT_QUEUE: queue.binding });
    const [first, second] = queue.sent;

    await failInserts();
    const down = await consume(AUDIT_QUEUE, [{ row: first! }]);
    expect(down.explicitAcks).toEqual([]);
    expect(down.retryMessages).toEqual([{ msgId: `msg-0-${first!.id}` }]);
    expect(await storedIds(w.applicationId)).toEqual([]);

    await restoreInserts();
    // A row D1 refuses (no application) is retried alone; the good one beside it is written.
    const poisoned = { ...second!, id: "poisonedrow000000000000000", applicationId: null } as unknown as AuditRow;
    const mixed = await consume(AUDIT_QUEUE, [{ row: first!, attempts: 2 }, { row: poisoned }]);
    expect(mixed.explicitAcks).toEqual([`msg-0-${first!.id}`]);
    expect(mixed.retryMessages).toEqual([{ msgId: `msg-1-${poisoned.id}` }]);
    expect(await storedIds(w.applicationId)).toEqual([first!.id]);
  });

  it("dead-letters an event D1 keeps refusing: the dead-letter consumer logs audit.dead with its id and type only, and counts it", async () => {
    const w = await world();
    const queue = standInQueue("keep");
    await failedReset(w.token, { AUDIT_QUEUE: queue.binding });
    const [row] = queue.sent;
    const errors = vi.spyOn(console, "error");

    await failInserts();
    // Through the real queue: every attempt fails, then the message moves to the dead-letter queue.
    await env.AUDIT_QUEUE.send(row!, { contentType: "json" });
    const deadline = Date.now() + 10_000;
    while (logged(errors, "audit.dead").length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(logged(errors, "audit.dead")).toEqual([{ event: "audit.dead", id: row!.id, type: "password_reset.failed" }]);
    expect(logged(errors, "audit.retry").length).toBeGreaterThanOrEqual(2);
    expect(await storedIds(w.applicationId)).toEqual([]);
    // No personal data in what was logged about it.
    const text = JSON.stringify(errors.mock.calls);
    expect(text).not.toContain(w.clientId);
    expect(text).not.toContain(w.applicationId);

    // The dead-letter consumer acks and counts.
    const points: MetricPoint[] = [];
    const batch = createMessageBatch<AuditRow>(AUDIT_DLQ, [{ id: "dead-1", timestamp: Date.now(), attempts: 1, body: row! }]);
    const ctx = createExecutionContext();
    await consumeAuditBatch(batch, env, { record: (p) => points.push(p) });
    expect(await getQueueResult(batch, ctx)).toMatchObject({ explicitAcks: ["dead-1"], retryMessages: [] });
    expect(points).toEqual([{ operation: "audit", outcome: "failed", reason: "dead", applicationId: w.applicationId, tenantId: null, ms: null }]);
  });

  it("falls back to a direct insert when the queue refuses the event", async () => {
    const w = await world();
    const errors = vi.spyOn(console, "error");
    const res = await failedReset(w.token, { AUDIT_QUEUE: standInQueue("refuse").binding });
    expect(res.status).toBe(200);
    // fetchWithEnv waited for the work after the answer: the row is there without the queue.
    const ids = await storedIds(w.applicationId);
    expect(ids).toHaveLength(1);
    expect(logged(errors, "audit.enqueue_failed")).toEqual([{ event: "audit.enqueue_failed", id: ids[0], type: "password_reset.failed", error: "Error" }]);
    expect(logged(errors, "audit.lost")).toEqual([]);
  });

  it("logs audit.lost, never silently, when neither the queue nor D1 takes the event", async () => {
    const w = await world();
    const errors = vi.spyOn(console, "error");
    await failInserts();
    const res = await failedReset(w.token, { AUDIT_QUEUE: standInQueue("refuse").binding });
    expect(res.status).toBe(200);
    const [lost] = logged(errors, "audit.lost");
    expect(lost).toMatchObject({ event: "audit.lost", type: "password_reset.failed" });
    expect(lost!.id).toMatch(/^[a-z0-9]{26}$/);
    expect(Object.keys(lost!).sort()).toEqual(["error", "event", "id", "type"]);
    await restoreInserts();
    expect(await storedIds(w.applicationId)).toEqual([]);
  });
});
