// Several audit queues (AUDIT_QUEUES, two in the test runtime), like the email queues: one event per
// request, so a burst spreads over them. An event goes to queue (its shard mod the number of
// queues); the consumer of either queue writes it to its shard; either dead-letter queue logs it.
import { createExecutionContext, createMessageBatch, getQueueResult } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import worker from "../../src/index";
import { auditShard } from "../../src/audit/audit-shards";
import type { AuditRow } from "../../src/audit/record";
import { shardMapOf } from "../../src/shards/shard-map";
import { callJson } from "../support/api";
import { consume as consumeEmail, recordingQueue } from "../support/email-queue";
import { type World, createUser, world } from "../support/fixtures";

/** An audit queue stand-in that keeps what it is sent. */
function keeping() {
  const sent: AuditRow[] = [];
  const binding = {
    async send(body: AuditRow) {
      sent.push(structuredClone(body));
    },
  };
  return { binding: binding as unknown as Queue, sent };
}

async function consume(queue: string, rows: AuditRow[]) {
  const batch = createMessageBatch<AuditRow>(queue, rows.map((body) => ({ id: `msg-${body.id}`, timestamp: Date.now(), attempts: 1, body })));
  const ctx = createExecutionContext();
  await worker.queue(batch, env);
  return getQueueResult(batch, ctx);
}

const storedOn = async (shard: number, id: string) =>
  (await env[`DB_SHARD_${shard}` as "DB_SHARD_0" | "DB_SHARD_1"].prepare("SELECT id FROM audit_events WHERE id = ?").bind(id).first<{ id: string }>())?.id ?? null;

/** A request, then its email job's delivery, which records the request's audit event on the given queues. */
async function requestAndDeliver(w: World, email: string, audit: Partial<Env>): Promise<void> {
  const emails = recordingQueue(false);
  const res = await callJson("POST", "/api/v1/password-reset/request-password-reset", { token: w.token, body: { tenantId: w.tenantId, email }, env: { EMAIL_QUEUE: emails.binding, ...audit } });
  expect(res.status).toBe(200);
  expect((await consumeEmail(emails.jobs[0]!, { env: audit })).retryMessages).toEqual([]);
}

afterEach(() => vi.restoreAllMocks());

describe("several audit queues, chosen by shard", () => {
  it("sends the events of users on different shards to different audit queues (shard mod 2); each queue's consumer writes them to their shard", async () => {
    expect(JSON.parse(env.AUDIT_QUEUES)).toEqual(["AUDIT_QUEUE", "AUDIT_QUEUE_1"]);
    const w = await world("audit-spread");
    const map = shardMapOf(env);
    const q = [keeping(), keeping()] as const;
    const requestedIn = (queue: 0 | 1) => q[queue].sent.filter((r) => r.type === "password_reset.requested");
    for (let i = 0; i < 16 && (requestedIn(0).length === 0 || requestedIn(1).length === 0); i++) {
      const email = `audit-spread-${i}@example.com`;
      await createUser(w, email);
      await requestAndDeliver(w, email, { AUDIT_QUEUE: q[0].binding, AUDIT_QUEUE_1: q[1].binding });
    }
    for (const queue of [0, 1] as const) {
      const requested = requestedIn(queue);
      expect(requested.length).toBeGreaterThan(0);
      for (const row of requested) expect(auditShard(map, row)! % 2).toBe(queue);
      const result = await consume(queue === 0 ? "edge-password-reset-audit" : "edge-password-reset-audit-1", requested);
      expect(result.explicitAcks).toHaveLength(requested.length);
      for (const row of requested) expect(await storedOn(auditShard(map, row)!, row.id)).toBe(row.id);
    }
  });

  it("logs audit.dead for an event dead-lettered from the second audit queue", async () => {
    const w = await world("audit-dead-1");
    const kept = keeping();
    await requestAndDeliver(w, "audit-dead-1@example.com", { AUDIT_QUEUE: kept.binding, AUDIT_QUEUE_1: kept.binding });
    const [row] = kept.sent;
    const errors = vi.spyOn(console, "error");
    const result = await consume("edge-password-reset-audit-1-dlq", [row!]);
    expect(result.explicitAcks).toEqual([`msg-${row!.id}`]);
    const dead = errors.mock.calls.map((c) => JSON.parse(String(c[0])) as Record<string, unknown>).filter((l) => l.event === "audit.dead");
    expect(dead).toEqual([{ event: "audit.dead", id: row!.id, type: row!.type }]);
  });
});
