// A retry of a job the provider already accepted (the consumer died, or D1 failed, before it could
// record `sent`) must neither send a second email nor kill the link of the first. The HTTP provider
// gets the job's id as its Idempotency-Key; the send_email binding has no such header, so the
// codes of a job are derived from its id: a retry carries the same live link (the development
// mailbox, which keeps every send, stands for the binding here).
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { PasswordResetJob } from "../../../src/email/message";
import { HTTP_PROVIDER, providerInbox } from "../../support/email-provider";
import { consume, deliveryOf, recordingQueue, resetJob } from "../../support/email-queue";
import { createUser, world } from "../../support/fixtures";
import { callJson } from "../../support/api";
import { emailAuthCodeOf, mailbox, verificationCodeOf } from "../../support/mailbox";
import { RESET, reset, setStrategy } from "../../support/reset";

/** As if recording `sent` had failed after the provider took the mail: the queue will redeliver. */
async function loseSentRecord(jobId: string): Promise<void> {
  // On whichever database holds the row: its shard (src/shards), or DB for a job from before them.
  for (const db of [env.DB, env.DB_SHARD_0, env.DB_SHARD_1]) await db.prepare("UPDATE email_deliveries SET status = 'sending' WHERE id = ?").bind(jobId).run();
}

describe("a retry of a delivered email job", () => {
  it("http: sends once (the job id is the Idempotency-Key) and the delivered link still works", async () => {
    const w = await world();
    const email = "accepted-once@example.com";
    await createUser(w, email);
    const job = await resetJob(w, email);
    await consume(job, { env: HTTP_PROVIDER });
    await loseSentRecord(job.id);
    const retry = await consume(job, { env: HTTP_PROVIDER, attempts: 2 });
    expect(retry.explicitAcks).toEqual([`msg-${job.id}`]);

    const inbox = await providerInbox(email);
    expect(inbox.requests).toBe(2);
    expect(inbox.items).toHaveLength(1);
    expect(inbox.items[0]).toMatchObject({ idempotencyKey: job.id });
    expect(await deliveryOf(w, job.id)).toMatchObject({ status: "sent", attempts: 2 });
    const code = /emailAuthCode=([A-Za-z0-9_-]+)/.exec(inbox.items[0]!.text)![1];
    const res = await callJson("POST", RESET, { token: w.token, body: { emailAuthCode: code, newPassword: "a brand new password" } });
    expect(res.body.result).toBe("PASSWORD_UPDATED");
  });

  it("without an idempotency key (send_email, dev mailbox): a duplicate carries the same link, which stays alive", async () => {
    const w = await world();
    const email = "sent-twice@example.com";
    await createUser(w, email);
    const job = await resetJob(w, email);
    await consume(job);
    await loseSentRecord(job.id);
    await consume(job, { attempts: 2 });
    const mails = await mailbox(email);
    expect(mails).toHaveLength(2);
    expect(emailAuthCodeOf(mails[0]!)).toBe(emailAuthCodeOf(mails[1]!));
    expect((await reset(w.token, { emailAuthCode: emailAuthCodeOf(mails[1]!), newPassword: "a brand new password" })).body.result).toBe("PASSWORD_UPDATED");
  });

  it("OTP: a retry re-sends the same verification code, which works with the caller's requestCode", async () => {
    const w = await world();
    await setStrategy(w, "OTP");
    const email = "otp-sent-twice@example.com";
    await createUser(w, email);
    const queue = recordingQueue(false);
    const res = await callJson("POST", "/api/v1/password-reset/request-password-reset", { token: w.token, body: { tenantId: w.tenantId, email }, env: { EMAIL_QUEUE: queue.binding } });
    const job = queue.jobs[0] as PasswordResetJob;
    await consume(job);
    await loseSentRecord(job.id);
    await consume(job, { attempts: 2 });
    const mails = await mailbox(email);
    expect(mails).toHaveLength(2);
    expect(verificationCodeOf(mails[0]!)).toBe(verificationCodeOf(mails[1]!));
    const body = { requestCode: res.body.requestCode, verificationCode: verificationCodeOf(mails[1]!), newPassword: "a brand new password" };
    expect((await reset(w.token, body)).body.result).toBe("PASSWORD_UPDATED");
  });

  it("two jobs get different codes", async () => {
    const w = await world();
    await setStrategy(w, "LINK", { resetEmailCooldownSeconds: 0 });
    const email = "two-jobs@example.com";
    await createUser(w, email);
    await consume(await resetJob(w, email));
    await consume(await resetJob(w, email));
    const mails = await mailbox(email);
    expect(mails).toHaveLength(2);
    expect(emailAuthCodeOf(mails[0]!)).not.toBe(emailAuthCodeOf(mails[1]!));
  });
});
