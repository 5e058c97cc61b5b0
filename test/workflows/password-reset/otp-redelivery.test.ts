// A delivery retry re-issues an OTP request under the same id (the code is the job's). The address
// object keeps the request's attempt count until the expiry a guess told it; so a re-issue must
// never leave the code verifiable past that expiry, or the count would be forgotten while the code
// still works and a wrong guesser would get otpMaxAttempts more tries on it.
import { runDurableObjectAlarm } from "cloudflare:test";
import { afterEach, describe, expect, it, vi } from "vitest";
import { addressObject, otpAttemptsOf, subjectOf } from "../../support/address-object";
import { HTTP_PROVIDER, providerInbox } from "../../support/email-provider";
import { consume, recordingQueue } from "../../support/email-queue";
import { clientToken, createUser, world } from "../../support/fixtures";
import { databaseOfId } from "../../support/shards";
import { RESET, setStrategy } from "../../support/reset";
import { callJson } from "../../support/api";

const at = (t: number) => {
  vi.useFakeTimers({ toFake: ["Date"] });
  vi.setSystemTime(t);
};

afterEach(() => {
  vi.useRealTimers();
});

async function codeExpiry(codeId: string): Promise<number> {
  const row = await databaseOfId(codeId).prepare("SELECT expires_at FROM reset_codes WHERE id = ?").bind(codeId).first<{ expires_at: number }>();
  return row!.expires_at;
}

describe("an OTP request re-issued by a delivery retry", () => {
  it("keeps its attempt count for as long as the code can be verified: a wrong guess, a retry a minute later, then just before the code expires the count still holds (on access and after the alarm)", async () => {
    const w = await world("otp-redelivery");
    await setStrategy(w, "OTP", { otpMaxAttempts: 1 });
    const email = "flaky-redelivered@example.com";
    await createUser(w, email);
    const queue = recordingQueue(false);
    const requested = await callJson("POST", "/api/v1/password-reset/request-password-reset", {
      token: w.token,
      body: { tenantId: w.tenantId, email },
      env: { EMAIL_QUEUE: queue.binding, ...HTTP_PROVIDER },
    });
    const job = queue.jobs[0]!;
    const t0 = Date.now();
    at(t0);
    // The first attempt issues the request (the provider then fails: the job retries).
    expect((await consume(job, { env: HTTP_PROVIDER })).retryMessages).toHaveLength(1);
    const firstExpiry = await codeExpiry(job.id);
    const wrong = { requestCode: requested.body.requestCode, verificationCode: "000000", newPassword: "a brand new password" };
    expect((await callJson("POST", RESET, { token: w.token, body: wrong })).body.result).toBe("INVALID_CODE");
    const address = addressObject(await subjectOf(w.tenantId, email));
    expect(await otpAttemptsOf(address, job.id)).toBe(1);

    // The retry, a minute later, re-issues the same request and delivers it; no guess comes in between.
    at(t0 + 60_000);
    expect((await consume(job, { env: HTTP_PROVIDER, attempts: 2 })).explicitAcks).toHaveLength(1);
    expect((await providerInbox(email)).items).toHaveLength(1);
    const expiry = await codeExpiry(job.id);
    expect(expiry).toBeGreaterThanOrEqual(firstExpiry);

    // The last moment the code can still be verified: the earlier wrong guess is still counted.
    at(expiry - 1);
    await runDurableObjectAlarm(address);
    expect(await otpAttemptsOf(address, job.id)).toBe(1);
    const token = await clientToken(w.clientId, w.clientSecret); // the first one expired meanwhile
    expect((await callJson("POST", RESET, { token, body: wrong })).body).toEqual({ result: "TOO_MANY_ATTEMPTS" });
  });
});
