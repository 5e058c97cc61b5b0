// Email deliveries and audit events on two shards (wrangler.toml's DB_SHARD_0 and DB_SHARD_1):
// each row lands on its user's shard, the list APIs merge every shard in order with working
// cursors, an EU-resident tenant's rows land only on its set's shard, growing the map moves
// nothing, and retention prunes every shard.
import { createExecutionContext, createMessageBatch, getQueueResult } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import worker from "../../src/index";
import { auditShard } from "../../src/audit/audit-shards";
import { type AuditRow, auditRow } from "../../src/audit/record";
import type { EmailJob } from "../../src/email/message";
import { pruneRetainedRows } from "../../src/workflows/retention";
import { placeNew } from "../../src/shards/placement";
import { parseShardMap, shardMapOf } from "../../src/shards/shard-map";
import { callJson } from "../support/api";
import { HTTP_PROVIDER } from "../support/email-provider";
import { consume, recordingQueue } from "../support/email-queue";
import { type World, createUser, world } from "../support/fixtures";
import { SHARDS, emailsOn } from "../support/shards";
import { withEveryQueue } from "../support/every-queue";

const AUDIT_QUEUE = "edge-password-reset-audit";

/** Requests a reset under `overrides` and hands its job to the consumer under the same ones. */
async function requestAndDeliver(w: World, email: string, overrides: Partial<Env> = {}): Promise<EmailJob> {
  const queue = recordingQueue(false);
  const res = await callJson("POST", "/api/v1/password-reset/request-password-reset", { token: w.token, body: { tenantId: w.tenantId, email }, env: { ...overrides, EMAIL_QUEUE: queue.binding } });
  expect(res.status).toBe(200);
  const job = queue.jobs[0]!;
  // The consumer records the request's audit event: it gets the test's queues under every name.
  const result = await consume(job, { env: withEveryQueue({ ...HTTP_PROVIDER, ...overrides }) });
  expect(result.retryMessages).toEqual([]);
  return job;
}

async function idsIn(db: D1Database, table: "email_deliveries" | "audit_events", applicationId: string): Promise<string[]> {
  const rows = await db.prepare(`SELECT id FROM ${table} WHERE application_id = ?`).bind(applicationId).all<{ id: string }>();
  return rows.results.map((r) => r.id).sort();
}

/** Every page of a list, `limit` at a time, following nextCursor. */
async function allPages(path: string, token: string, limit: number, overrides?: Partial<Env>): Promise<{ id: string; type?: string }[]> {
  const items: { id: string; type?: string }[] = [];
  let cursor: string | null = null;
  do {
    const res: { status: number; body: { items: { id: string; type?: string }[]; nextCursor: string | null } } = await callJson("GET", `${path}?limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`, {
      token,
      ...(overrides ? { env: overrides } : {}),
    });
    expect(res.status).toBe(200);
    items.push(...res.body.items);
    cursor = res.body.nextCursor;
  } while (cursor);
  return items;
}

/** Hands audit rows to the audit queue's consumer under `overrides`. */
async function consumeAudit(rows: AuditRow[], overrides: Partial<Env> = {}) {
  const batch = createMessageBatch<AuditRow>(AUDIT_QUEUE, rows.map((body, i) => ({ id: `audit-${i}-${body.id}`, timestamp: Date.now(), attempts: 1, body })));
  const ctx = createExecutionContext();
  await worker.queue(batch, { ...env, ...overrides } as Env);
  return getQueueResult(batch, ctx);
}

/** An AUDIT_QUEUE whose events go straight to the consumer run with `overrides`, as a Worker deployed with them. */
function auditQueueConsumedWith(overrides: Partial<Env>): Queue {
  return { send: async (row: AuditRow) => void (await consumeAudit([row], overrides)) } as unknown as Queue;
}

const SYSTEM = { actor: { kind: "system" as const }, requestId: null, ip: null, userAgent: null };
const revoked = (w: World, userId: string | null, at: number): AuditRow =>
  auditRow(SYSTEM, { type: "sessions.revoked", applicationId: w.applicationId, tenantId: w.tenantId, userId, detail: { scope: "sessions" } }, at);

describe("email deliveries on shards", () => {
  it("land on their address's shard, and the list returns them all, newest first, across shards with working cursors", async () => {
    const w = await world("shard-deliveries");
    const onShard = [emailsOn(undefined, w.tenantId, 0, 3, "sd"), emailsOn(undefined, w.tenantId, 1, 3, "sd")];
    const jobs: EmailJob[][] = [[], []];
    for (const shard of [0, 1]) for (const email of onShard[shard]!) await createUser(w, email);
    // Interleaved, so the newest-first order alternates between the shards.
    for (let i = 0; i < 3; i++) for (const shard of [0, 1]) jobs[shard]!.push(await requestAndDeliver(w, onShard[shard]![i]!));

    for (const shard of [0, 1]) expect(await idsIn(SHARDS()[shard]!, "email_deliveries", w.applicationId)).toEqual(jobs[shard]!.map((j) => j.id).sort());
    expect(await idsIn(env.DB, "email_deliveries", w.applicationId)).toEqual([]);

    const newestFirst = [...jobs[0]!, ...jobs[1]!].sort((a, b) => b.createdAt - a.createdAt || (a.id < b.id ? 1 : -1)).map((j) => j.id);
    for (const limit of [1, 2, 4, 100]) {
      const items = await allPages(`/api/v1/applications/${w.applicationId}/email-deliveries`, w.token, limit);
      expect(items.map((d) => d.id)).toEqual(newestFirst);
    }
  });

  it("an admin retry finds a delivery on its shard and places the new job on the same address's shard", async () => {
    const w = await world("shard-retry");
    const [email] = emailsOn(undefined, w.tenantId, 1, 1, "sr");
    await createUser(w, email!);
    const job = await requestAndDeliver(w, email!);
    await env.DB_SHARD_1.prepare("UPDATE email_deliveries SET status = 'failed' WHERE id = ?").bind(job.id).run();
    const retried = await callJson("POST", `/api/v1/applications/${w.applicationId}/email-deliveries/${job.id}/retry`, { token: w.token, env: { EMAIL_QUEUE: recordingQueue(false).binding } });
    expect(retried.status).toBe(202);
    const row = await env.DB_SHARD_1.prepare("SELECT status, retried_as FROM email_deliveries WHERE id = ?").bind(job.id).first<{ status: string; retried_as: string }>();
    expect(row).toEqual({ status: "retried", retried_as: retried.body.id });
    expect(retried.body.id.slice(0, 2)).toBe(job.id.slice(0, 2));
  });
});

describe("audit events on shards", () => {
  it("land on the shard of the user they concern, and both trails return them all in order with working cursors", async () => {
    const w = await world("shard-audit");
    // Users on both shards (a user's events go by tenant and user id, which is random).
    const map = shardMapOf(env)!;
    const users = [];
    for (let i = 0; users.length < 8 || new Set(users.map((u) => auditShard(map, { tenantId: w.tenantId, userId: u.id }))).size < 2; i++) {
      users.push(await createUser(w, `sa-${i}@example.com`));
    }
    const at = Date.now();
    const rows = users.flatMap((u, i) => [revoked(w, u.id, at - i), revoked(w, u.id, at - 100 - i)]);
    rows.push(revoked(w, null, at - 50)); // a tenant-level event
    const result = await consumeAudit(rows);
    expect(result.retryMessages).toEqual([]);

    const stored = await Promise.all(SHARDS().map((db) => idsIn(db, "audit_events", w.applicationId)));
    expect(stored[0]!.length).toBeGreaterThan(0);
    expect(stored[1]!.length).toBeGreaterThan(0);
    expect([...stored[0]!, ...stored[1]!].sort()).toEqual(expect.arrayContaining(rows.map((r) => r.id).sort()));
    // Each user's events are together on one shard.
    for (const u of users) {
      const mine = rows.filter((r) => r.userId === u.id).map((r) => r.id);
      expect(stored.filter((ids) => mine.every((id) => ids.includes(id)))).toHaveLength(1);
    }

    const trail = await allPages(`/api/v1/applications/${w.applicationId}/audit-events`, w.token, 3);
    const revokedIds = trail.filter((e) => rows.some((r) => r.id === e.id)).map((e) => e.id);
    const expected = [...rows].sort((a, b) => b.occurredAt - a.occurredAt || (a.id < b.id ? 1 : -1)).map((r) => r.id);
    expect(revokedIds).toEqual(expected);
    for (const u of users.slice(0, 3)) {
      // Besides its user.created event, written when the test created the user.
      const own = (await allPages(`/api/v1/users/${u.id}/audit-events`, w.token, 1)).filter((e) => rows.some((r) => r.id === e.id));
      expect(own.map((e) => e.id)).toEqual(expected.filter((id) => rows.find((r) => r.id === id)!.userId === u.id));
    }
  });
});

describe("residency", () => {
  it("puts an EU-resident tenant's deliveries and audit events only on its set's shard (DB_SHARD_1 as the EU set here)", async () => {
    const eu = await world("shard-eu");
    const other = await world("shard-default");
    // The test's map: DB_SHARD_0 is the default set, DB_SHARD_1 the EU set, and the tenant pinned to it.
    const EU_MAP = JSON.stringify({ bindings: ["DB_SHARD_0", "DB_SHARD_1"], versions: [{ version: 1, sets: { default: [0], eu: [1] } }], tenants: { [eu.tenantId]: "eu" } });
    const overrides: Partial<Env> = { SHARD_MAP: EU_MAP };
    overrides.AUDIT_QUEUE = auditQueueConsumedWith(overrides);
    const create = async (w: World, email: string) => (await callJson("POST", "/api/v1/users", { token: w.token, body: { tenantId: w.tenantId, email }, env: overrides })).body as { id: string; email: string };
    const euUsers = [];
    const otherUsers = [];
    for (let i = 0; i < 4; i++) {
      euUsers.push(await create(eu, `eu-${i}@example.com`));
      otherUsers.push(await create(other, `de-${i}@example.com`));
    }
    for (const u of euUsers) await requestAndDeliver(eu, u.email, overrides);
    for (const u of otherUsers) await requestAndDeliver(other, u.email, overrides);
    const at = Date.now();
    const rows = [...euUsers.map((u) => revoked(eu, u.id, at)), revoked(eu, null, at), ...otherUsers.map((u) => revoked(other, u.id, at))];
    expect((await consumeAudit(rows, overrides)).retryMessages).toEqual([]);

    for (const table of ["email_deliveries", "audit_events"] as const) {
      expect(await idsIn(env.DB_SHARD_0, table, eu.applicationId)).toEqual([]);
      // The directory database keeps only application-level events (world()'s client.created), no tenant's.
      expect((await env.DB.prepare(`SELECT count(*) AS n FROM ${table} WHERE application_id = ? AND tenant_id IS NOT NULL`).bind(eu.applicationId).first<{ n: number }>())!.n).toBe(0);
      // Audit: per user, user.created, password_reset.requested and sessions.revoked; and one tenant-level event.
      expect((await idsIn(env.DB_SHARD_1, table, eu.applicationId)).length).toBe(table === "email_deliveries" ? 4 : 13);
      expect(await idsIn(env.DB_SHARD_1, table, other.applicationId)).toEqual([]);
      expect((await idsIn(env.DB_SHARD_0, table, other.applicationId)).length).toBe(table === "email_deliveries" ? 4 : 12);
    }
    const listed = await allPages(`/api/v1/applications/${eu.applicationId}/email-deliveries`, eu.token, 2, overrides);
    expect(listed).toHaveLength(4);
    // A map without the tenant's set fails closed rather than placing its data elsewhere.
    expect(() => placeNew(parseShardMap(JSON.stringify({ bindings: ["DB_SHARD_0"], versions: [{ version: 1, sets: { default: [0] } }] })), "eu", "x")).toThrow();
  });
});

describe("growing the shard map", () => {
  it("moves nothing: jobs queued before the growth are recorded where their ids say, and every row is still listed", async () => {
    const w = await world("shard-growth");
    const V1 = { SHARD_MAP: JSON.stringify({ bindings: ["DB_SHARD_0", "DB_SHARD_1"], versions: [{ version: 1, sets: { default: [0] } }] }) };
    const V2 = { SHARD_MAP: JSON.stringify({ bindings: ["DB_SHARD_0", "DB_SHARD_1"], versions: [{ version: 1, sets: { default: [0] } }, { version: 2, sets: { default: [0, 1] } }] }) };
    const emails = Array.from({ length: 8 }, (_, i) => `sg-${i}@example.com`);
    const users = [];
    for (const email of emails) users.push(await createUser(w, email));
    // Queued under version 1, delivered after the deploy of version 2 (live traffic across the change).
    const before: EmailJob[] = [];
    for (const email of emails) {
      const queue = recordingQueue(false);
      await callJson("POST", "/api/v1/password-reset/request-password-reset", { token: w.token, body: { tenantId: w.tenantId, email }, env: { ...V1, EMAIL_QUEUE: queue.binding } });
      before.push(queue.jobs[0]!);
    }
    for (const job of before) expect((await consume(job, { env: { ...HTTP_PROVIDER, ...V2 } })).retryMessages).toEqual([]);
    expect(await idsIn(env.DB_SHARD_0, "email_deliveries", w.applicationId)).toEqual(before.map((j) => j.id).sort());
    // New addresses (the per-address email limit holds a second request for the same one).
    const after: EmailJob[] = [];
    const fresh = [...emailsOn(V2.SHARD_MAP, w.tenantId, 0, 4, "sg-new"), ...emailsOn(V2.SHARD_MAP, w.tenantId, 1, 4, "sg-new")];
    for (const email of fresh) {
      await createUser(w, email);
      after.push(await requestAndDeliver(w, email, V2));
    }
    expect((await idsIn(env.DB_SHARD_1, "email_deliveries", w.applicationId)).length).toBe(4);
    const listed = await allPages(`/api/v1/applications/${w.applicationId}/email-deliveries`, w.token, 3, V2);
    expect(listed.map((d) => d.id).sort()).toEqual([...before, ...after].map((j) => j.id).sort());

    // Audit events written under version 1 are still in each user's trail under version 2.
    const at = Date.now();
    await consumeAudit(users.map((u, i) => revoked(w, u.id, at - i)), V1);
    await consumeAudit(users.map((u, i) => revoked(w, u.id, at - 20 - i)), V2);
    for (const u of users) expect((await allPages(`/api/v1/users/${u.id}/audit-events`, w.token, 1, V2)).filter((e) => e.type === "sessions.revoked")).toHaveLength(2);
  });
});

describe("retention on shards", () => {
  it("deletes old deliveries and audit events on every shard and in the directory database", async () => {
    const now = Date.now();
    const old = now - 400 * 24 * 60 * 60 * 1000;
    for (const [i, db] of [env.DB, ...SHARDS()].entries()) {
      await db
        .prepare("INSERT INTO email_deliveries (id, application_id, tenant_id, template, to_address, status, attempts, created_at, updated_at) VALUES (?, 'retapp', 'rettenant', 'PASSWORD_RESET_LINK', 'x@example.com', 'sent', 1, ?, ?)")
        .bind(`retshard${i}`, old, old)
        .run();
      await db.prepare("INSERT INTO audit_events (id, occurred_at, type, application_id, actor_kind, detail) VALUES (?, ?, 'sessions.revoked', 'retapp', 'system', '{}')").bind(`retshard${i}`, old).run();
    }
    const report = await pruneRetainedRows(env, now);
    expect(report.deleted.email_deliveries).toBeGreaterThanOrEqual(3);
    expect(report.deleted.audit_events).toBeGreaterThanOrEqual(3);
    for (const db of [env.DB, ...SHARDS()]) {
      expect(await idsIn(db, "email_deliveries", "retapp")).toEqual([]);
      expect(await idsIn(db, "audit_events", "retapp")).toEqual([]);
    }
  });
});
