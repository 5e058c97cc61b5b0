// Issue 19 (capacity): after a reset's answer, the codes' retirement and the user object's key-id
// report go to the user's shard in ONE D1 batch, both being rows of that shard. Where the user's
// codes may be on another database (a user from before sharding, in DB, with an email code on the
// address's shard), each database gets its own batch, the key ids riding with the user's row.
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it, vi } from "vitest";
import worker from "../../../src/index";
import { callJson } from "../../support/api";
import { type RoundTrip, roundTripsOf, watchedD1 } from "../../support/d1-round-trips";
import { consume, recordingQueue } from "../../support/email-queue";
import { type World, createUser, world } from "../../support/fixtures";
import { emailAuthCodeOf, waitForMail } from "../../support/mailbox";
import { REPEATED_EMAILS, adminLinkCode, emailAuthCode, resetRequest, setStrategy } from "../../support/reset";
import { loginOk } from "../../support/sessions";
import { databaseOfId, forgetKeyIds } from "../../support/shards";

const consumes = (q: string) => /^\s*update "reset_codes" set "consumed_at"/i.test(q);
const supersedes = (q: string) => /^\s*update "reset_codes" set "superseded_at"/i.test(q);
const reportsKeyIds = (q: string) => /^\s*update "users" set "password_key_id"/i.test(q);
/**
 * The D1 writes of a reset, by database, each the kinds of its statements in order. A reset makes
 * none before its answer (answer-before-writes.test.ts holds every one until then), so these are
 * its writes after the answer, however quickly waitUntil started them.
 */
const writes = (s: { before: RoundTrip[]; after: RoundTrip[] }) => [...s.before, ...s.after].filter((t) => t.sql.some((q) => /^\s*(insert|update|delete)\b/i.test(q))).map(kinds);
const kinds = (t: RoundTrip) => [t.database, ...t.sql.map((q) => (consumes(q) ? "consume" : supersedes(q) ? "supersede" : reportsKeyIds(q) ? "key ids" : q))];

const shardOf = (userId: string) => `DB_SHARD_${parseInt(userId.slice(0, 2), 36)}`;


const reportedAt = (db: D1Database, userId: string) => db.prepare("SELECT key_ids_reported_at AS at FROM users WHERE id = ?").bind(userId).first<number | null>("at");

/** The spent code's row is consumed, wherever it is. */
async function consumedCodes(userId: string): Promise<number> {
  let n = 0;
  for (const db of [env.DB, env.DB_SHARD_0, env.DB_SHARD_1]) {
    n += (await db.prepare("SELECT count(*) AS n FROM reset_codes WHERE user_id = ? AND consumed_at IS NOT NULL").bind(userId).first<number>("n"))!;
  }
  return n;
}

describe("after a reset's answer: the codes retired and the key ids recorded in one D1 batch on the user's shard", () => {
  it("email link and admin link, key ids changed: one round trip after the answer, on the user's shard, consuming, superseding and reporting", async () => {
    const w = await world("after-batch");
    await setStrategy(w, "LINK", REPEATED_EMAILS);
    const user = await createUser(w, "after-batch@example.com", "old password 1");
    const cases = [
      ["link", async () => ({ emailAuthCode: await emailAuthCode(w, "after-batch@example.com") })],
      ["admin", async () => ({ passwordResetCode: await adminLinkCode(w, user.id) })],
    ] as const;
    for (const [i, [name, code]] of cases.entries()) {
      const body = await code();
      await forgetKeyIds(user.id);
      const s = await roundTripsOf(resetRequest(w.token, { ...body, newPassword: `a new good password ${name}` }));
      expect([name, JSON.parse(s.body).result]).toEqual([name, "PASSWORD_UPDATED"]);
      console.info(`D1 round trips reset-password ${name}: ${s.before.length + s.after.length - writes(s).length} reads, ${writes(s).length} writes`);
      expect([name, writes(s)]).toEqual([name, [[shardOf(user.id), "consume", "supersede", "key ids"]]]);
      // Both landed: the report on the user's row, the spent code consumed.
      expect(await reportedAt(databaseOfId(user.id), user.id)).not.toBeNull();
      expect(await consumedCodes(user.id)).toBe(i + 1);
    }
  });

  it("key ids unchanged (the row already says what the object reports): the batch retires the codes only, the row keeps its report", async () => {
    const w = await world("after-batch-same");
    await setStrategy(w, "LINK", REPEATED_EMAILS);
    const user = await createUser(w, "after-batch-same@example.com", "old password 1");
    const body = { emailAuthCode: await emailAuthCode(w, "after-batch-same@example.com") };
    const before = await reportedAt(databaseOfId(user.id), user.id);
    expect(before).not.toBeNull(); // reported when the user was created, with no sessions: what a reset leaves too
    const s = await roundTripsOf(resetRequest(w.token, { ...body, newPassword: "a new good password" }));
    expect(JSON.parse(s.body).result).toBe("PASSWORD_UPDATED");
    expect(writes(s)).toEqual([[shardOf(user.id), "consume", "supersede"]]);
    expect(await reportedAt(databaseOfId(user.id), user.id)).toBe(before);
  });
});

describe("Change Password shares the step", () => {
  it("one round trip after the answer, on the user's shard: the open codes superseded and the key ids (its sessions gone) reported", async () => {
    const w = await world("after-batch-change");
    const user = await createUser(w, "after-batch-change@example.com", "old password 1");
    const session = await loginOk(w, "after-batch-change@example.com", "old password 1");
    await adminLinkCode(w, user.id);
    const s = await roundTripsOf(
      new Request("http://localhost/api/v1/change-password", {
        method: "POST",
        headers: { Authorization: `Bearer ${session.accessToken}`, "Content-Type": "application/json" },
        body: JSON.stringify({ userId: user.id, currentPassword: "old password 1", newPassword: "a new good password" }),
      }),
    );
    expect(JSON.parse(s.body).result).toBe("PASSWORD_UPDATED");
    expect(writes(s)).toEqual([[shardOf(user.id), "supersede", "key ids"]]);
  });
});

describe("a user from before sharding, in DB, with an email code on the address's shard", () => {
  const LEGACY = { SHARD_MAP: JSON.stringify({ ...JSON.parse(env.SHARD_MAP), usersInDirectory: true }) };

  /** An email link for the legacy user: requested and delivered under the map that still reads DB. */
  async function legacyLink(w: World, email: string): Promise<string> {
    const queue = recordingQueue(false);
    const res = await callJson("POST", "/api/v1/password-reset/request-password-reset", {
      token: w.token,
      body: { tenantId: w.tenantId, email },
      env: { ...LEGACY, EMAIL_QUEUE: queue.binding, EMAIL_QUEUE_1: queue.binding },
    });
    expect([res.status, queue.jobs.length]).toEqual([200, 1]);
    expect((await consume(queue.jobs[0]!, { env: LEGACY })).retryMessages).toEqual([]);
    return emailAuthCodeOf(await waitForMail(email, "PASSWORD_RESET_LINK"));
  }

  it("one batch per database: the code's shard consumes and supersedes, DB supersedes and takes the key ids with the user's row", async () => {
    const w = await world("after-batch-legacy");
    await setStrategy(w, "LINK", REPEATED_EMAILS);
    const old = await callJson("POST", "/api/v1/users", { token: w.token, body: { tenantId: w.tenantId, email: "after-legacy@example.com", password: "old password 1" }, env: { SHARD_MAP: "" } });
    expect(old.status).toBe(201);
    const code = await legacyLink(w, "after-legacy@example.com");
    const codeShard = `DB_SHARD_${parseInt(code.slice(0, 2), 36)}`;
    await forgetKeyIds(old.body.id, env.DB);
    const s = await roundTripsOf(resetRequest(w.token, { emailAuthCode: code, newPassword: "a new good password" }), LEGACY);
    expect(JSON.parse(s.body)).toMatchObject({ result: "PASSWORD_UPDATED", userId: old.body.id });
    expect(writes(s).sort()).toEqual([
      ["DB", "supersede", "key ids"],
      [codeShard, "consume", "supersede"],
    ]);
    expect(await reportedAt(env.DB, old.body.id)).not.toBeNull();
    expect(await consumedCodes(old.body.id)).toBe(1);
  });
});

describe("a failure after the answer", () => {
  it("is logged by event and error class only (no code, email or password), and the answer stands", async () => {
    const w = await world("after-batch-fail");
    await setStrategy(w, "LINK", REPEATED_EMAILS);
    const user = await createUser(w, "after-batch-fail@example.com", "old password 1");
    const code = await emailAuthCode(w, "after-batch-fail@example.com");
    await forgetKeyIds(user.id);
    const errors = vi.spyOn(console, "error");
    // Every D1 write fails, as when the primary is unreachable: a reset makes none before its answer.
    const failing = (db: D1Database) => watchedD1(db, (sql, run) => (sql.some((q) => /^\s*(insert|update|delete)\b/i.test(q)) ? Promise.reject(new Error("D1_ERROR: unreachable")) : run()));
    const ctx = createExecutionContext();
    const res = await worker.fetch(resetRequest(w.token, { emailAuthCode: code, newPassword: "a new good password" }), { ...env, DB: failing(env.DB), DB_SHARD_0: failing(env.DB_SHARD_0), DB_SHARD_1: failing(env.DB_SHARD_1) }, ctx);
    expect(((await res.json()) as { result: string }).result).toBe("PASSWORD_UPDATED");
    await waitOnExecutionContext(ctx);
    const logged = errors.mock.calls.map((c) => String(c[0]));
    errors.mockRestore();
    expect(logged.length).toBeGreaterThan(0);
    for (const line of logged) {
      expect(Object.keys(JSON.parse(line)).sort()).toEqual(["error", "event"]);
      for (const secret of [code, "after-batch-fail@example.com", "a new good password", user.id]) expect(line).not.toContain(secret);
    }
  });
});
