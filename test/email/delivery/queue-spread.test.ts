// Several email queues (EMAIL_QUEUES, two in the test runtime): a job goes to the queue of the
// shard its delivery id carries, so a burst spreads over the queues while one address's jobs share
// a queue and keep their order; a queue that refuses is a 503 promising nothing; a job dead-lettered
// from either queue is recorded `dead`.
import { createExecutionContext, createMessageBatch, getQueueResult } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import worker from "../../../src/index";
import type { EmailJob } from "../../../src/email/message";
import { emailPlacementKey, placeNew, shardSetOf } from "../../../src/shards/placement";
import { shardMapOf } from "../../../src/shards/shard-map";
import { shardOfId } from "../../../src/shards/sharded-id";
import { callJson } from "../../support/api";
import { countingD1 } from "../../support/d1-round-trips";
import { HTTP_PROVIDER } from "../../support/email-provider";
import { DEAD_LETTER_QUEUE, consume, deliveryOf } from "../../support/email-queue";
import { type World, createUser, world } from "../../support/fixtures";
import { emailAuthCodeOf, mailbox, waitForMail } from "../../support/mailbox";
import { REPEATED_EMAILS, RESET, setStrategy } from "../../support/reset";

const QUEUES = ["edge-password-reset-email", "edge-password-reset-email-1"] as const;
const QUEUE_1_DEAD_LETTERS = "edge-password-reset-email-1-dlq";
const WRITE = /^\s*(insert|update|delete|replace)\b/i;

/** Hands `jobs` to the consumer as one batch from `queue`; answers its acks and the D1 write round trips per database. */
async function consumeCounted(queue: string, jobs: EmailJob[]) {
  const writes = new Map<string, number>();
  const counted = (name: "DB" | "DB_SHARD_0" | "DB_SHARD_1") =>
    countingD1(env[name], (sql) => {
      if (sql.some((q) => WRITE.test(q))) writes.set(name, (writes.get(name) ?? 0) + 1);
    });
  const batch = createMessageBatch<EmailJob>(queue, jobs.map((body) => ({ id: `msg-${body.id}`, timestamp: Date.now(), attempts: 1, body })));
  const ctx = createExecutionContext();
  await worker.queue(batch, { ...env, ...HTTP_PROVIDER, DB: counted("DB"), DB_SHARD_0: counted("DB_SHARD_0"), DB_SHARD_1: counted("DB_SHARD_1") } as Env);
  return { ...(await getQueueResult(batch, ctx)), writes };
}

/** A stand-in for one email queue binding that records its jobs, in order, then hands them to `real` (when given). */
function recordingTo(real: Queue | null) {
  const jobs: EmailJob[] = [];
  const binding = {
    async send(body: EmailJob) {
      jobs.push(structuredClone(body));
      if (real) await real.send(body, { contentType: "json" });
    },
    async sendBatch(messages: Iterable<MessageSendRequest<EmailJob>>) {
      const list = [...messages];
      for (const m of list) jobs.push(structuredClone(m.body));
      if (real) await real.sendBatch(list);
    },
  };
  return { binding: binding as unknown as Queue, jobs };
}

const refusing = {
  send: () => Promise.reject(new Error("queue unavailable")),
  sendBatch: () => Promise.reject(new Error("queue unavailable")),
} as unknown as Queue;

/** The shard the map places (tenant, email) on: where the job's delivery id will point. */
function shardOfAddress(w: World, email: string): number {
  const map = shardMapOf(env)!;
  return placeNew(map, shardSetOf(map, w.tenantId), emailPlacementKey(w.tenantId, email));
}

/** `count` addresses of the tenant whose jobs go to queue `queue` of two (shard mod 2). */
function addressesOnQueue(w: World, prefix: string, queue: number, count: number): string[] {
  const out: string[] = [];
  for (let i = 0; out.length < count; i++) {
    const email = `${prefix}-${i}@example.com`;
    if (shardOfAddress(w, email) % 2 === queue) out.push(email);
  }
  return out;
}

function request(w: World, email: string, queues: Partial<Env>) {
  return callJson("POST", "/api/v1/password-reset/request-password-reset", { token: w.token, body: { tenantId: w.tenantId, email }, env: queues });
}

describe("several email queues, chosen by shard", () => {
  it("runs the tests with two email queues over two shards", () => {
    expect(JSON.parse(env.EMAIL_QUEUES)).toEqual(["EMAIL_QUEUE", "EMAIL_QUEUE_1"]);
    expect(shardMapOf(env)?.bindings.length).toBe(2);
  });

  it("sends jobs of addresses on different shards to different queues (shard mod 2), and every job is delivered", async () => {
    const w = await world("spread");
    const emails = [...addressesOnQueue(w, "spread-a", 0, 3), ...addressesOnQueue(w, "spread-b", 1, 3)];
    for (const email of emails) await createUser(w, email);
    const q0 = recordingTo(env.EMAIL_QUEUE);
    const q1 = recordingTo(env.EMAIL_QUEUE_1);
    for (const email of emails) expect((await request(w, email, { EMAIL_QUEUE: q0.binding, EMAIL_QUEUE_1: q1.binding })).status).toBe(200);

    expect(q0.jobs.map((j) => j.to)).toEqual(emails.slice(0, 3));
    expect(q1.jobs.map((j) => j.to)).toEqual(emails.slice(3));
    const map = shardMapOf(env);
    for (const job of q0.jobs) expect(shardOfId(map, job.id)! % 2).toBe(0);
    for (const job of q1.jobs) expect(shardOfId(map, job.id)! % 2).toBe(1);
    // Each real queue's consumer delivered its jobs.
    for (const email of emails) await waitForMail(email, "PASSWORD_RESET_LINK");
    for (const job of [...q0.jobs, ...q1.jobs]) expect(await deliveryOf(w, job.id)).toMatchObject({ status: "sent", attempts: 1 });
  });

  for (const queue of [0, 1]) {
    it(`keeps one address's jobs in one queue, in request order, the newer link being the one that works (queue ${queue})`, async () => {
      const w = await world(`order-${queue}`);
      await setStrategy(w, "LINK", REPEATED_EMAILS);
      const [email] = addressesOnQueue(w, `order-${queue}`, queue, 1);
      await createUser(w, email!);
      const q0 = recordingTo(env.EMAIL_QUEUE);
      const q1 = recordingTo(env.EMAIL_QUEUE_1);
      for (let i = 0; i < 3; i++) expect((await request(w, email!, { EMAIL_QUEUE: q0.binding, EMAIL_QUEUE_1: q1.binding })).status).toBe(200);

      const [mine, other] = queue === 0 ? [q0, q1] : [q1, q0];
      expect(other.jobs).toEqual([]);
      expect(mine.jobs).toHaveLength(3);
      const times = mine.jobs.map((j) => j.createdAt);
      expect(times).toEqual([...times].sort((a, b) => a - b));
      expect(new Set(mine.jobs.map((j) => shardOfId(shardMapOf(env), j.id))).size).toBe(1);

      // Delivered in order: the newest mail's link resets the password; the older ones are dead.
      await waitForMail(email!, "PASSWORD_RESET_LINK", 3);
      for (const job of mine.jobs) expect(await deliveryOf(w, job.id)).toMatchObject({ status: "sent" });
      const [newest, ...older] = (await mailbox(email!)).filter((m) => m.template === "PASSWORD_RESET_LINK");
      for (const mail of older) {
        const res = await callJson("POST", RESET, { token: w.token, body: { emailAuthCode: emailAuthCodeOf(mail), newPassword: "a brand new password" } });
        expect(res.body.result).not.toBe("PASSWORD_UPDATED");
      }
      const res = await callJson("POST", RESET, { token: w.token, body: { emailAuthCode: emailAuthCodeOf(newest!), newPassword: "a brand new password" } });
      expect(res.body.result).toBe("PASSWORD_UPDATED");
    });
  }

  it("answers 503 with Retry-After when the job's queue refuses, promising nothing, while the other queue still takes its jobs", async () => {
    const w = await world("refuse-one");
    const [onRefusing] = addressesOnQueue(w, "refuse-one-b", 1, 1);
    const [onWorking] = addressesOnQueue(w, "refuse-one-a", 0, 1);
    await createUser(w, onRefusing!);
    await createUser(w, onWorking!);
    const q0 = recordingTo(null);

    const res = await request(w, onRefusing!, { EMAIL_QUEUE: q0.binding, EMAIL_QUEUE_1: refusing });
    expect(res.status).toBe(503);
    expect(res.body).toMatchObject({ type: "base_error", code: "service_unavailable" });
    expect(res.res.headers.get("Retry-After")).toMatch(/^\d+$/);
    expect(q0.jobs).toEqual([]);

    expect((await request(w, onWorking!, { EMAIL_QUEUE: q0.binding, EMAIL_QUEUE_1: refusing })).status).toBe(200);
    expect(q0.jobs.map((j) => j.to)).toEqual([onWorking]);

    // Nothing was promised: the address's slot was given back, so a retry at once queues its email.
    const q1 = recordingTo(null);
    expect((await request(w, onRefusing!, { EMAIL_QUEUE: q0.binding, EMAIL_QUEUE_1: q1.binding })).status).toBe(200);
    expect(q1.jobs.map((j) => j.to)).toEqual([onRefusing]);
  });

  it("records `dead` for a job dead-lettered from either queue", async () => {
    const w = await world("dead-either");
    // "down-…" addresses: the test provider (test/fixtures/host-app.js) answers them 503, always.
    const byQueue = [addressesOnQueue(w, "down-dead-a", 0, 1)[0]!, addressesOnQueue(w, "down-dead-b", 1, 1)[0]!];
    const q0 = recordingTo(null);
    const q1 = recordingTo(null);
    for (const email of byQueue) {
      await createUser(w, email);
      expect((await request(w, email, { EMAIL_QUEUE: q0.binding, EMAIL_QUEUE_1: q1.binding })).status).toBe(200);
    }
    expect(q0.jobs).toHaveLength(1);
    expect(q1.jobs).toHaveLength(1);
    // Each failed its last delivery on its own queue, then reached that queue's dead-letter queue.
    for (const [job, queue, deadLetters] of [
      [q0.jobs[0]!, "edge-password-reset-email", DEAD_LETTER_QUEUE],
      [q1.jobs[0]!, "edge-password-reset-email-1", QUEUE_1_DEAD_LETTERS],
    ] as const) {
      const last = await consume(job, { env: HTTP_PROVIDER, queue, attempts: 6 });
      expect(last.retryMessages).toHaveLength(1);
      const dead = await consume(job, { env: HTTP_PROVIDER, queue: deadLetters });
      expect(dead.explicitAcks).toEqual([`msg-${job.id}`]);
      expect(await deliveryOf(w, job.id)).toMatchObject({ status: "dead", attempts: 6, lastError: "http_503" });
    }
  });

  it("writes a batch's delivery rows in one D1 batch per shard, whichever queue it came from (its codes in one batch of DB)", async () => {
    const w = await world("per-shard");
    for (const queue of [0, 1] as const) {
      const emails = addressesOnQueue(w, `per-shard-${queue}`, queue, 5);
      const q0 = recordingTo(null);
      const q1 = recordingTo(null);
      for (const email of emails) {
        await createUser(w, email);
        expect((await request(w, email, { EMAIL_QUEUE: q0.binding, EMAIL_QUEUE_1: q1.binding })).status).toBe(200);
      }
      const jobs = (queue === 0 ? q0 : q1).jobs;
      expect(jobs).toHaveLength(5);
      const result = await consumeCounted(QUEUES[queue], jobs);
      expect(result.explicitAcks).toHaveLength(5);
      for (const job of jobs) expect(await deliveryOf(w, job.id)).toMatchObject({ status: "sent" });
      // Queue q carries shard q only (two shards, two queues): the other shard is not written, and
      // no database takes more than two write round trips for the five jobs (attempts, outcomes).
      expect(result.writes.get(`DB_SHARD_${1 - queue}`)).toBeUndefined();
      expect(result.writes.get(`DB_SHARD_${queue}`)).toBe(2);
      for (const [database, count] of result.writes) expect([database, count <= 2]).toEqual([database, true]);
    }
  });
});
