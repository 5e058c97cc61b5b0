// An OTP request's own attempts are counted in the address's Durable Object (issue 17 item 3), with
// the day's allowance, not in D1: an OTP reset reads its code and writes nothing to D1 before it
// answers, and the count stays exact under 50 parallel guesses. Both budgets are taken in one step
// of the object, so a guess the allowance turns away costs the request nothing.
import { describe, expect, it } from "vitest";
import { addressObject, addressRows, otpAttemptsOf, subjectOf } from "../../support/address-object";
import { ALL_DATABASES, codeRowsOfTenant, otpRequestCode, waitForCodeRows, wrongCode } from "../../support/codes";
import { roundTripsOf } from "../../support/d1-round-trips";
import { PageClient } from "../../support/page-client";
import { type World, createUser, world } from "../../support/fixtures";
import { REPEATED_EMAILS, otp, reset, resetRequest, setStrategy } from "../../support/reset";

const GOOD = "a new good password";
const WRITE = /^\s*(insert|update|delete|replace)\b/i;

/** The tenant's stored OTP requests, newest first, with the subject that names their address object (from every database: codes are on shards). */
async function otpRows(w: World) {
  const rows = [];
  for (const db of ALL_DATABASES()) {
    const found = await db.prepare("SELECT id, subject_key, attempts, created_at FROM reset_codes WHERE kind = 'EMAIL_OTP' AND tenant_id = ?").bind(w.tenantId).all<{ id: string; subject_key: string; attempts: number; created_at: number }>();
    rows.push(...found.results);
  }
  return rows.sort((a, b) => b.created_at - a.created_at).map(({ created_at: _, ...r }) => r);
}

async function attemptsOf(codeId: string, subject: string) {
  return otpAttemptsOf(addressObject(subject), codeId);
}

describe("an OTP reset makes no D1 write", () => {
  it("wrong then right verificationCode: a wrong one writes nothing to D1, a right one only retires its codes (waitUntil), reset_codes.attempts is never written, and the object holds the count", async () => {
    const w = await world("otp-nowrite");
    await setStrategy(w, "OTP", REPEATED_EMAILS);
    const user = await createUser(w, "nowrite@example.com", "old password 1");
    const code = await otp(w, "nowrite@example.com");
    const wrong = await roundTripsOf(resetRequest(w.token, { ...code, verificationCode: wrongCode(code.verificationCode), newPassword: GOOD }));
    expect(JSON.parse(wrong.body)).toEqual({ result: "INVALID_CODE" });
    const right = await roundTripsOf(resetRequest(w.token, { ...code, newPassword: GOOD }));
    expect(JSON.parse(right.body)).toEqual({ result: "PASSWORD_UPDATED", userId: user.id, tenantId: w.tenantId });
    const writes = (s: typeof wrong) => [...s.before, ...s.after].filter((t) => t.sql.some((q) => WRITE.test(q))).map((t) => t.sql);
    for (const s of [wrong, right]) expect(s.before.length).toBeGreaterThan(0); // the recorder saw the code's read
    expect(writes(wrong)).toEqual([]);
    // The retirement starts in waitUntil, so the recorder may see it before the answer has gone out.
    expect(writes(right)).toEqual([[expect.stringMatching(/^update "reset_codes" set "consumed_at" = \?/), expect.stringMatching(/^update "reset_codes" set "superseded_at" = \?/)]]);
    const [row] = await otpRows(w);
    expect(row!.attempts).toBe(0);
    // The wrong guess took one attempt; the right one took its own and gave it back.
    expect(await attemptsOf(row!.id, row!.subject_key)).toBe(1);
    expect(await addressRows(addressObject(row!.subject_key), "otp_failures")).toBe(1);
  });
});

describe("the request's own attempts are exact under concurrency", () => {
  it("50 parallel wrong codes on one request take exactly otpMaxAttempts (5); the other 45 are TOO_MANY_ATTEMPTS, then even the right code is", async () => {
    const w = await world("otp-parallel");
    await setStrategy(w, "OTP", REPEATED_EMAILS);
    await createUser(w, "parallel50@example.com", "old password 1");
    const code = await otp(w, "parallel50@example.com");
    const answers = await Promise.all(Array.from({ length: 50 }, () => reset(w.token, { ...code, verificationCode: wrongCode(code.verificationCode), newPassword: GOOD })));
    const results = answers.map((a) => [a.status, a.body.result]);
    expect(results.filter(([, r]) => r === "INVALID_CODE")).toEqual(Array(5).fill([200, "INVALID_CODE"]));
    expect(results.filter(([, r]) => r !== "INVALID_CODE")).toEqual(Array(45).fill([200, "TOO_MANY_ATTEMPTS"]));
    const [row] = await otpRows(w);
    expect(await attemptsOf(row!.id, row!.subject_key)).toBe(5);
    expect(await addressRows(addressObject(row!.subject_key), "otp_failures")).toBe(5);
    expect(row!.attempts).toBe(0);
    expect((await reset(w.token, { ...code, newPassword: GOOD })).body).toEqual({ result: "TOO_MANY_ATTEMPTS" });
  });

  it("a decoy request (unknown address) counts alike: 50 parallel guesses, exactly 5 INVALID_CODE, in its address's object", async () => {
    const w = await world("otp-decoy");
    await setStrategy(w, "OTP", REPEATED_EMAILS);
    const requestCode = await otpRequestCode(w, "nobody-guessed@example.com");
    const [decoy] = await waitForCodeRows(w.tenantId, 1, "EMAIL_OTP");
    const answers = await Promise.all(Array.from({ length: 50 }, () => reset(w.token, { requestCode, verificationCode: "123456", newPassword: GOOD })));
    const results = answers.map((a) => a.body.result as string);
    expect(results.filter((r) => r === "INVALID_CODE")).toHaveLength(5);
    expect(results.filter((r) => r === "TOO_MANY_ATTEMPTS")).toHaveLength(45);
    const subject = await subjectOf(w.tenantId, "nobody-guessed@example.com");
    expect(await attemptsOf(decoy!.id, subject)).toBe(5);
    expect((await codeRowsOfTenant(w.tenantId)).find((r) => r.id === decoy!.id)!.attempts).toBe(0);
  });

  it("both budgets are taken in one step: a guess the day's allowance turns away takes none of the request's attempts", async () => {
    const w = await world("otp-both");
    await setStrategy(w, "OTP", { ...REPEATED_EMAILS, otpMaxAttempts: 10 });
    await createUser(w, "both@example.com", "old password 1");
    // 9 of the day's 10 wrong codes on a first request.
    const first = await otp(w, "both@example.com", 1);
    for (let i = 0; i < 9; i++) await reset(w.token, { ...first, verificationCode: wrongCode(first.verificationCode), newPassword: GOOD });
    const second = await otp(w, "both@example.com", 2);
    const answers = await Promise.all(Array.from({ length: 50 }, () => reset(w.token, { ...second, verificationCode: wrongCode(second.verificationCode), newPassword: GOOD })));
    const results = answers.map((a) => a.body.result as string);
    expect(results.filter((r) => r === "INVALID_CODE")).toHaveLength(1);
    expect(results.filter((r) => r === "TOO_MANY_ATTEMPTS")).toHaveLength(49);
    const subject = await subjectOf(w.tenantId, "both@example.com");
    const [secondRow] = await otpRows(w);
    expect(secondRow!.subject_key).toBe(subject);
    expect(await attemptsOf(secondRow!.id, subject)).toBe(1);
    expect(await addressRows(addressObject(subject), "otp_failures")).toBe(10);
  });
});

describe("a right verificationCode gives its attempts back", () => {
  it("after 4 wrong codes, right ones that meet a policy violation take nothing; the 5th wrong one locks the request", async () => {
    const w = await world("otp-refund");
    await setStrategy(w, "OTP", REPEATED_EMAILS);
    await createUser(w, "refund@example.com", "old password 1");
    const code = await otp(w, "refund@example.com");
    for (let i = 0; i < 4; i++) expect((await reset(w.token, { ...code, verificationCode: wrongCode(code.verificationCode), newPassword: GOOD })).body).toEqual({ result: "INVALID_CODE" });
    for (let i = 0; i < 3; i++) expect((await reset(w.token, { ...code, newPassword: "short" })).body.result).toBe("PASSWORD_POLICY_VIOLATION");
    const [row] = await otpRows(w);
    expect(await attemptsOf(row!.id, row!.subject_key)).toBe(4);
    expect(await addressRows(addressObject(row!.subject_key), "otp_failures")).toBe(4);
    expect((await reset(w.token, { ...code, verificationCode: wrongCode(code.verificationCode), newPassword: GOOD })).body).toEqual({ result: "INVALID_CODE" });
    expect((await reset(w.token, { ...code, newPassword: GOOD })).body).toEqual({ result: "TOO_MANY_ATTEMPTS" });
    expect(await attemptsOf(row!.id, row!.subject_key)).toBe(5);
  });
});

describe("the hosted OTP page reads the count where it now lives", () => {
  it("a request locked through the API ends the OTP page at its GET (Too many wrong codes), though reset_codes.attempts stays 0", async () => {
    const w = await world("otp-page");
    await setStrategy(w, "OTP", { ...REPEATED_EMAILS, otpMaxAttempts: 2 });
    await createUser(w, "page-locked@example.com", "old password 1");
    const code = await otp(w, "page-locked@example.com");
    const usable = new PageClient();
    expect((await usable.follow(await usable.get(`/reset-password/otp?requestCode=${code.requestCode}`))).html).toContain('autocomplete="one-time-code"');
    for (let i = 0; i < 2; i++) await reset(w.token, { ...code, verificationCode: wrongCode(code.verificationCode), newPassword: GOOD });
    const [row] = await otpRows(w);
    expect(row!.attempts).toBe(0);
    const browser = new PageClient();
    const page = await browser.follow(await browser.get(`/reset-password/otp?requestCode=${code.requestCode}`));
    expect(page.html).toContain("Too many wrong codes");
    expect(page.html).not.toContain('autocomplete="one-time-code"');
  });
});
