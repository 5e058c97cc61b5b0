// The consumer delivers a batch's jobs together: each job's reads and sends run concurrently, and
// every job's attempt and codes are written in one D1 batch. Each message still ends as it would
// alone (consumer.test.ts has those outcomes one message at a time), and the D1 writes of a batch
// take the same two round trips whatever its size.
import { createExecutionContext, createMessageBatch, getQueueResult } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import worker from "../../../src/index";
import type { EmailJob } from "../../../src/email/message";
import { callJson } from "../../support/api";
import { HTTP_PROVIDER, providerInbox } from "../../support/email-provider";
import { EMAIL_QUEUE, deliveryOf, recordingQueue, resetJob } from "../../support/email-queue";
import { countingD1 } from "../../support/d1-round-trips";
import { type World, createUser, world } from "../../support/fixtures";
import { REPEATED_EMAILS, RESET, setStrategy } from "../../support/reset";

/** One D1 round trip: the statements of a batch, or one statement run on its own, and the database it went to. */
type RoundTrip = string[] & { database?: string };

/** The directory database and the shards, each counting its round trips into `trips`. */
function countingDatabases(trips: RoundTrip[]): Partial<Env> {
  const counted = (name: "DB" | "DB_SHARD_0" | "DB_SHARD_1") => countingD1(env[name], (sql) => trips.push(Object.assign(sql, { database: name })));
  return { DB: counted("DB"), DB_SHARD_0: counted("DB_SHARD_0"), DB_SHARD_1: counted("DB_SHARD_1") };
}

interface Delivered {
  job: EmailJob;
  attempts?: number;
}

/** Hands the jobs to the consumer as one batch, in order; answers what it acked and retried, and D1's round trips. */
async function consumeBatch(messages: Delivered[], extra: Partial<Env> = {}) {
  const batch = createMessageBatch<EmailJob>(
    EMAIL_QUEUE,
    messages.map((m, i) => ({ id: `msg-${i}-${m.job.id}`, timestamp: Date.now(), attempts: m.attempts ?? 1, body: m.job })),
  );
  const trips: RoundTrip[] = [];
  const ctx = createExecutionContext();
  await worker.queue(batch, { ...env, ...HTTP_PROVIDER, ...extra, ...countingDatabases(trips) } as Env);
  return { ...(await getQueueResult(batch, ctx)), trips };
}

/** Requests an OTP reset; answers the job it queued and the caller's requestCode. */
async function otpJob(w: World, email: string): Promise<{ job: EmailJob; requestCode: string }> {
  const queue = recordingQueue(false);
  const res = await callJson("POST", "/api/v1/password-reset/request-password-reset", { token: w.token, body: { tenantId: w.tenantId, email }, env: { EMAIL_QUEUE: queue.binding } });
  if (res.status !== 200 || queue.jobs.length !== 1) throw new Error(`request: ${res.status}, ${queue.jobs.length} jobs`);
  return { job: queue.jobs[0]!, requestCode: res.body.requestCode };
}

const WRITE = /^\s*(insert|update|delete|replace)\b/i;
const CODE_INSERT = /^\s*insert into "reset_codes"/i;
const writeTrips = (trips: RoundTrip[]) => trips.filter((t) => t.some((s) => WRITE.test(s)));
/** Write round trips per database. */
const writeTripsPer = (trips: RoundTrip[]) => writeTrips(trips).reduce((m, t) => m.set(t.database!, (m.get(t.database!) ?? 0) + 1), new Map<string, number>());

async function resetWith(w: World, body: Record<string, unknown>) {
  return (await callJson("POST", RESET, { token: w.token, body: { ...body, newPassword: "a brand new password" } })).body.result;
}

describe("the consumer delivers a batch's jobs together", () => {
  it("gives each message of a mixed batch the outcome it has alone: sent, unknown (with its OTP decoy), permanent failure, retry, duplicate", async () => {
    const link = await world("batch-link");
    const otp = await world("batch-otp");
    await setStrategy(otp, "OTP", { ...REPEATED_EMAILS, otpMaxAttempts: 1 });
    for (const email of ["batch-known@example.com", "suppressed-batch@example.com", "down-batch@example.com"]) await createUser(link, email);
    await createUser(otp, "batch-otp-known@example.com");

    const known = await resetJob(link, "batch-known@example.com");
    const unknownLink = await resetJob(link, "batch-nobody@example.com");
    const suppressed = await resetJob(link, "suppressed-batch@example.com");
    const down = await resetJob(link, "down-batch@example.com");
    const knownOtp = await otpJob(otp, "batch-otp-known@example.com");
    const unknownOtp = await otpJob(otp, "batch-otp-nobody@example.com");

    const result = await consumeBatch([
      { job: known },
      { job: unknownLink },
      { job: suppressed },
      { job: down, attempts: 2 },
      { job: knownOtp.job },
      { job: unknownOtp.job },
      { job: known }, // the queue handed this job over twice
    ]);

    // Acked: all but the provider outage, which retries with the backoff of its second attempt.
    expect(result.retryMessages).toEqual([{ msgId: `msg-3-${down.id}` }]);
    expect([...result.explicitAcks].sort()).toEqual(
      [`msg-0-${known.id}`, `msg-1-${unknownLink.id}`, `msg-2-${suppressed.id}`, `msg-4-${knownOtp.job.id}`, `msg-5-${unknownOtp.job.id}`, `msg-6-${known.id}`].sort(),
    );

    expect(await deliveryOf(link, known.id)).toMatchObject({ status: "sent", attempts: 1, lastError: null, provider: "http" });
    expect(await deliveryOf(link, unknownLink.id)).toBeUndefined();
    expect(await deliveryOf(link, suppressed.id)).toMatchObject({ status: "failed", attempts: 1, lastError: "http_422" });
    const retrying = await deliveryOf(link, down.id);
    expect(retrying).toMatchObject({ status: "retrying", attempts: 2, lastError: "http_503" });
    expect(Math.round((Date.parse(retrying.nextAttemptAt) - Date.parse(retrying.updatedAt)) / 1000)).toBe(60);
    expect(await deliveryOf(otp, knownOtp.job.id)).toMatchObject({ status: "sent", attempts: 1 });
    expect(await deliveryOf(otp, unknownOtp.job.id)).toBeUndefined();

    // The duplicate sent nothing more; the unknown addresses got nothing.
    const inbox = await providerInbox("batch-known@example.com");
    expect(inbox.items).toHaveLength(1);
    expect((await providerInbox("batch-nobody@example.com")).requests).toBe(0);
    expect((await providerInbox("batch-otp-nobody@example.com")).requests).toBe(0);

    // The codes the batch issued work: the link, and the OTP with its caller's requestCode.
    const emailAuthCode = /emailAuthCode=([A-Za-z0-9_-]+)/.exec(inbox.items[0]!.text)![1];
    expect(await resetWith(link, { emailAuthCode })).toBe("PASSWORD_UPDATED");
    const [otpMail] = (await providerInbox("batch-otp-known@example.com")).items;
    const verificationCode = /verification code is: (\d+)/.exec(otpMail!.text)![1];
    expect(await resetWith(otp, { requestCode: knownOtp.requestCode, verificationCode })).toBe("PASSWORD_UPDATED");

    // The unknown OTP address's decoy was stored: its requestCode locks like a real one.
    const guess = { requestCode: unknownOtp.requestCode, verificationCode: "000000" };
    expect(await resetWith(otp, guess)).toBe("INVALID_CODE");
    expect(await resetWith(otp, guess)).toBe("TOO_MANY_ATTEMPTS");
  });

  it("keeps request order between two jobs of one address in a batch: a newer request supersedes an older one, never the reverse", async () => {
    const w = await world("batch-order");
    await setStrategy(w, "LINK", REPEATED_EMAILS);
    await createUser(w, "batch-twice@example.com");
    const older = await resetJob(w, "batch-twice@example.com");
    const newer = await resetJob(w, "batch-twice@example.com");

    // The newer job first: the older one then finds a newer request and issues nothing.
    const result = await consumeBatch([{ job: newer }, { job: older }]);
    expect(result.retryMessages).toEqual([]);
    expect(await deliveryOf(w, newer.id)).toMatchObject({ status: "sent" });
    expect(await deliveryOf(w, older.id)).toMatchObject({ status: "failed", lastError: "superseded_by_newer_request" });
    const { items } = await providerInbox("batch-twice@example.com");
    expect(items).toHaveLength(1);
    const emailAuthCode = /emailAuthCode=([A-Za-z0-9_-]+)/.exec(items[0]!.text)![1];
    expect(await resetWith(w, { emailAuthCode })).toBe("PASSWORD_UPDATED");
  });

  it("writes the codes of a batch of 10 in one D1 batch: at most two D1 write round trips per database for 10 jobs, as for 1", async () => {
    const w = await world("batch-ten");
    const emails = Array.from({ length: 11 }, (_, i) => `batch-ten-${i}@example.com`);
    for (const email of emails) await createUser(w, email);
    const jobs = [];
    for (const email of emails) jobs.push(await resetJob(w, email));

    const one = await consumeBatch([{ job: jobs[0]! }]);
    const ten = await consumeBatch(jobs.slice(1).map((job) => ({ job })));
    expect(ten.explicitAcks).toHaveLength(10);
    for (const job of jobs) expect(await deliveryOf(w, job.id)).toMatchObject({ status: "sent" });

    // Each job's codes go to its shard with its attempt (src/shards): one code trip per shard, all ten codes in them.
    const codeTrips = ten.trips.filter((t) => t.some((s) => CODE_INSERT.test(s)));
    const shardsOfJobs = new Set(jobs.slice(1).map((j) => `DB_SHARD_${parseInt(j.id.slice(0, 2), 36)}`));
    expect(codeTrips.map((t) => t.database).sort()).toEqual([...shardsOfJobs].sort());
    expect(codeTrips.flatMap((t) => t.filter((s) => CODE_INSERT.test(s)))).toHaveLength(10);
    for (const t of codeTrips) expect(t.filter((s) => /^\s*insert into "email_deliveries"/i.test(s)).length).toBe(t.filter((s) => CODE_INSERT.test(s)).length);
    for (const per of [writeTripsPer(one.trips), writeTripsPer(ten.trips)]) {
      expect(per.get("DB")).toBeUndefined();
      for (const [database, count] of per) expect([database, count]).toEqual([database, 2]);
    }

  });
});
