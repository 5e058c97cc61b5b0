// The per-address counters live in the address's Durable Object, not at the D1 primary: reset
// email slots, the daily allowance of wrong OTP guesses, and login attempts for an email with no
// active user. They stay exact under parallel requests, and request-reset and an unknown email's
// login write nothing to D1 before they answer.
import { createExecutionContext, runInDurableObject, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import worker from "../../src/index";
import { addressObject, addressRows, subjectOf } from "../support/address-object";
import { callJson } from "../support/api";
import { clockAt, createUserWithStatus, wrongCode } from "../support/codes";
import { recordingQueue } from "../support/email-queue";
import { type World, createUser, world } from "../support/fixtures";
import { REPEATED_EMAILS, otp, reset, setStrategy } from "../support/reset";
import { withEveryQueue } from "../support/every-queue";

const GOOD = "a new good password";
const T0 = Date.UTC(2031, 2, 1);
const OLD_COUNTER_TABLES = ["reset_email_sends", "code_failures", "decoy_password_failures"] as const;

afterEach(() => {
  vi.useRealTimers();
});

function requestReset(w: World, email: string, queue: Queue) {
  return callJson("POST", "/api/v1/password-reset/request-password-reset", { token: w.token, body: { tenantId: w.tenantId, email }, env: { EMAIL_QUEUE: queue } });
}

function login(w: World, email: string, password: string, token = w.token) {
  return callJson("POST", "/api/v1/login", { token, body: { tenantId: w.tenantId, email, password } });
}

async function oldCounterRows(): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const t of OLD_COUNTER_TABLES) counts[t] = (await env.DB.prepare(`SELECT count(*) AS n FROM ${t}`).first<{ n: number }>())!.n;
  return counts;
}

/** The address's consecutive login failures, as its object holds them. */
async function passwordFailures(w: World, email: string): Promise<number> {
  return runInDurableObject(addressObject(await subjectOf(w.tenantId, email)), (_i, state) => {
    const rows = state.storage.sql.exec<{ failures: number }>("SELECT failures FROM password_failures").toArray();
    return rows[0]?.failures ?? 0;
  });
}

describe("counters stay exact under 50 parallel requests", () => {
  it("reset email slots: 50 parallel requests each for a known and an unknown address queue exactly 3 apiece (window cap, no cooldown)", async () => {
    const w = await world();
    await setStrategy(w, "LINK", { resetEmailCooldownSeconds: 0 });
    await createUser(w, "known-burst@example.com", "old password 1");
    const queue = recordingQueue(false);
    const answers = await Promise.all(
      ["known-burst@example.com", "unknown-burst@example.com"].flatMap((email) => Array.from({ length: 50 }, () => requestReset(w, email, queue.binding))),
    );
    for (const a of answers) expect([a.status, a.body]).toEqual([200, { emailVerificationStrategy: "LINK" }]);
    expect(queue.jobs.filter((j) => j.kind === "PASSWORD_RESET" && j.to === "known-burst@example.com")).toHaveLength(3);
    expect(queue.jobs.filter((j) => j.kind === "PASSWORD_RESET" && j.to === "unknown-burst@example.com")).toHaveLength(3);
    for (const email of ["known-burst@example.com", "unknown-burst@example.com"]) {
      expect(await addressRows(addressObject(await subjectOf(w.tenantId, email)), "email_sends")).toBe(3);
    }
  });

  it("OTP guesses: with 5 of the day's 10 spent, 50 parallel wrong codes on a fresh request take exactly the 5 left", async () => {
    const w = await world();
    await setStrategy(w, "OTP", { ...REPEATED_EMAILS, otpMaxAttempts: 10 });
    await createUser(w, "guessed@example.com", "old password 1");
    const first = await otp(w, "guessed@example.com", 1);
    for (let i = 0; i < 5; i++) {
      expect((await reset(w.token, { requestCode: first.requestCode, verificationCode: wrongCode(first.verificationCode), newPassword: GOOD })).body).toEqual({ result: "INVALID_CODE" });
    }
    const second = await otp(w, "guessed@example.com", 2);
    const answers = await Promise.all(
      Array.from({ length: 50 }, () => reset(w.token, { requestCode: second.requestCode, verificationCode: wrongCode(second.verificationCode), newPassword: GOOD })),
    );
    const results = answers.map((a) => a.body.result as string);
    expect(results.filter((r) => r === "INVALID_CODE")).toHaveLength(5);
    expect(results.filter((r) => r === "TOO_MANY_ATTEMPTS")).toHaveLength(45);
    expect(await addressRows(addressObject(await subjectOf(w.tenantId, "guessed@example.com")), "otp_failures")).toBe(10);
    // The day's allowance is spent: even the right code waits.
    expect((await reset(w.token, { ...second, newPassword: GOOD })).body).toEqual({ result: "TOO_MANY_ATTEMPTS" });
  });

  it("login without an active user: 50 parallel wrong passwords each for an unknown and an inactive email count 5 apiece, the rest wait 1 s, as a user's do", async () => {
    const w = await world();
    await createUserWithStatus(w, "inactive-burst@example.com", "INACTIVE", "old password 1");
    const token = await clockAt(w, T0);
    for (const email of ["unknown-login@example.com", "inactive-burst@example.com"]) {
      const answers = await Promise.all(Array.from({ length: 50 }, () => login(w, email, "a wrong password", token)));
      const verdicts = answers.map((a) => [a.status, a.body?.result ?? a.body?.code, a.res.headers.get("Retry-After")]);
      expect(verdicts.filter((v) => v[0] === 200)).toEqual(Array(5).fill([200, "INVALID_CREDENTIALS", null]));
      expect(verdicts.filter((v) => v[0] !== 200)).toEqual(Array(45).fill([429, "too_many_attempts", "1"]));
      expect(await passwordFailures(w, email)).toBe(5);
    }
  });
});

/** D1 that records each statement the Worker prepares, and whether the answer had gone out by then. */
function recordingD1(db: D1Database, log: { sql: string; answered: boolean }[], state: { answered: boolean }): D1Database {
  const wrap = <T extends object>(target: T): T =>
    new Proxy(target, {
      get(t, key) {
        if (key === "prepare") return (query: string) => (log.push({ sql: query, answered: state.answered }), (t as unknown as D1Database).prepare(query));
        if (key === "withSession") return (...a: unknown[]) => wrap((t as unknown as D1Database).withSession(...(a as [])) as unknown as object);
        const value = Reflect.get(t, key);
        return typeof value === "function" ? value.bind(t) : value;
      },
    });
  return wrap(db);
}

const WRITE = /^\s*(insert|update|delete|replace)\b/i;

/** Sends one request with a recording D1; answers the statements before and after the answer. */
async function statementsOf(path: string, token: string, body: unknown, extra: Partial<Env> = {}) {
  const log: { sql: string; answered: boolean }[] = [];
  const state = { answered: false };
  const ctx = createExecutionContext();
  const request = new Request(`http://localhost${path}`, { method: "POST", headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" }, body: JSON.stringify(body) });
  const res = await worker.fetch(request, { ...env, ...withEveryQueue(extra), DB: recordingD1(env.DB, log, state) }, ctx);
  state.answered = true;
  await res.text();
  await waitOnExecutionContext(ctx);
  return { status: res.status, before: log.filter((s) => !s.answered).map((s) => s.sql), after: log.filter((s) => s.answered).map((s) => s.sql) };
}

describe("no D1 write before the answer", () => {
  it("request-reset, for a known and an unknown email, LINK and OTP: D1 only reads before the answer; after it, only the audit event is written", async () => {
    const w = await world();
    await createUser(w, "known-nowrite@example.com", "old password 1");
    const queue = recordingQueue(false);
    const reads: string[] = [];
    for (const strategy of ["LINK", "OTP"] as const) {
      await setStrategy(w, strategy, REPEATED_EMAILS);
      for (const email of ["known-nowrite@example.com", "unknown-nowrite@example.com"]) {
        const s = await statementsOf("/api/v1/password-reset/request-password-reset", w.token, { tenantId: w.tenantId, email }, { EMAIL_QUEUE: queue.binding });
        expect(s.status).toBe(200);
        reads.push(...s.before);
        expect(s.before.filter((q) => WRITE.test(q))).toEqual([]);
        expect(s.after.filter((q) => WRITE.test(q)).every((q) => /^\s*insert into "audit_events"/i.test(q))).toBe(true);
      }
    }
    // The recorder saw the reads a request makes after the policy changed (the isolate's copies are
    // cleared then; a warm isolate reads nothing at all, test/auth/caller-standing-cache.test.ts).
    expect(reads.length).toBeGreaterThan(0);
    expect(queue.jobs).toHaveLength(4);
    expect(await oldCounterRows()).toEqual({ reset_email_sends: 0, code_failures: 0, decoy_password_failures: 0 });
  });

  it("login for an unknown email: D1 only reads before the answer, and the count is in the address's object", async () => {
    const w = await world();
    const s = await statementsOf("/api/v1/login", w.token, { tenantId: w.tenantId, email: "nobody-nowrite@example.com", password: "a wrong password" });
    expect(s.status).toBe(200);
    expect(s.before.length).toBeGreaterThan(0);
    expect(s.before.filter((q) => WRITE.test(q))).toEqual([]);
    expect(await passwordFailures(w, "nobody-nowrite@example.com")).toBe(1);
    expect(await oldCounterRows()).toEqual({ reset_email_sends: 0, code_failures: 0, decoy_password_failures: 0 });
  });
});

/** Makes every new count in the address's object fail, inside the real object (a trigger that aborts). */
async function breakAddressObject(w: World, email: string): Promise<void> {
  await runInDurableObject(addressObject(await subjectOf(w.tenantId, email)), (_i, state) => {
    const sql = state.storage.sql;
    sql.exec("CREATE TABLE IF NOT EXISTS email_sends (id INTEGER PRIMARY KEY AUTOINCREMENT, sent_at INTEGER NOT NULL, expires_at INTEGER NOT NULL)");
    sql.exec("CREATE TABLE IF NOT EXISTS otp_failures (id INTEGER PRIMARY KEY AUTOINCREMENT, failed_at INTEGER NOT NULL, expires_at INTEGER NOT NULL)");
    sql.exec("CREATE TABLE IF NOT EXISTS password_failures (id INTEGER PRIMARY KEY CHECK (id = 1), failures INTEGER NOT NULL, last_failed_at INTEGER NOT NULL, expires_at INTEGER NOT NULL)");
    for (const table of ["email_sends", "otp_failures", "password_failures"]) {
      sql.exec(`CREATE TRIGGER IF NOT EXISTS ${table}_unavailable BEFORE INSERT ON ${table} BEGIN SELECT RAISE(ABORT, 'injected failure'); END`);
    }
  });
}

function expectUnavailable(res: { status: number; body: any; res: Response }) {
  expect(res.status).toBe(503);
  expect(res.body).toMatchObject({ code: "service_unavailable" });
  expect(res.res.headers.get("Retry-After")).toMatch(/^\d+$/);
}

describe("a failing address object fails closed: 503, retryable", () => {
  it("request-reset (known and unknown) queues nothing; an unknown email's login and an OTP guess answer 503 too", async () => {
    const w = await world();
    await setStrategy(w, "OTP", REPEATED_EMAILS);
    await createUser(w, "broken@example.com", "old password 1");
    const { requestCode, verificationCode } = await otp(w, "broken@example.com");
    await breakAddressObject(w, "broken@example.com");
    await breakAddressObject(w, "broken-unknown@example.com");

    const queue = recordingQueue(false);
    expectUnavailable(await requestReset(w, "broken@example.com", queue.binding));
    expectUnavailable(await requestReset(w, "broken-unknown@example.com", queue.binding));
    expect(queue.jobs).toHaveLength(0);
    expectUnavailable(await login(w, "broken-unknown@example.com", "a wrong password"));
    expectUnavailable(await reset(w.token, { requestCode, verificationCode: wrongCode(verificationCode), newPassword: GOOD }));
    expect(await oldCounterRows()).toEqual({ reset_email_sends: 0, code_failures: 0, decoy_password_failures: 0 });
  });
});
