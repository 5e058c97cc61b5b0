// The user object's outbox (src/user-object/outbox-relay.ts): a Password Updated notice is queued
// in the same transaction as the change it reports, and the alarm relays it to the email queue,
// backing off while the queue refuses, never throwing and never giving up.
import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it, vi } from "vitest";
import { RELAY_RETRY_CEILING_MS, RELAY_RETRY_FIRST_MS, relayRetryDelayMs } from "../../src/user-object/outbox-relay";
import { withEveryQueue } from "../support/every-queue";
import { createUser, world } from "../support/fixtures";
import { mailbox, waitForMail } from "../support/mailbox";
import { adminLinkCode, reset } from "../support/reset";

const stubOf = (userId: string) => env.USERS.get(env.USERS.idFromName(userId));

function rows(userId: string) {
  return runInDurableObject(stubOf(userId), async (_i, state) => ({
    pending: state.storage.sql.exec<{ attempts: number }>("SELECT attempts FROM pending_emails").toArray(),
    alarm: await state.storage.getAlarm(),
  }));
}

describe("the mail relay in the alarm", () => {
  const refusingQueue = {
    send: () => Promise.reject(new Error("queue unavailable")),
    sendBatch: () => Promise.reject(new Error("queue unavailable")),
  } as unknown as Queue;

  /** Points the live object's email queues (EMAIL_QUEUES) at `queue`: the fault is the queue's, the object is real. */
  function objectQueue(userId: string, queue: Queue) {
    return runInDurableObject(stubOf(userId), (instance) => {
      const object = instance as unknown as { env: Env };
      object.env = { ...object.env, ...withEveryQueue({ EMAIL_QUEUE: queue }) };
    });
  }

  async function changedWithQueueDown(email: string) {
    const w = await world();
    const user = await createUser(w, email, "password one");
    await objectQueue(user.id, refusingQueue);
    const code = await adminLinkCode(w, user.id);
    expect((await reset(w.token, { passwordResetCode: code, newPassword: "password two" })).body.result).toBe("PASSWORD_UPDATED");
    return user;
  }

  /**
   * The reset armed the alarm for "now", so the runtime may run it on its own at any moment. Wait
   * until one relay attempt has failed: the alarm is then re-armed seconds away and only this test
   * runs it. Returns the attempts counted so far (1, or 2 when the runtime's own run came first).
   */
  async function firstFailedRelay(userId: string): Promise<number> {
    await runDurableObjectAlarm(stubOf(userId));
    let attempts = 0;
    await vi.waitFor(
      async () => {
        attempts = (await rows(userId)).pending[0]?.attempts ?? 0;
        expect(attempts).toBeGreaterThanOrEqual(1);
      },
      { timeout: 5_000, interval: 50 },
    );
    expect(attempts).toBeLessThanOrEqual(2);
    return attempts;
  }

  it("re-arms itself with a growing backoff when the queue refuses, instead of throwing, and delivers once it is back", async () => {
    const user = await changedWithQueueDown("relay@example.com");
    const first = await firstFailedRelay(user.id);
    const waits: number[] = [];
    for (let i = 1; i <= 3; i++) {
      const before = Date.now();
      // Resolves: the alarm handled the failure rather than throwing it to the platform.
      await runDurableObjectAlarm(stubOf(user.id));
      const state = await rows(user.id);
      expect(state.pending).toEqual([{ attempts: first + i }]);
      expect(state.alarm).not.toBeNull();
      waits.push(state.alarm! - before);
    }
    expect(waits[0]).toBeGreaterThanOrEqual(RELAY_RETRY_FIRST_MS);
    expect(waits[1]).toBeGreaterThan(waits[0]!);
    expect(waits[2]).toBeGreaterThan(waits[1]!);
    expect(await mailbox("relay@example.com")).toEqual([]);

    await objectQueue(user.id, env.EMAIL_QUEUE);
    await runDurableObjectAlarm(stubOf(user.id));
    expect((await rows(user.id)).pending).toEqual([]);
    expect((await waitForMail("relay@example.com", "PASSWORD_UPDATED")).template).toBe("PASSWORD_UPDATED");
  });

  it("delivers a message once even when an earlier relay had already put it on the queue", async () => {
    const user = await changedWithQueueDown("twice@example.com");
    await firstFailedRelay(user.id);
    await objectQueue(user.id, env.EMAIL_QUEUE);
    // The pending job reached the queue before, but the object never learned it (a crash in between).
    const message = await runInDurableObject(stubOf(user.id), (_i, state) => state.storage.sql.exec<{ message: string }>("SELECT message FROM pending_emails").one().message);
    await env.EMAIL_QUEUE.send(JSON.parse(message), { contentType: "json" });
    await runDurableObjectAlarm(stubOf(user.id));
    expect((await rows(user.id)).pending).toEqual([]);
    await waitForMail("twice@example.com", "PASSWORD_UPDATED");
    // Both copies are consumed once the queue is empty; the job id makes the second a no-op.
    await vi.waitFor(async () => expect((await env.EMAIL_QUEUE.metrics()).backlogCount).toBe(0), { timeout: 5_000, interval: 50 });
    expect((await mailbox("twice@example.com")).map((x) => x.template)).toEqual(["PASSWORD_UPDATED"]);
  });

  it("backs off from 10 s, doubling, to at most an hour, whatever the number of failures", () => {
    expect(relayRetryDelayMs(1, 0)).toBe(RELAY_RETRY_FIRST_MS);
    expect(relayRetryDelayMs(2, 0)).toBe(2 * RELAY_RETRY_FIRST_MS);
    expect(relayRetryDelayMs(50, 0)).toBe(RELAY_RETRY_CEILING_MS);
    expect(relayRetryDelayMs(1_000_000, 0.999)).toBeLessThan(RELAY_RETRY_CEILING_MS * 1.25);
  });
});
