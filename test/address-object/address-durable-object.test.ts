// The address's Durable Object: the exact per-address counters (reset emails, wrong OTP guesses,
// login attempts for an address without an active user), each one synchronous step, and storage
// that expires: the alarm deletes what aged out, and everything once nothing is left.
import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { AddressDurableObject } from "../../src/address-object/address-durable-object";
import { DECOY_FAILURE_RETENTION_MS } from "../../src/address-object/password-attempts";
import { OTP_GUESS_WINDOW_MS } from "../../src/policy/otp-guessing";
import { POLICY_DEFAULTS } from "../../src/policy/password-reset-policy";
import { addressObject, addressRows } from "../support/address-object";

const T0 = Date.UTC(2031, 5, 1);
const LIMIT = { resetEmailCooldownSeconds: 60, resetEmailsPerWindow: 3, resetEmailWindowSeconds: 900 };
let n = 0;
const fresh = () => addressObject(`test-subject-${++n}`);
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
  it("exposes the five counter methods and the alarm, nothing else", () => {
    const own = Object.getOwnPropertyNames(AddressDurableObject.prototype).filter((name) => name !== "constructor");
    expect(own.sort()).toEqual(["alarm", "countPasswordAttempt", "refundOtpGuess", "releaseEmailSend", "reserveEmailSend", "reserveOtpGuess"]);
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
    const ids = await Promise.all(Array.from({ length: 50 }, () => stub.reserveOtpGuess(10)));
    const taken = ids.filter((id) => id !== null);
    expect(taken).toHaveLength(10);
    expect(await stub.reserveOtpGuess(10)).toBeNull();
    await stub.refundOtpGuess(taken[0]!);
    expect(await stub.reserveOtpGuess(10)).not.toBeNull();
    expect(await stub.reserveOtpGuess(10)).toBeNull();
  });

  it("is a day: a guess counts for OTP_GUESS_WINDOW_MS, then no more", async () => {
    const stub = fresh();
    at(T0);
    expect(await stub.reserveOtpGuess(1)).not.toBeNull();
    at(T0 + OTP_GUESS_WINDOW_MS - 1);
    expect(await stub.reserveOtpGuess(1)).toBeNull();
    at(T0 + OTP_GUESS_WINDOW_MS);
    expect(await stub.reserveOtpGuess(1)).not.toBeNull();
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
    await stub.reserveOtpGuess(10);
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

describe("naming", () => {
  it("is named by the keyed subject the workflows pass, never by the address", async () => {
    const { subjectOf } = await import("../support/address-object");
    const subject = await subjectOf("tenant0000000000000000000", "someone@example.com");
    expect(subject).not.toContain("someone");
    expect(env.ADDRESSES.idFromName(subject).equals(env.ADDRESSES.idFromName("someone@example.com"))).toBe(false);
  });
});
