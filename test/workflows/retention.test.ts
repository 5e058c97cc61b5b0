import { createExecutionContext, createScheduledController, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import worker from "../../src/index";
import { DECOY_FAILURE_RETENTION_MS, EXPIRED_CODE_RETENTION_MS, RETENTION_DEFAULTS, pruneRetainedRows } from "../../src/workflows/retention";
import { createUser, world } from "../support/fixtures";
import { adminLinkCode } from "../support/reset";
import { databaseOfId } from "../support/shards";
import { OTP_GUESS_WINDOW_MS } from "../../src/policy/otp-guessing";

async function count(table: string): Promise<number> {
  return (await env.DB.prepare(`SELECT count(*) AS n FROM ${table}`).first<{ n: number }>())!.n;
}

describe("the daily retention run", () => {
  it("deletes codes expired for over a week, wrong-code rows over a day old, decoy login failures over 30 days old, and keeps the rest", async () => {
    const w = await world();
    const user = await createUser(w, "retention@example.com", "password one");
    await adminLinkCode(w, user.id);
    await adminLinkCode(w, user.id);
    const now = Date.now();
    // The admin links are on the user's shard (docs/shards.md).
    const codes = databaseOfId(user.id);
    await codes.prepare("UPDATE reset_codes SET expires_at = ? WHERE rowid = (SELECT min(rowid) FROM reset_codes)").bind(now - EXPIRED_CODE_RETENTION_MS - 1).run();
    await env.DB.prepare("INSERT INTO code_failures (subject_key, failed_at) VALUES ('old', ?), ('recent', ?)").bind(now - OTP_GUESS_WINDOW_MS - 1, now - OTP_GUESS_WINDOW_MS + 60_000).run();
    await env.DB.prepare("INSERT INTO decoy_password_failures (subject_key, failures, last_failed_at) VALUES ('old', 100, ?), ('recent', 3, ?)")
      .bind(now - DECOY_FAILURE_RETENTION_MS - 1, now - 60_000)
      .run();

    const ctx = createExecutionContext();
    await worker.scheduled(createScheduledController({ scheduledTime: now }), env, ctx);
    await waitOnExecutionContext(ctx);

    expect((await codes.prepare("SELECT count(*) AS n FROM reset_codes").first<{ n: number }>())!.n).toBe(1);
    expect(await count("code_failures")).toBe(1);
    expect(await count("decoy_password_failures")).toBe(1);
  });
});

const DAY = 24 * 60 * 60 * 1000;

/** One row per age in every table that holds personal data or codes, dated by its retention column. */
async function seedAges(tag: string, ages: number[], now: number): Promise<void> {
  const statements = ages.flatMap((ageDays, i) => {
    const t = now - ageDays * DAY;
    const id = `${tag}${String(i).padStart(4, "0")}`.padEnd(26, "0");
    return [
      env.DB.prepare(
        "INSERT INTO reset_codes (id, application_id, tenant_id, subject_key, kind, code_hash, max_attempts, expires_at, created_at) VALUES (?, 'app', 'tenant', ?, 'EMAIL_LINK', ?, 5, ?, ?)",
      ).bind(id, `subject-${id}`, `hash-${id}`, t, t),
      env.DB.prepare("INSERT INTO code_failures (subject_key, failed_at) VALUES (?, ?)").bind(`subject-${id}`, t),
      env.DB.prepare("INSERT INTO reset_email_sends (subject_key, sent_at) VALUES (?, ?)").bind(`subject-${id}`, t),
      env.DB.prepare("INSERT INTO decoy_password_failures (subject_key, failures, last_failed_at) VALUES (?, 1, ?)").bind(`subject-${id}`, t),
      env.DB.prepare(
        "INSERT INTO email_deliveries (id, application_id, tenant_id, template, to_address, status, attempts, created_at, updated_at) VALUES (?, 'app', 'tenant', 'PASSWORD_RESET_LINK', ?, 'sent', 1, ?, ?)",
      ).bind(id, `${id}@example.com`, t, t),
      env.DB.prepare("INSERT INTO dev_mailbox (id, application_id, to_address, template, subject, text_body, html_body, created_at) VALUES (?, 'app', ?, 'PASSWORD_RESET_LINK', 's', 't', 'h', ?)").bind(
        id,
        `${id}@example.com`,
        t,
      ),
      env.DB.prepare("INSERT INTO audit_events (id, occurred_at, type, application_id, actor_kind, detail) VALUES (?, ?, 'sessions.revoked', 'app', 'system', '{}')").bind(id, t),
    ];
  });
  await env.DB.batch(statements);
}

const PERSONAL_TABLES = ["reset_codes", "code_failures", "reset_email_sends", "decoy_password_failures", "email_deliveries", "dev_mailbox", "audit_events"] as const;

async function tagged(table: (typeof PERSONAL_TABLES)[number], tag: string): Promise<number> {
  const column = table === "code_failures" || table === "reset_email_sends" || table === "decoy_password_failures" ? "subject_key" : "id";
  const pattern = column === "id" ? `${tag}%` : `subject-${tag}%`;
  return (await env.DB.prepare(`SELECT count(*) AS n FROM ${table} WHERE ${column} LIKE ?`).bind(pattern).first<{ n: number }>())!.n;
}

async function runScheduled(now: number, overrides: Partial<Env> = {}): Promise<void> {
  const ctx = createExecutionContext();
  await worker.scheduled(createScheduledController({ scheduledTime: now }), { ...env, ...overrides } as Env, ctx);
  await waitOnExecutionContext(ctx);
}

function jsonLines(spy: { mock: { calls: unknown[][] } }): Record<string, unknown>[] {
  return spy.mock.calls.flatMap((args) => {
    try {
      return [JSON.parse(String(args[0])) as Record<string, unknown>];
    } catch {
      return [];
    }
  });
}

describe("retention of personal data and codes", () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it("deletes rows 200 and 400 days old from every table that holds personal data or codes, keeps recent ones, and logs counts", async () => {
    const now = Date.now();
    await seedAges("ret", [400, 200, 0.01], now);
    const logs = vi.spyOn(console, "log");
    await runScheduled(now);
    for (const table of PERSONAL_TABLES) expect([table, await tagged(table, "ret")]).toEqual([table, 1]);
    const report = jsonLines(logs).find((l) => l.event === "retention");
    expect(report).toBeDefined();
    const deleted = report!.deleted as Record<string, number>;
    for (const table of PERSONAL_TABLES) expect(deleted[table], table).toBeGreaterThanOrEqual(2);
    expect(JSON.stringify(logs.mock.calls)).not.toContain("@example.com");
  });

  it("documents each default: email deliveries 30 days, audit events 90, the development mailbox a day", () => {
    expect(RETENTION_DEFAULTS).toMatchObject({ email_deliveries: 30 * DAY, audit_events: 90 * DAY, dev_mailbox: DAY, reset_email_sends: DAY, code_failures: DAY, decoy_password_failures: 30 * DAY });
  });

  it("keeps email deliveries and audit events as long as their settings say", async () => {
    const now = Date.now();
    await seedAges("set", [400, 200], now);
    await runScheduled(now, { EMAIL_DELIVERY_RETENTION_DAYS: "300", AUDIT_RETENTION_DAYS: "500" } as Partial<Env>);
    expect(await tagged("email_deliveries", "set")).toBe(1);
    expect(await tagged("audit_events", "set")).toBe(2);
    expect(await tagged("dev_mailbox", "set")).toBe(0);
  });

  it("deletes nothing of a table whose setting is invalid, logs it as misconfigured, and still prunes the rest", async () => {
    const now = Date.now();
    await seedAges("bad", [400], now);
    const errors = vi.spyOn(console, "error");
    await runScheduled(now, { EMAIL_DELIVERY_RETENTION_DAYS: "forever" } as Partial<Env>);
    expect(await tagged("email_deliveries", "bad")).toBe(1);
    expect(await tagged("dev_mailbox", "bad")).toBe(0);
    expect(jsonLines(errors)).toContainEqual(expect.objectContaining({ event: "misconfigured", variable: "EMAIL_DELIVERY_RETENTION_DAYS" }));
    expect(JSON.stringify(errors.mock.calls)).not.toContain("forever");
  });

  it("deletes in bounded batches: a backlog larger than a run's bound is left for the next run", async () => {
    const now = Date.now();
    await pruneRetainedRows(env, now); // what earlier cases left behind
    await seedAges("bat", [200, 201, 202, 203, 204], now);
    const first = await pruneRetainedRows(env, now, { batchSize: 2, maxStatements: 2 });
    expect(first.deleted.email_deliveries).toBe(4);
    expect(first.backlog).toContain("email_deliveries");
    expect(await tagged("email_deliveries", "bat")).toBe(1);
    const second = await pruneRetainedRows(env, now, { batchSize: 2, maxStatements: 2 });
    expect(second.deleted.email_deliveries).toBe(1);
    expect(second.backlog).not.toContain("email_deliveries");
  });

  it("logs a failing run instead of throwing", async () => {
    const errors = vi.spyOn(console, "error");
    const broken = { withSession: () => ({ prepare: () => { throw new Error("D1 is down"); }, batch: () => Promise.reject(new Error("D1 is down")) }) } as unknown as D1Database;
    await runScheduled(Date.now(), { DB: broken });
    const failures = jsonLines(errors).filter((l) => l.event === "retention.failed");
    expect(failures.map((f) => f.table)).toEqual(expect.arrayContaining([...PERSONAL_TABLES]));
    expect(JSON.stringify(failures)).not.toContain("D1 is down");
  });

  it("finds what to delete in every table through an index on its time column", async () => {
    const columns: [string, string][] = [
      ["reset_codes", "expires_at"],
      ["code_failures", "failed_at"],
      ["reset_email_sends", "sent_at"],
      ["decoy_password_failures", "last_failed_at"],
      ["revoked_access_tokens", "expires_at"],
      ["email_deliveries", "created_at"],
      ["dev_mailbox", "created_at"],
      ["audit_events", "occurred_at"],
    ];
    for (const [table, column] of columns) {
      const plan = await env.DB.prepare(`EXPLAIN QUERY PLAN SELECT rowid FROM ${table} WHERE ${column} < ? LIMIT 500`).bind(Date.now()).all<{ detail: string }>();
      expect(plan.results.map((r) => r.detail).join("\n"), table).toMatch(new RegExp(`SEARCH ${table} USING (COVERING )?INDEX \\w+ \\(${column}<\\?\\)`));
    }
  });
});

