// The address's Durable Object: the exact per-address counters (reset emails, wrong OTP guesses,
// login attempts for an address without an active user), each one synchronous step, and storage
// that expires: the alarm deletes what aged out, and everything once nothing is left (except the
// address's claim, which lasts as long as its user).
import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { AddressDurableObject } from "../../src/address-object/address-durable-object";
import { PENDING_CLAIM_MS } from "../../src/address-object/address-claim";
import { DECOY_FAILURE_RETENTION_MS } from "../../src/address-object/password-attempts";
import { OTP_GUESS_WINDOW_MS } from "../../src/policy/otp-guessing";
import { POLICY_DEFAULTS } from "../../src/policy/password-reset-policy";
import { addressObject, addressRows } from "../support/address-object";

const T0 = Date.UTC(2031, 5, 1);
const LIMIT = { resetEmailCooldownSeconds: 60, resetEmailsPerWindow: 3, resetEmailWindowSeconds: 900 };
let n = 0;
const fresh = () => addressObject(`test-subject-${++n}`);
/** A guess's budgets: request `codeId`'s own attempts (plenty unless given) and the day's allowance. */
const budget = (allowance: number, codeId = `code-${++n}`, maxAttempts = 1000, expiresAt = Date.now() + 15 * 60_000) => ({ codeId, maxAttempts, expiresAt, allowance });
const at = (t: number) => {
  vi.useFakeTimers({ toFake: ["Date"] });
  vi.setSystemTime(t);
};

afterEach(() => {
  vi.useRealTimers();
});

/** Whether the object has any storage left: tables or an alarm. */
async function hasStorage(stub: DurableObjectStub): Promise<{ tables: number; alarm: number | null }> {
  return runInDurableObject(stub, async (_i, state) => ({
    tables: state.storage.sql.exec("SELECT count(*) AS n FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_cf_%'").one().n as number,
    alarm: await state.storage.getAlarm(),
  }));
}

describe("the address object", () => {
  it("exposes the counter methods, one read of an OTP request's attempts, the address's claim, and the alarm, nothing else", () => {
    const own = Object.getOwnPropertyNames(AddressDurableObject.prototype).filter((name) => name !== "constructor");
    expect(own.sort()).toEqual(["alarm", "claimAddress", "confirmClaim", "countPasswordAttempt", "otpAttemptsTaken", "refundOtpGuess", "releaseClaim", "releaseEmailSend", "reserveEmailSend", "reserveOtpGuess"]);
  });

  it("creates no storage until a counter is written", async () => {
    expect(await hasStorage(fresh())).toEqual({ tables: 0, alarm: null });
  });
});

describe("reset email slots", () => {
  it("holds the cooldown, caps the window, and a released slot is free again", async () => {
    const stub = fresh();
    at(T0);
    const first = await stub.reserveEmailSend(LIMIT);
    expect(first).not.toBeNull();
    at(T0 + 59_000);
    expect(await stub.reserveEmailSend(LIMIT)).toBeNull();
    at(T0 + 61_000);
    const second = await stub.reserveEmailSend(LIMIT);
    at(T0 + 122_000);
    expect(await stub.reserveEmailSend(LIMIT)).not.toBeNull();
    at(T0 + 183_000);
    expect(await stub.reserveEmailSend(LIMIT)).toBeNull(); // 3 in the window
    await stub.releaseEmailSend(second!);
    expect(await stub.reserveEmailSend(LIMIT)).not.toBeNull();
    at(T0 + 900_000 + 1);
    // The first slot left the window (and its row is gone); the other two are within it.
    expect(await stub.reserveEmailSend(LIMIT)).not.toBeNull();
    expect(await addressRows(stub, "email_sends")).toBe(3);
  });

  it("50 parallel reservations with no cooldown take exactly the window's 3", async () => {
    const stub = fresh();
    const slots = await Promise.all(Array.from({ length: 50 }, () => stub.reserveEmailSend({ ...LIMIT, resetEmailCooldownSeconds: 0 })));
    expect(slots.filter((s) => s !== null)).toHaveLength(3);
    expect(new Set(slots.filter((s) => s !== null)).size).toBe(3);
  });

  it("never reuses a slot id, so a late release frees only its own slot", async () => {
    const stub = fresh();
    const limit = { ...LIMIT, resetEmailCooldownSeconds: 0 };
    const a = await stub.reserveEmailSend(limit);
    await stub.releaseEmailSend(a!);
    const b = await stub.reserveEmailSend(limit);
    expect(b).not.toBe(a);
    await stub.releaseEmailSend(a!);
    expect(await addressRows(stub, "email_sends")).toBe(1);
  });
});

describe("the OTP guess allowance", () => {
  it("50 parallel guesses against an allowance of 10 take exactly 10; a refund gives one back", async () => {
    const stub = fresh();
    const budgets = Array.from({ length: 50 }, () => budget(10));
    const guesses = await Promise.all(budgets.map((b) => stub.reserveOtpGuess(b)));
    const taken = guesses.flatMap((g, i) => (g === null ? [] : [{ guess: g, codeId: budgets[i]!.codeId }]));
    expect(taken).toHaveLength(10);
    expect(await stub.reserveOtpGuess(budget(10))).toBeNull();
    await stub.refundOtpGuess(taken[0]!.codeId, taken[0]!.guess.guessId);
    expect(await stub.reserveOtpGuess(budget(10))).not.toBeNull();
    expect(await stub.reserveOtpGuess(budget(10))).toBeNull();
  });

  it("is a day: a guess counts for OTP_GUESS_WINDOW_MS, then no more", async () => {
    const stub = fresh();
    at(T0);
    expect(await stub.reserveOtpGuess(budget(1))).not.toBeNull();
    at(T0 + OTP_GUESS_WINDOW_MS - 1);
    expect(await stub.reserveOtpGuess(budget(1))).toBeNull();
    at(T0 + OTP_GUESS_WINDOW_MS);
    expect(await stub.reserveOtpGuess(budget(1))).not.toBeNull();
  });
});

describe("an OTP request's own attempts", () => {
  it("50 parallel guesses on one request with maxAttempts 5 take exactly 5, numbered 1 to 5; a refund gives its attempt and its guess back", async () => {
    const stub = fresh();
    const guesses = await Promise.all(Array.from({ length: 50 }, () => stub.reserveOtpGuess(budget(100, "req-a", 5))));
    const taken = guesses.filter((g) => g !== null);
    expect(taken.map((g) => g.attempts).sort()).toEqual([1, 2, 3, 4, 5]);
    expect([await stub.otpAttemptsTaken("req-a"), await addressRows(stub, "otp_failures")]).toEqual([5, 5]);
    await stub.refundOtpGuess("req-a", taken[0]!.guessId);
    expect([await stub.otpAttemptsTaken("req-a"), await addressRows(stub, "otp_failures")]).toEqual([4, 4]);
    expect(await stub.reserveOtpGuess(budget(100, "req-a", 5))).toMatchObject({ attempts: 5 });
    expect(await stub.reserveOtpGuess(budget(100, "req-a", 5))).toBeNull();
    // Another request of the same address has its own count.
    expect(await stub.reserveOtpGuess(budget(100, "req-b", 5))).toMatchObject({ attempts: 1 });
  });

  it("takes both budgets or neither: a guess the allowance turns away leaves the request's count, and a spent request leaves the allowance", async () => {
    const stub = fresh();
    expect(await stub.reserveOtpGuess(budget(2, "req-full", 1))).toMatchObject({ attempts: 1 });
    expect(await stub.reserveOtpGuess(budget(2, "req-full", 1))).toBeNull();
    expect(await addressRows(stub, "otp_failures")).toBe(1);
    expect(await stub.reserveOtpGuess(budget(2, "req-other", 5))).toMatchObject({ attempts: 1 });
    expect(await stub.reserveOtpGuess(budget(2, "req-other", 5))).toBeNull();
    expect(await stub.otpAttemptsTaken("req-other")).toBe(1);
  });

  it("is kept until the request expires, then forgotten on access and by the alarm; reading it creates no storage", async () => {
    const stub = fresh();
    expect(await stub.otpAttemptsTaken("req-never")).toBe(0);
    expect(await runInDurableObject(stub, (_i, state) => state.storage.sql.exec("SELECT count(*) AS n FROM sqlite_master WHERE type = 'table' AND name NOT LIKE '_cf_%' AND name NOT LIKE 'sqlite_%'").one().n)).toBe(0);
    at(T0);
    const expiresAt = T0 + 15 * 60_000;
    for (let i = 0; i < 3; i++) await stub.reserveOtpGuess(budget(10, "req-x", 3, expiresAt));
    expect(await stub.reserveOtpGuess(budget(10, "req-x", 3, expiresAt))).toBeNull();
    at(expiresAt - 1);
    expect(await stub.otpAttemptsTaken("req-x")).toBe(3);
    at(expiresAt);
    expect(await stub.otpAttemptsTaken("req-x")).toBe(0);
    // Another request's guess deletes the expired count.
    await stub.reserveOtpGuess(budget(10, "req-y", 3, expiresAt + 15 * 60_000));
    expect(await addressRows(stub, "otp_attempts")).toBe(1);
    // The alarm: once the day's guesses expire (the last was made at expiresAt), nothing is left.
    at(expiresAt + OTP_GUESS_WINDOW_MS);
    expect(await runDurableObjectAlarm(stub)).toBe(true);
    expect(await hasStorage(stub)).toEqual({ tables: 0, alarm: null });
  });

  it("the alarm drops an expired request's count with what else expired", async () => {
    const stub = fresh();
    at(T0);
    await stub.reserveOtpGuess(budget(10, "req-z", 3, T0 + 15 * 60_000));
    await stub.countPasswordAttempt(POLICY_DEFAULTS);
    at(T0 + OTP_GUESS_WINDOW_MS);
    expect(await runDurableObjectAlarm(stub)).toBe(true);
    expect([await addressRows(stub, "otp_attempts"), await addressRows(stub, "otp_failures"), await addressRows(stub, "password_failures")]).toEqual([0, 0, 1]);
  });
});

describe("login attempts for an address without an active user", () => {
  it("gives the same verdicts as a user's count: 5 free, then 1 s doubling, hard stop at the limit", async () => {
    const stub = fresh();
    at(T0);
    const verdicts = await Promise.all(Array.from({ length: 50 }, () => stub.countPasswordAttempt(POLICY_DEFAULTS)));
    expect(verdicts.filter((v) => v.allowed)).toHaveLength(5);
    expect(verdicts.filter((v) => !v.allowed)).toEqual(Array(45).fill({ allowed: false, retryAfterSeconds: 1 }));
    at(T0 + 1000);
    expect(await stub.countPasswordAttempt(POLICY_DEFAULTS)).toEqual({ allowed: true });
    expect(await stub.countPasswordAttempt(POLICY_DEFAULTS)).toEqual({ allowed: false, retryAfterSeconds: 2 });
    const limited = { ...POLICY_DEFAULTS, passwordFailureLimit: 6 };
    at(T0 + 3000);
    expect(await stub.countPasswordAttempt(limited)).toEqual({ allowed: false, retryAfterSeconds: null });
  });

  it("forgets the count DECOY_FAILURE_RETENTION_MS (30 days) after the latest attempt", async () => {
    const stub = fresh();
    const stop = { ...POLICY_DEFAULTS, passwordFailureLimit: 1 };
    at(T0);
    expect(await stub.countPasswordAttempt(stop)).toEqual({ allowed: true });
    at(T0 + DECOY_FAILURE_RETENTION_MS - 1);
    expect(await stub.countPasswordAttempt(stop)).toEqual({ allowed: false, retryAfterSeconds: null });
    at(T0 + DECOY_FAILURE_RETENTION_MS);
    expect(await stub.countPasswordAttempt(stop)).toEqual({ allowed: true });
    expect(DECOY_FAILURE_RETENTION_MS).toBe(30 * 24 * 60 * 60 * 1000);
  });
});

describe("expiry", () => {
  it("the alarm wakes when the newest row expires, drops what expired, and deletes the storage once empty", async () => {
    const stub = fresh();
    at(T0);
    await stub.reserveEmailSend(LIMIT);
    await stub.reserveOtpGuess(budget(10));
    expect((await hasStorage(stub)).alarm).toBe(T0 + OTP_GUESS_WINDOW_MS);
    await stub.countPasswordAttempt(POLICY_DEFAULTS);
    expect((await hasStorage(stub)).alarm).toBe(T0 + DECOY_FAILURE_RETENTION_MS);

    // Woken early (a platform retry, say): what expired goes, the rest stays, and it re-arms.
    at(T0 + OTP_GUESS_WINDOW_MS);
    expect(await runDurableObjectAlarm(stub)).toBe(true);
    expect([await addressRows(stub, "email_sends"), await addressRows(stub, "otp_failures"), await addressRows(stub, "password_failures")]).toEqual([0, 0, 1]);
    expect((await hasStorage(stub)).alarm).toBe(T0 + DECOY_FAILURE_RETENTION_MS);

    at(T0 + DECOY_FAILURE_RETENTION_MS);
    expect(await runDurableObjectAlarm(stub)).toBe(true);
    expect(await hasStorage(stub)).toEqual({ tables: 0, alarm: null });
    // The same live instance counts again afterwards, from zero.
    expect(await stub.countPasswordAttempt(POLICY_DEFAULTS)).toEqual({ allowed: true });
    expect(await addressRows(stub, "password_failures")).toBe(1);
  });
});

describe("the address's claim", () => {
  /** A holder whose row is on `home` (null: the directory database). */
  const h = (userId: string, home: number | null = 0) => ({ userId, home });

  it("50 parallel claims by different users: exactly one is granted, and the others are told who holds it (where its row is: a shard, or DB), pending", async () => {
    const stub = fresh();
    const answers = await Promise.all(Array.from({ length: 50 }, (_, i) => stub.claimAddress(h(`user-${i}`, i % 3 ? i : null), null)));
    const granted = answers.flatMap((a, i) => (a.outcome === "CLAIMED" ? [h(`user-${i}`, i % 3 ? i : null)] : []));
    expect(granted).toHaveLength(1);
    for (const a of answers) if (a.outcome === "HELD") expect(a).toEqual({ outcome: "HELD", holder: granted[0], pending: true });
    // The holder may claim again (a retry of the same creation).
    expect(await stub.claimAddress(granted[0]!, null)).toEqual({ outcome: "CLAIMED" });
  });

  it("is pending until confirmed and for PENDING_CLAIM_MS at most; then held until released by its holder only", async () => {
    const stub = fresh();
    at(T0);
    expect(await stub.claimAddress(h("alice"), null)).toEqual({ outcome: "CLAIMED" });
    at(T0 + PENDING_CLAIM_MS - 1);
    expect(await stub.claimAddress(h("bob"), null)).toEqual({ outcome: "HELD", holder: h("alice"), pending: true });
    at(T0 + PENDING_CLAIM_MS);
    expect(await stub.claimAddress(h("bob"), null)).toEqual({ outcome: "HELD", holder: h("alice"), pending: false });
    expect(await stub.confirmClaim(h("alice"), null)).toBe(true);
    expect(await stub.claimAddress(h("bob"), null)).toEqual({ outcome: "HELD", holder: h("alice"), pending: false });
    // Someone else's confirmation or release changes nothing.
    expect(await stub.confirmClaim(h("bob"), null)).toBe(false);
    await stub.releaseClaim("bob");
    expect(await stub.claimAddress(h("carol"), null)).toEqual({ outcome: "HELD", holder: h("alice"), pending: false });
    await stub.releaseClaim("alice");
    expect(await stub.claimAddress(h("carol"), null)).toEqual({ outcome: "CLAIMED" });
  });

  it("is taken over only from the holder the caller names, so a claim taken meanwhile is never overwritten", async () => {
    const stub = fresh();
    await stub.claimAddress(h("gone"), null);
    await stub.confirmClaim(h("gone"), null);
    expect(await stub.claimAddress(h("bob"), "someone-else")).toEqual({ outcome: "HELD", holder: h("gone"), pending: false });
    expect(await stub.claimAddress(h("bob"), "gone")).toEqual({ outcome: "CLAIMED" });
    expect(await stub.claimAddress(h("carol"), "gone")).toEqual({ outcome: "HELD", holder: h("bob"), pending: true });
    // A slow creation whose claim was taken over cannot confirm; a user found by the older-shard check takes the claim it names.
    expect(await stub.confirmClaim(h("gone"), null)).toBe(false);
    expect(await stub.confirmClaim(h("older-user"), "bob")).toBe(true);
    expect(await stub.claimAddress(h("carol"), null)).toEqual({ outcome: "HELD", holder: h("older-user"), pending: false });
  });

  it("keeps the storage when the counters expire: the alarm deletes them but not the claim", async () => {
    const stub = fresh();
    at(T0);
    await stub.claimAddress(h("alice"), null);
    await stub.confirmClaim(h("alice"), null);
    await stub.reserveEmailSend(LIMIT);
    at(T0 + LIMIT.resetEmailWindowSeconds * 1000);
    expect(await runDurableObjectAlarm(stub)).toBe(true);
    expect(await addressRows(stub, "email_sends")).toBe(0);
    expect((await hasStorage(stub)).alarm).toBeNull();
    expect(await stub.claimAddress(h("bob"), null)).toEqual({ outcome: "HELD", holder: h("alice"), pending: false });
  });
});

describe("naming", () => {
  it("is named by the keyed subject the workflows pass, never by the address", async () => {
    const { subjectOf } = await import("../support/address-object");
    const subject = await subjectOf("tenant0000000000000000000", "someone@example.com");
    expect(subject).not.toContain("someone");
    expect(env.ADDRESSES.idFromName(subject).equals(env.ADDRESSES.idFromName("someone@example.com"))).toBe(false);
  });
});
