// Issue 19 (capacity): the consumer looks a batch's users up by email together, one D1 batch per
// database at the replica, instead of one read per job; every job's address is read in every place
// it may be, known or not, so the reads do not tell who is known. Each message still ends as it would
// alone (batch.test.ts), and D1 calls per message are measured for a batch of 1 and of 6.
import { createExecutionContext, createMessageBatch, getQueueResult } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import worker from "../../../src/index";
import type { EmailJob } from "../../../src/email/message";
import { countingD1, watchedD1 } from "../../support/d1-round-trips";
import { createUserWithStatus } from "../../support/codes";
import { EMAIL_QUEUE, deliveryOf, resetJob } from "../../support/email-queue";
import { createUser, world } from "../../support/fixtures";
import { mailbox } from "../../support/mailbox";
import { REPEATED_EMAILS, setStrategy } from "../../support/reset";
import { emailsOn } from "../../support/shards";

/** One D1 round trip: its statements and the binding it went to. */
interface Trip {
  sql: string[];
  database: string;
}

/** Hands the jobs to the consumer as one batch; answers what it acked and retried, and every D1 round trip. `unreadable`: a database whose user reads fail. */
async function consumeBatch(jobs: EmailJob[], unreadable?: "DB_SHARD_0" | "DB_SHARD_1") {
  const batch = createMessageBatch<EmailJob>(EMAIL_QUEUE, jobs.map((job, i) => ({ id: `msg-${i}-${job.id}`, timestamp: Date.now(), attempts: 1, body: job })));
  const trips: Trip[] = [];
  // The development mailbox (the provider here) writes to DB; a provider's calls are not D1's.
  const counted = (database: "DB" | "DB_SHARD_0" | "DB_SHARD_1") => {
    const real = database === unreadable ? watchedD1(env[database], (sql, run) => (sql.some(readsUser) ? Promise.reject(new Error("D1_ERROR: unreachable")) : run())) : env[database];
    return countingD1(real, (sql) => sql.some((q) => /^\s*insert into "dev_mailbox"/i.test(q)) || trips.push({ sql, database }));
  };
  const ctx = createExecutionContext();
  await worker.queue(batch, { ...env, DB: counted("DB"), DB_SHARD_0: counted("DB_SHARD_0"), DB_SHARD_1: counted("DB_SHARD_1") } as Env);
  return { ...(await getQueueResult(batch, ctx)), trips };
}

const readsUser = (q: string) => /^\s*select\b[\s\S]*\bfrom "users"/i.test(q);
const readsUsers = (t: Trip) => t.sql.some(readsUser);
/** The user lookups of a batch: per round trip, its database and how many addresses it read. */
const lookups = (trips: Trip[]) => trips.filter(readsUsers).map((t) => `${t.database} × ${t.sql.length}`).sort();

describe("the consumer looks up a batch's users together", () => {
  it("a batch of 6 (known and unknown, both shards) reads users in one round trip per shard, not one per job; D1 calls per message for 1 and 6", async () => {
    const w = await world("batch-lookups");
    await setStrategy(w, "LINK", REPEATED_EMAILS);
    const [warm, single, ...known0] = emailsOn(undefined, w.tenantId, 0, 4, "bl-known0");
    const known1 = emailsOn(undefined, w.tenantId, 1, 2, "bl-known1");
    const [unknown0] = emailsOn(undefined, w.tenantId, 0, 1, "bl-nobody0");
    const [unknown1] = emailsOn(undefined, w.tenantId, 1, 1, "bl-nobody1");
    for (const email of [warm!, single!, ...known0, ...known1]) await createUser(w, email);
    const six = [known0[0]!, unknown1!, known1[0]!, known0[1]!, unknown0!, known1[1]!];
    const jobs: EmailJob[] = [];
    for (const email of six) jobs.push(await resetJob(w, email));

    // The tenant, its policy and branding are kept 5 s in the isolate: a first batch reads them.
    await consumeBatch([await resetJob(w, warm!)]);
    const one = await consumeBatch([await resetJob(w, single!)]);
    const many = await consumeBatch(jobs);
    console.info(`consumer D1 calls per message: batch of 1 ${one.trips.length}, batch of 6 ${(many.trips.length / 6).toFixed(2)} (${many.trips.length} calls)`);
    // Exact counts on the shards: DB's reads (tenant, policy, branding) depend on the isolate's 5 s cache.
    const onShards = (trips: Trip[]) => trips.filter((t) => t.database !== "DB");

    expect(many.retryMessages).toEqual([]);
    expect(many.explicitAcks).toHaveLength(6);
    for (const [i, email] of six.entries()) {
      const known = !email.includes("nobody");
      expect([email, (await deliveryOf(w, jobs[i]!.id))?.status]).toEqual([email, known ? "sent" : undefined]);
      expect([email, (await mailbox(email)).length]).toEqual([email, known ? 1 : 0]);
    }
    // One read per shard, each carrying that shard's three addresses; as for one job, one read.
    expect(lookups(many.trips)).toEqual(["DB_SHARD_0 × 3", "DB_SHARD_1 × 3"]);
    expect(lookups(one.trips)).toEqual(["DB_SHARD_0 × 1"]);
    // In all: per shard the lookup, the attempts with their codes, the outcomes.
    expect(onShards(many.trips)).toHaveLength(6);
    expect(onShards(one.trips)).toHaveLength(3);
  });

  it("known, unknown and inactive addresses under OTP cost the same lookups, alone and in one batch; the decoys are stored", async () => {
    const w = await world("batch-lookups-otp");
    await setStrategy(w, "OTP", REPEATED_EMAILS);
    const [warm, known, unknown, inactive, ...mixed] = emailsOn(undefined, w.tenantId, 1, 7, "bl-otp");
    for (const email of [warm!, known!, mixed[0]!]) await createUser(w, email);
    await createUserWithStatus(w, inactive!, "INACTIVE");
    await createUserWithStatus(w, mixed[2]!, "INACTIVE");
    await consumeBatch([await resetJob(w, warm!)]);

    const alone = [];
    for (const email of [known!, unknown!, inactive!]) alone.push(lookups((await consumeBatch([await resetJob(w, email)])).trips));
    expect(alone).toEqual([["DB_SHARD_1 × 1"], ["DB_SHARD_1 × 1"], ["DB_SHARD_1 × 1"]]);

    const jobs: EmailJob[] = [];
    for (const email of mixed) jobs.push(await resetJob(w, email));
    const batch = await consumeBatch(jobs);
    expect(batch.retryMessages).toEqual([]);
    expect(lookups(batch.trips)).toEqual(["DB_SHARD_1 × 3"]);
    // The known address got its email; the unknown and the inactive one a decoy row each, nothing sent.
    expect((await mailbox(mixed[0]!)).length).toBe(1);
    for (const [i, email] of mixed.entries()) {
      const rows = await env.DB_SHARD_1.prepare("SELECT user_id FROM reset_codes WHERE id = ?").bind(jobs[i]!.id).all<{ user_id: string | null }>();
      expect([email, rows.results.length, i === 0 ? "user" : rows.results[0]?.user_id]).toEqual([email, 1, i === 0 ? "user" : null]);
      if (i > 0) expect((await mailbox(email)).length).toBe(0);
    }
  });

  it("a failed user read on one shard retries only the jobs whose addresses it carried; the other shard's jobs are sent", async () => {
    const w = await world("batch-lookups-fail");
    await setStrategy(w, "LINK", REPEATED_EMAILS);
    const on0 = emailsOn(undefined, w.tenantId, 0, 2, "bl-fail0");
    const on1 = emailsOn(undefined, w.tenantId, 1, 2, "bl-fail1");
    for (const email of [...on0, ...on1]) await createUser(w, email);
    const jobs: EmailJob[] = [];
    for (const email of [on0[0]!, on1[0]!, on0[1]!, on1[1]!]) jobs.push(await resetJob(w, email));
    const result = await consumeBatch(jobs, "DB_SHARD_1");
    expect(result.retryMessages.map((m) => m.msgId).sort()).toEqual([`msg-1-${jobs[1]!.id}`, `msg-3-${jobs[3]!.id}`]);
    expect([...result.explicitAcks].sort()).toEqual([`msg-0-${jobs[0]!.id}`, `msg-2-${jobs[2]!.id}`]);
    for (const email of on0) expect([email, (await mailbox(email)).length]).toEqual([email, 1]);
    for (const email of on1) expect([email, (await mailbox(email)).length]).toEqual([email, 0]);
    // The retried jobs go through on their next delivery.
    const again = await consumeBatch([jobs[1]!, jobs[3]!]);
    expect(again.retryMessages).toEqual([]);
    for (const email of on1) expect([email, (await mailbox(email)).length]).toEqual([email, 1]);
  });
});
