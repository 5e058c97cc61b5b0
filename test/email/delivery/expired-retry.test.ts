// A delivery retry re-issues the job's codes but keeps their first expiry (emailCodeInsert), so a
// retried email has less time left than the TTL: it must say how much is left, and a retry that
// comes after the codes expired (or with less than MIN_CODE_LIFETIME_SECONDS left) must not send a
// dead code: the job ends `failed`, `code_expired`, acked, counted like any other failure. A decoy
// (unknown address) is handled alike at the consumer: acked, nothing sent.
import { createExecutionContext, createMessageBatch, getQueueResult } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { EmailJob } from "../../../src/email/message";
import type { MetricPoint } from "../../../src/metrics/metrics";
import { consumeEmailBatch } from "../../../src/workflows/email-delivery/consumer";
import { MIN_CODE_LIFETIME_SECONDS } from "../../../src/workflows/email-delivery/prepare";
import { callJson } from "../../support/api";
import { HTTP_PROVIDER, providerInbox } from "../../support/email-provider";
import { EMAIL_QUEUE, consume, deliveryOf, recordingQueue } from "../../support/email-queue";
import { type World, clientToken, createUser, world } from "../../support/fixtures";
import { RESET, setStrategy } from "../../support/reset";

const MINUTE = 60_000;
const OTP_TTL = 15 * MINUTE;
const LINK_TTL = 60 * MINUTE;

const at = (t: number) => {
  vi.useFakeTimers({ toFake: ["Date"] });
  vi.setSystemTime(t);
};

afterEach(() => {
  vi.useRealTimers();
});

/** Requests a reset and returns its job (not sent on) and, under OTP, its requestCode. */
async function request(w: World, email: string): Promise<{ job: EmailJob; requestCode?: string }> {
  const queue = recordingQueue(false);
  const queued = await callJson("POST", "/api/v1/password-reset/request-password-reset", {
    token: w.token,
    body: { tenantId: w.tenantId, email },
    env: { EMAIL_QUEUE: queue.binding },
  });
  return { job: queue.jobs.at(-1)!, requestCode: queued.body.requestCode };
}

/** A job's attempt through the real consumer, with a metrics recorder. */
async function attempt(job: EmailJob, attempts: number) {
  const points: MetricPoint[] = [];
  const batch = createMessageBatch<EmailJob>(EMAIL_QUEUE, [{ id: `msg-${job.id}`, timestamp: Date.now(), attempts, body: job }]);
  const ctx = createExecutionContext();
  await consumeEmailBatch(batch, { ...env, ...HTTP_PROVIDER } as Env, { record: (p) => points.push(p) });
  return { result: await getQueueResult(batch, ctx), points };
}

describe("a retried reset email states the time its codes have left", () => {
  it.each([
    { strategy: "LINK", name: "a link email", retryAfterMinutes: 7.5, ttl: LINK_TTL, says: 52 },
    { strategy: "OTP", name: "an OTP email", retryAfterMinutes: 5.5, ttl: OTP_TTL, says: 9 },
  ] as const)("$name retried $retryAfterMinutes minutes after its first attempt says $says minutes, not the TTL's", async ({ strategy, retryAfterMinutes, ttl, says }) => {
    const w = await world(`retry-left-${strategy}`);
    await setStrategy(w, strategy);
    const email = `flaky-left-${strategy.toLowerCase()}@example.com`;
    await createUser(w, email);
    const { job } = await request(w, email);
    const t0 = Date.now();
    at(t0);
    expect((await consume(job, { env: HTTP_PROVIDER })).retryMessages).toHaveLength(1);
    at(t0 + retryAfterMinutes * MINUTE);
    expect((await consume(job, { env: HTTP_PROVIDER, attempts: 2 })).explicitAcks).toEqual([`msg-${job.id}`]);
    const [mail] = (await providerInbox(email)).items;
    expect(mail!.text).toContain(`for ${says} minutes`);
    expect(mail!.text).not.toContain(`for ${ttl / MINUTE} minutes`);
  });
});

describe("a retry that comes after the codes expired", () => {
  it("is not sent: the job ends failed with code_expired (listed so by the API), acked, counted as a failure", async () => {
    const w = await world("retry-expired");
    await setStrategy(w, "OTP");
    const email = "flaky-expired@example.com";
    await createUser(w, email);
    const { job } = await request(w, email);
    const t0 = Date.now();
    at(t0);
    expect((await consume(job, { env: HTTP_PROVIDER })).retryMessages).toHaveLength(1);

    // The 6th attempt with the default backoff: 30 + 60 + 120 + 240 + 480 s = 930 s after the first, past 15 minutes.
    at(t0 + 930_000);
    const { result, points } = await attempt(job, 6);
    expect(result.explicitAcks).toEqual([`msg-${job.id}`]);
    expect(result.retryMessages).toEqual([]);
    expect(points).toEqual([expect.objectContaining({ operation: "email", outcome: "failed", reason: "failed" })]);
    expect((await providerInbox(email)).items).toHaveLength(0);
    vi.useRealTimers();
    expect(await deliveryOf(w, job.id)).toMatchObject({ status: "failed", lastError: "code_expired", attempts: 6, nextAttemptAt: null });
  });

  it(`is not sent with less than MIN_CODE_LIFETIME_SECONDS (${MIN_CODE_LIFETIME_SECONDS}) left, and is sent with exactly that`, async () => {
    const w = await world("retry-minimum");
    await setStrategy(w, "OTP");
    const early = "flaky-minimum-short@example.com";
    const enough = "flaky-minimum-enough@example.com";
    await createUser(w, early);
    await createUser(w, enough);
    const short = (await request(w, early)).job;
    const t0 = Date.now();
    at(t0);
    expect((await consume(short, { env: HTTP_PROVIDER })).retryMessages).toHaveLength(1);
    at(t0 + OTP_TTL - MIN_CODE_LIFETIME_SECONDS * 1000 + 1);
    expect((await consume(short, { env: HTTP_PROVIDER, attempts: 2 })).explicitAcks).toEqual([`msg-${short.id}`]);
    expect((await providerInbox(early)).items).toHaveLength(0);

    vi.useRealTimers();
    const ok = (await request(w, enough)).job;
    const t1 = Date.now();
    at(t1);
    expect((await consume(ok, { env: HTTP_PROVIDER })).retryMessages).toHaveLength(1);
    at(t1 + OTP_TTL - MIN_CODE_LIFETIME_SECONDS * 1000);
    expect((await consume(ok, { env: HTTP_PROVIDER, attempts: 2 })).explicitAcks).toEqual([`msg-${ok.id}`]);
    expect((await providerInbox(enough)).items).toHaveLength(1);

    vi.useRealTimers();
    expect(await deliveryOf(w, short.id)).toMatchObject({ status: "failed", lastError: "code_expired" });
    expect(await deliveryOf(w, ok.id)).toMatchObject({ status: "sent" });
  });

  it("a decoy job (unknown address) is handled alike: acked, not retried, nothing sent, and its requestCode answers as the real one's", async () => {
    const w = await world("retry-expired-decoy");
    await setStrategy(w, "OTP");
    const known = "flaky-expired-known@example.com";
    const unknown = "flaky-expired-unknown@example.com";
    await createUser(w, known);
    const real = await request(w, known);
    const decoy = await request(w, unknown);
    const t0 = Date.now();
    at(t0);
    expect((await consume(real.job, { env: HTTP_PROVIDER })).retryMessages).toHaveLength(1);
    // A decoy's first attempt stores it and sends nothing; a retry comes only if that attempt failed.
    expect((await consume(decoy.job, { env: HTTP_PROVIDER })).explicitAcks).toEqual([`msg-${decoy.job.id}`]);

    at(t0 + 930_000);
    const retried = { real: await attempt(real.job, 6), decoy: await attempt(decoy.job, 6) };
    for (const [kind, { result }] of Object.entries(retried)) {
      const job = kind === "real" ? real.job : decoy.job;
      expect(result).toMatchObject({ explicitAcks: [`msg-${job.id}`], retryMessages: [] });
    }
    expect((await providerInbox(known)).items).toHaveLength(0);
    expect((await providerInbox(unknown)).items).toHaveLength(0);

    const token = await clientToken(w.clientId, w.clientSecret);
    const guess = (requestCode?: string) => callJson("POST", RESET, { token, body: { requestCode, verificationCode: "000000", newPassword: "a brand new password" } });
    const answers = { real: (await guess(real.requestCode)).body, decoy: (await guess(decoy.requestCode)).body };
    expect(answers.decoy).toEqual(answers.real);
    vi.useRealTimers();
    expect(await deliveryOf(w, real.job.id)).toMatchObject({ status: "failed", lastError: "code_expired" });
    // As documented for unknown addresses: not listed (the API says so), whatever became of the job.
    expect(await deliveryOf(w, decoy.job.id)).toBeUndefined();
  });
});
