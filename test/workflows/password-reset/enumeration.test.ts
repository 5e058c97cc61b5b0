// Request Password Reset does not tell who has an account: an unknown or inactive email gets the
// same answer as an active user's, and under OTP a decoy requestCode that locks like a real one
// but can never succeed. Only active users receive mail.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { codeRowsOfTenant, createUserWithStatus, otpRequestCode, waitForCodeRows, wrongCode } from "../../support/codes";
import { callJson } from "../../support/api";
import { consume, recordingQueue } from "../../support/email-queue";
import { type World, createUser, world } from "../../support/fixtures";
import { mailbox, waitForMail } from "../../support/mailbox";
import { REPEATED_EMAILS, otp, requestReset, reset, setStrategy } from "../../support/reset";
import { serviceConfig } from "../../../src/config/service-config";
import { verificationHash } from "../../../src/workflows/password-reset/code-store";

const GOOD = "a new good password";
const REQUEST_CODE = /^[A-Za-z0-9_-]{22,}$/;

describe("the answer is the same for known and unknown emails", () => {
  it("LINK: exactly {emailVerificationStrategy: LINK} for both", async () => {
    const w = await world();
    await createUser(w, "known-link@example.com", "old password 1");
    const known = await requestReset(w, "known-link@example.com");
    const unknown = await requestReset(w, "unknown-link@example.com");
    expect(known.status).toBe(200);
    expect(unknown.status).toBe(200);
    expect(known.body).toEqual({ emailVerificationStrategy: "LINK" });
    expect(unknown.body).toEqual({ emailVerificationStrategy: "LINK" });
    expect(unknown.res.headers.get("Content-Type")).toBe(known.res.headers.get("Content-Type"));
  });

  it("OTP: {emailVerificationStrategy: OTP, requestCode} for both, requestCodes of one length and alphabet", async () => {
    const w = await world();
    await setStrategy(w, "OTP");
    await createUser(w, "known-otp@example.com", "old password 1");
    const known = await requestReset(w, "known-otp@example.com");
    const unknown = await requestReset(w, "unknown-otp@example.com");
    expect(known.status).toBe(200);
    expect(unknown.status).toBe(200);
    expect(known.body).toEqual({ emailVerificationStrategy: "OTP", requestCode: expect.stringMatching(REQUEST_CODE) });
    expect(unknown.body).toEqual({ emailVerificationStrategy: "OTP", requestCode: expect.stringMatching(REQUEST_CODE) });
    expect(unknown.body.requestCode).toHaveLength(known.body.requestCode.length);
    expect(unknown.body.requestCode).not.toBe(known.body.requestCode);
  });
});

describe("an unknown email's OTP requestCode", () => {
  it("never succeeds: any verificationCode is INVALID_CODE", async () => {
    const w = await world();
    await setStrategy(w, "OTP");
    const requestCode = await otpRequestCode(w, "decoy@example.com");
    await waitForCodeRows(w.tenantId, 1);
    for (const verificationCode of ["000000", "123456", "999999"]) {
      expect((await reset(w.token, { requestCode, verificationCode, newPassword: GOOD })).body).toEqual({ result: "INVALID_CODE" });
    }
  });

  it("never succeeds even with the verificationCode it was stored with", async () => {
    const w = await world();
    await setStrategy(w, "OTP");
    const requestCode = await otpRequestCode(w, "decoy-known@example.com");
    const [row] = await waitForCodeRows(w.tenantId, 1);
    expect(row!.user_id).toBeNull();
    // Give the decoy a verificationCode the test knows, as if the guesser had hit the right one.
    const hash = await verificationHash((await serviceConfig(env)).secretHashKeys, row!.id, "424242");
    await env.DB.prepare("UPDATE reset_codes SET verification_hash = ? WHERE id = ?").bind(hash, row!.id).run();
    expect((await reset(w.token, { requestCode, verificationCode: "424242", newPassword: GOOD })).body).toEqual({ result: "INVALID_CODE" });
  });

  it("locks after 5 wrong guesses like a real one: TOO_MANY_ATTEMPTS on the 6th", async () => {
    const w = await world();
    await setStrategy(w, "OTP");
    await createUser(w, "real-lock@example.com", "old password 1");
    const real = await otp(w, "real-lock@example.com");
    const decoy = await otpRequestCode(w, "decoy-lock@example.com");
    await waitForCodeRows(w.tenantId, 2, "EMAIL_OTP");
    const guess = wrongCode(real.verificationCode);
    const seen = { real: [] as string[], decoy: [] as string[] };
    for (let i = 0; i < 6; i++) {
      seen.real.push((await reset(w.token, { requestCode: real.requestCode, verificationCode: guess, newPassword: GOOD })).body.result);
      seen.decoy.push((await reset(w.token, { requestCode: decoy, verificationCode: guess, newPassword: GOOD })).body.result);
    }
    const expected = [...Array(5).fill("INVALID_CODE"), "TOO_MANY_ATTEMPTS"];
    expect(seen.real).toEqual(expected);
    expect(seen.decoy).toEqual(expected);
  });
});

describe("a newer request for the same email", () => {
  it("treats the earlier requestCode alike for unknown and known emails", async () => {
    const w = await world();
    await setStrategy(w, "OTP", REPEATED_EMAILS);
    await createUser(w, "real-twice@example.com", "old password 1");
    const realFirst = await otp(w, "real-twice@example.com", 1);
    await otp(w, "real-twice@example.com", 2);
    const decoyFirst = await otpRequestCode(w, "decoy-twice@example.com");
    await otpRequestCode(w, "decoy-twice@example.com");
    await waitForCodeRows(w.tenantId, 4, "EMAIL_OTP");
    // Six wrong guesses on each earlier requestCode: whatever the answers are, they must not differ,
    // or an attacker learns that an account exists by asking twice and guessing on the first code.
    const guess = wrongCode(realFirst.verificationCode);
    const seen = { real: [] as string[], decoy: [] as string[] };
    for (let i = 0; i < 6; i++) {
      seen.real.push((await reset(w.token, { requestCode: realFirst.requestCode, verificationCode: guess, newPassword: GOOD })).body.result);
      seen.decoy.push((await reset(w.token, { requestCode: decoyFirst, verificationCode: guess, newPassword: GOOD })).body.result);
    }
    expect(seen.decoy).toEqual(seen.real);
  });
});

/**
 * Requests a reset for `email` and hands its job to the real consumer directly, returning once the
 * consumer has acknowledged it: whatever it would send for this job is sent by then, so an empty
 * mailbox afterwards means nothing was sent, not that nothing was sent yet.
 */
async function consumedRequest(w: World, email: string) {
  const queue = recordingQueue(false);
  const res = await callJson("POST", "/api/v1/password-reset/request-password-reset", {
    token: w.token,
    body: { tenantId: w.tenantId, email },
    env: { EMAIL_QUEUE: queue.binding },
  });
  expect(queue.jobs).toHaveLength(1);
  const job = queue.jobs[0]!;
  const result = await consume(job);
  expect(result.explicitAcks).toEqual([`msg-${job.id}`]);
  expect(result.retryMessages).toEqual([]);
  return { answer: res.body, job };
}

describe("who receives mail", () => {
  it("no mail is sent to an unknown address (LINK)", async () => {
    const w = await world();
    await createUser(w, "witness-link@example.com", "old password 1");
    await requestReset(w, "nobody-link@example.com");
    // A later request of a real user: once its mail is in, the earlier one's work is done.
    await requestReset(w, "witness-link@example.com");
    await waitForMail("witness-link@example.com", "PASSWORD_RESET_LINK");
    expect(await mailbox("nobody-link@example.com")).toEqual([]);
  });

  it("no mail is sent to an unknown address (OTP), though its decoy is stored", async () => {
    const w = await world();
    await setStrategy(w, "OTP");
    const { job } = await consumedRequest(w, "nobody-otp@example.com");
    const rows = await codeRowsOfTenant(w.tenantId);
    expect(rows.map((r) => [r.id, r.kind, r.user_id])).toEqual([[job.id, "EMAIL_OTP", null]]);
    expect(await mailbox("nobody-otp@example.com")).toEqual([]);
  });

  it("an inactive user gets the same answer and no email (LINK)", async () => {
    const w = await world();
    await createUserWithStatus(w, "inactive-link@example.com", "INACTIVE", "old password 1");
    await createUser(w, "witness-inactive@example.com", "old password 1");
    const res = await requestReset(w, "inactive-link@example.com");
    expect(res.body).toEqual({ emailVerificationStrategy: "LINK" });
    await requestReset(w, "witness-inactive@example.com");
    await waitForMail("witness-inactive@example.com", "PASSWORD_RESET_LINK");
    expect(await mailbox("inactive-link@example.com")).toEqual([]);
  });

  it("an inactive user gets a decoy requestCode and no email (OTP)", async () => {
    const w = await world();
    await setStrategy(w, "OTP");
    await createUserWithStatus(w, "inactive-otp@example.com", "INACTIVE", "old password 1");
    const { answer, job } = await consumedRequest(w, "inactive-otp@example.com");
    expect(answer).toEqual({ emailVerificationStrategy: "OTP", requestCode: expect.stringMatching(REQUEST_CODE) });
    const rows = await codeRowsOfTenant(w.tenantId);
    expect(rows.map((r) => [r.id, r.kind, r.user_id])).toEqual([[job.id, "EMAIL_OTP", null]]);
    expect(await mailbox("inactive-otp@example.com")).toEqual([]);
  });

  it("an active user with a differently cased email gets the mail", async () => {
    const w = await world();
    await createUser(w, "cased@example.com", "old password 1");
    expect((await requestReset(w, "CASED@Example.com")).body).toEqual({ emailVerificationStrategy: "LINK" });
    await waitForMail("cased@example.com", "PASSWORD_RESET_LINK");
  });
});
