// The email queue's consumer against a real HTTP provider (the host-app Worker): failures retry
// with exponential backoff until delivered, a permanent error stops at once, and a job that never
// gets through ends in the dead-letter queue as `dead`. Each outcome is recorded.
import { describe, expect, it } from "vitest";
import { callJson } from "../../support/api";
import { HTTP_PROVIDER, providerInbox } from "../../support/email-provider";
import { DEAD_LETTER_QUEUE, consume, deliveryOf, recordingQueue, resetJob } from "../../support/email-queue";
import { createUser, world } from "../../support/fixtures";
import { RESET, setStrategy } from "../../support/reset";

describe("the email queue consumer", () => {
  it("retries a provider failure with backoff, then delivers, and records each step", async () => {
    const w = await world();
    const email = "flaky-once@example.com";
    await createUser(w, email);
    const job = await resetJob(w, email);

    const before = Date.now();
    const first = await consume(job, { env: HTTP_PROVIDER });
    expect(first.retryMessages).toEqual([{ msgId: `msg-${job.id}` }]);
    expect(first.explicitAcks).toEqual([]);
    const retrying = await deliveryOf(w, job.id);
    expect(retrying).toMatchObject({ template: "PASSWORD_RESET_LINK", to: email, status: "retrying", attempts: 1, lastError: "http_503" });
    expect(Date.parse(retrying.nextAttemptAt) - before).toBeGreaterThanOrEqual(30_000);

    const second = await consume(job, { env: HTTP_PROVIDER, attempts: 2 });
    expect(second.explicitAcks).toEqual([`msg-${job.id}`]);
    expect(second.retryMessages).toEqual([]);
    expect(await deliveryOf(w, job.id)).toMatchObject({ status: "sent", attempts: 2, lastError: null, nextAttemptAt: null, provider: "http" });

    const inbox = await providerInbox(email);
    expect(inbox.requests).toBe(2);
    expect(inbox.items).toHaveLength(1);
    const mail = inbox.items[0]!;
    expect(mail.from).toBe('"acme" <no-reply@reset.example>');
    const code = /emailAuthCode=([A-Za-z0-9_-]+)/.exec(mail.text)![1];
    const reset = await callJson("POST", RESET, { token: w.token, body: { emailAuthCode: code, newPassword: "a brand new password" } });
    expect(reset.body.result).toBe("PASSWORD_UPDATED");
  });

  it("doubles the delay after each failure", async () => {
    const w = await world();
    await createUser(w, "down-backoff@example.com");
    const job = await resetJob(w, "down-backoff@example.com");
    const delays: number[] = [];
    for (let attempts = 1; attempts <= 4; attempts++) {
      await consume(job, { env: HTTP_PROVIDER, attempts });
      const d = await deliveryOf(w, job.id);
      delays.push(Math.round((Date.parse(d.nextAttemptAt) - Date.parse(d.updatedAt)) / 1000));
    }
    expect(delays).toEqual([30, 60, 120, 240]);
  });

  it("stops at once on a permanent provider error, recording it as failed", async () => {
    const w = await world();
    const email = "suppressed-recipient@example.com";
    await createUser(w, email);
    const job = await resetJob(w, email);
    const result = await consume(job, { env: HTTP_PROVIDER });
    expect(result.explicitAcks).toEqual([`msg-${job.id}`]);
    expect(result.retryMessages).toEqual([]);
    expect(await deliveryOf(w, job.id)).toMatchObject({ status: "failed", attempts: 1, lastError: "http_422" });

    // Delivered again by the queue (at least once), it is not sent again.
    await consume(job, { env: HTTP_PROVIDER, attempts: 2 });
    expect((await providerInbox(email)).requests).toBe(1);
  });

  it("leaves a provider that always fails to the dead-letter queue, which records it as dead", async () => {
    const w = await world();
    const email = "down-always@example.com";
    await createUser(w, email);
    const job = await resetJob(w, email);
    // max_retries = 5: the first delivery and five retries, each handed back for a retry.
    for (let attempts = 1; attempts <= 6; attempts++) {
      const result = await consume(job, { env: HTTP_PROVIDER, attempts });
      expect(result.retryMessages).toHaveLength(1);
      expect(await deliveryOf(w, job.id)).toMatchObject({ status: "retrying", attempts, lastError: "http_503" });
    }
    const dead = await consume(job, { env: HTTP_PROVIDER, queue: DEAD_LETTER_QUEUE });
    expect(dead.explicitAcks).toEqual([`msg-${job.id}`]);
    expect(await deliveryOf(w, job.id)).toMatchObject({ status: "dead", attempts: 6, lastError: "http_503" });
    expect((await providerInbox(email)).items).toEqual([]);
  });

  it("sends a job once when the queue delivers it twice", async () => {
    const w = await world();
    const email = "twice-delivered@example.com";
    await createUser(w, email);
    const job = await resetJob(w, email);
    await consume(job, { env: HTTP_PROVIDER });
    await consume(job, { env: HTTP_PROVIDER, attempts: 2 });
    expect((await providerInbox(email)).items).toHaveLength(1);
    expect(await deliveryOf(w, job.id)).toMatchObject({ status: "sent", attempts: 1 });
  });

  it("keeps the caller's requestCode across a retried OTP delivery: the delivered code works with it", async () => {
    const w = await world();
    await setStrategy(w, "OTP");
    const email = "flaky-otp@example.com";
    await createUser(w, email);
    const queue = recordingQueue(false);
    const res = await callJson("POST", "/api/v1/password-reset/request-password-reset", {
      token: w.token,
      body: { tenantId: w.tenantId, email },
      env: { EMAIL_QUEUE: queue.binding, ...HTTP_PROVIDER },
    });
    const job = queue.jobs[0]!;
    await consume(job, { env: HTTP_PROVIDER });
    await consume(job, { env: HTTP_PROVIDER, attempts: 2 });
    const [mail] = (await providerInbox(email)).items;
    const verificationCode = /verification code is: (\d+)/.exec(mail!.text)![1];
    const reset = await callJson("POST", RESET, { token: w.token, body: { requestCode: res.body.requestCode, verificationCode, newPassword: "a brand new password" } });
    expect(reset.body.result).toBe("PASSWORD_UPDATED");
  });

  it("sends nothing to an unknown email and records no delivery, but its OTP requestCode still locks", async () => {
    const w = await world();
    await setStrategy(w, "OTP", { otpMaxAttempts: 1 });
    const queue = recordingQueue(false);
    const res = await callJson("POST", "/api/v1/password-reset/request-password-reset", {
      token: w.token,
      body: { tenantId: w.tenantId, email: "nobody-here@example.com" },
      env: { EMAIL_QUEUE: queue.binding },
    });
    const result = await consume(queue.jobs[0]!, { env: HTTP_PROVIDER });
    expect(result.explicitAcks).toHaveLength(1);
    expect((await providerInbox("nobody-here@example.com")).requests).toBe(0);
    expect(await deliveryOf(w, queue.jobs[0]!.id)).toBeUndefined();
    const guess = { requestCode: res.body.requestCode, verificationCode: "000000", newPassword: "a brand new password" };
    expect((await callJson("POST", RESET, { token: w.token, body: guess })).body.result).toBe("INVALID_CODE");
    expect((await callJson("POST", RESET, { token: w.token, body: guess })).body.result).toBe("TOO_MANY_ATTEMPTS");
  });
});
