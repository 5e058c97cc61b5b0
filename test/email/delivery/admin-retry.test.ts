// POST /applications/{applicationId}/email-deliveries/{deliveryId}/retry: an admin sends a failed or
// dead email again as a new job (a new id, so new codes), which the real consumer delivers. The old
// delivery is claimed once, whatever the concurrency; a queue that refuses changes nothing.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { EmailJob } from "../../../src/email/message";
import { ADMIN, callJson } from "../../support/api";
import { waitForAuditEvents } from "../../support/audit";
import { HTTP_PROVIDER, providerInbox } from "../../support/email-provider";
import { DEAD_LETTER_QUEUE, consume, deliveryOf, recordingQueue, resetJob } from "../../support/email-queue";
import { type World, createUser, scopedToken, world } from "../../support/fixtures";
import { RESET, setStrategy } from "../../support/reset";

const retry = (w: World, deliveryId: string, opts: { token?: string; queue?: Queue } = {}) =>
  callJson("POST", `/api/v1/applications/${w.applicationId}/email-deliveries/${deliveryId}/retry`, {
    token: opts.token ?? w.token,
    ...(opts.queue ? { env: { EMAIL_QUEUE: opts.queue } } : {}),
  });

/** An EMAIL_QUEUE that refuses every message, as a queue outage would. */
const refusing = {
  send: () => Promise.reject(new Error("queue unavailable")),
  sendBatch: () => Promise.reject(new Error("queue unavailable")),
} as unknown as Queue;

/** A reset email whose only attempt failed and whose message the dead-letter queue then took. */
async function deadResetEmail(w: World, email: string): Promise<EmailJob> {
  await createUser(w, email);
  const job = await resetJob(w, email);
  await consume(job, { env: HTTP_PROVIDER });
  await consume(job, { env: HTTP_PROVIDER, queue: DEAD_LETTER_QUEUE });
  expect(await deliveryOf(w, job.id)).toMatchObject({ status: "dead" });
  return job;
}

function expectError(res: { status: number; body: unknown }, status: number, code: string) {
  expect(res.status).toBe(status);
  expect(res.body).toEqual({ type: "base_error", code, message: expect.any(String) });
}

describe("retrying an email delivery", () => {
  it("sends a dead reset email again as a new job whose new link works, linked both ways and audited without the address", async () => {
    const w = await world();
    const email = "flaky-retry@example.com";
    const dead = await deadResetEmail(w, email);

    const queue = recordingQueue(false);
    const res = await retry(w, dead.id, { queue: queue.binding });
    expect(res.status).toBe(202);
    expect(res.body).toEqual({ id: expect.stringMatching(/^[a-z0-9]{26}$/), retryOf: dead.id });
    expect(queue.jobs).toHaveLength(1);
    const job = queue.jobs[0]!;
    // The job as its delivery row kept it: the original request's audit event is not sent again.
    const { requested: _requested, ...kept } = dead as Extract<EmailJob, { kind: "PASSWORD_RESET" }>;
    expect(job).toEqual({ ...kept, id: res.body.id, retryOf: dead.id });
    expect(job.id).not.toBe(dead.id);

    // The real consumer delivers it; the provider now accepts this address.
    await consume(job, { env: HTTP_PROVIDER });
    expect(await deliveryOf(w, dead.id)).toMatchObject({ status: "retried", retriedAs: job.id });
    expect(await deliveryOf(w, job.id)).toMatchObject({ status: "sent", attempts: 1, to: email, retryOf: dead.id });
    const inbox = await providerInbox(email);
    expect(inbox.items).toHaveLength(1);
    const code = /emailAuthCode=([A-Za-z0-9_-]+)/.exec(inbox.items[0]!.text)![1];
    const reset = await callJson("POST", RESET, { token: w.token, body: { emailAuthCode: code, newPassword: "a brand new password" } });
    expect(reset.body.result).toBe("PASSWORD_UPDATED");

    const [event] = await waitForAuditEvents(w.applicationId, w.token, "email_delivery.retried");
    expect(event).toMatchObject({
      type: "email_delivery.retried",
      applicationId: w.applicationId,
      tenantId: w.tenantId,
      actor: { kind: "client", id: w.clientId },
      detail: { deliveryId: dead.id, retryDeliveryId: job.id, template: "PASSWORD_RESET_LINK" },
    });
    expect(JSON.stringify(event)).not.toContain(email);
  });

  it("queues exactly one job for 20 concurrent retries of one dead delivery; the others answer 409", async () => {
    const w = await world();
    const dead = await deadResetEmail(w, "down-concurrent@example.com");
    const queue = recordingQueue(false);
    const answers = await Promise.all(Array.from({ length: 20 }, () => retry(w, dead.id, { queue: queue.binding })));
    expect(answers.filter((a) => a.status === 202)).toHaveLength(1);
    for (const a of answers.filter((a) => a.status !== 202)) expectError(a, 409, "delivery_not_retryable");
    expect(queue.jobs).toHaveLength(1);
    expect(queue.jobs[0]!.id).toBe(answers.find((a) => a.status === 202)!.body.id);
  });

  it("answers 503 when the queue refuses, leaving the delivery dead and retryable, with no audit event", async () => {
    const w = await world();
    const dead = await deadResetEmail(w, "down-queue-refuses@example.com");
    expectError(await retry(w, dead.id, { queue: refusing }), 503, "service_unavailable");
    expect(await deliveryOf(w, dead.id)).toMatchObject({ status: "dead" });
    expect((await deliveryOf(w, dead.id)).retriedAs).toBeUndefined();

    const queue = recordingQueue(false);
    expect((await retry(w, dead.id, { queue: queue.binding })).status).toBe(202);
    expect(queue.jobs).toHaveLength(1);
    expect(await waitForAuditEvents(w.applicationId, w.token, "email_delivery.retried")).toHaveLength(1);
  });

  it("retries a failed delivery too, but not one under way, sent or already retried (409 delivery_not_retryable)", async () => {
    const w = await world();
    await createUser(w, "suppressed-retry@example.com");
    const failed = await resetJob(w, "suppressed-retry@example.com");
    await consume(failed, { env: HTTP_PROVIDER });
    expect(await deliveryOf(w, failed.id)).toMatchObject({ status: "failed" });

    await createUser(w, "down-under-way@example.com");
    const underWay = await resetJob(w, "down-under-way@example.com");
    await consume(underWay, { env: HTTP_PROVIDER });
    expect(await deliveryOf(w, underWay.id)).toMatchObject({ status: "retrying" });

    await createUser(w, "sent-retry@example.com");
    const sent = await resetJob(w, "sent-retry@example.com");
    await consume(sent, { env: HTTP_PROVIDER });
    expect(await deliveryOf(w, sent.id)).toMatchObject({ status: "sent" });

    const queue = recordingQueue(false);
    expect((await retry(w, failed.id, { queue: queue.binding })).status).toBe(202);
    for (const id of [underWay.id, sent.id, failed.id]) expectError(await retry(w, id, { queue: queue.binding }), 409, "delivery_not_retryable");
    expect(queue.jobs).toHaveLength(1);
  });

  it("refuses an OTP email with 409 otp_delivery_not_retryable", async () => {
    const w = await world();
    await setStrategy(w, "OTP");
    const dead = await deadResetEmail(w, "down-otp@example.com");
    expect(dead.template).toBe("PASSWORD_RESET_OTP");
    expectError(await retry(w, dead.id), 409, "otp_delivery_not_retryable");
    expect(await deliveryOf(w, dead.id)).toMatchObject({ status: "dead" });
  });

  it("refuses a delivery written before deliveries kept their job with 409 delivery_job_not_recorded", async () => {
    const w = await world();
    const id = "legacydelivery000000000001";
    await env.DB.prepare(
      "INSERT INTO email_deliveries (id, application_id, tenant_id, template, to_address, status, attempts, last_error, created_at, updated_at) VALUES (?, ?, ?, 'PASSWORD_RESET_LINK', 'legacy@example.com', 'dead', 6, 'http_503', ?, ?)",
    )
      .bind(id, w.applicationId, w.tenantId, Date.now(), Date.now())
      .run();
    const queue = recordingQueue(false);
    expectError(await retry(w, id, { queue: queue.binding }), 409, "delivery_job_not_recorded");
    expect(queue.jobs).toEqual([]);
    expect(await deliveryOf(w, id)).toMatchObject({ status: "dead" });
  });

  it("sends a dead Password Updated notice again", async () => {
    const w = await world();
    const email = "flaky-updated@example.com";
    const notice: EmailJob = {
      kind: "PASSWORD_UPDATED",
      template: "PASSWORD_UPDATED",
      id: "updatednotice0000000000001",
      applicationId: w.applicationId,
      tenantId: w.tenantId,
      to: email,
      loginUrl: "https://app.example.com/login",
      createdAt: Date.now(),
    };
    await consume(notice, { env: HTTP_PROVIDER });
    await consume(notice, { env: HTTP_PROVIDER, queue: DEAD_LETTER_QUEUE });
    expect(await deliveryOf(w, notice.id)).toMatchObject({ status: "dead", template: "PASSWORD_UPDATED" });

    const queue = recordingQueue(false);
    const res = await retry(w, notice.id, { queue: queue.binding });
    expect(res.status).toBe(202);
    expect(queue.jobs[0]).toEqual({ ...notice, id: res.body.id, retryOf: notice.id });
    await consume(queue.jobs[0]!, { env: HTTP_PROVIDER });
    expect(await deliveryOf(w, res.body.id)).toMatchObject({ status: "sent", template: "PASSWORD_UPDATED", retryOf: notice.id });
    const inbox = await providerInbox(email);
    expect(inbox.items).toHaveLength(1);
    expect(inbox.items[0]!.text).toContain("https://app.example.com/login");
  });

  it("answers 404 for an unknown delivery or another application's, and needs email-delivery:write (or the admin token)", async () => {
    const w = await world();
    const other = await world("other");
    const dead = await deadResetEmail(w, "down-boundary@example.com");
    expectError(await retry(w, "zzzzzzzzzzzzzzzzzzzzzzzzzz"), 404, "not_found");
    expectError(await retry(other, dead.id), 404, "not_found");
    expectError(await retry(w, dead.id, { token: await scopedToken(w, ["email-delivery:read"]) }), 403, "forbidden");
    expectError(await retry(w, dead.id, { token: await scopedToken(w, ["email-delivery:write"], w.tenantId) }), 403, "forbidden");
    expect(await deliveryOf(w, dead.id)).toMatchObject({ status: "dead" });

    const queue = recordingQueue(false);
    expect((await retry(w, dead.id, { token: ADMIN, queue: queue.binding })).status).toBe(202);
    const [event] = await waitForAuditEvents(w.applicationId, w.token, "email_delivery.retried");
    expect(event!.actor).toEqual({ kind: "admin" });
  });
});
