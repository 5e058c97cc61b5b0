// The user object cleans up after itself: an alarm at the next expiry deletes rotated and expired
// refresh tokens and ended sessions, also when no password ever changes; and the mail relay in
// the alarm never gives up when the email queue refuses, backing off instead of throwing.
import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { ROTATED_TOKEN_RETENTION_MS, RELAY_RETRY_CEILING_MS, RELAY_RETRY_FIRST_MS, relayRetryDelayMs } from "../../src/user-object/housekeeping";
import { clockAt, setPolicy } from "../support/codes";
import { createUser, world } from "../support/fixtures";
import { mailbox, waitForMail } from "../support/mailbox";
import { adminLinkCode, reset } from "../support/reset";
import { loginOk, refresh } from "../support/sessions";

const stubOf = (userId: string) => env.USERS.get(env.USERS.idFromName(userId));

function rows(userId: string) {
  return runInDurableObject(stubOf(userId), async (_i, state) => ({
    sessions: state.storage.sql.exec<{ n: number }>("SELECT count(*) AS n FROM sessions").one().n,
    refreshTokens: state.storage.sql.exec<{ n: number }>("SELECT count(*) AS n FROM refresh_tokens").one().n,
    pending: state.storage.sql.exec<{ attempts: number }>("SELECT attempts FROM pending_emails").toArray(),
    alarm: await state.storage.getAlarm(),
  }));
}

afterEach(() => {
  vi.useRealTimers();
});

describe("the user object's alarm", () => {
  it("deletes rotated refresh tokens once their reuse window has passed, with no password change", async () => {
    const w = await world();
    const start = Date.now();
    const user = await createUser(w, "rotate@example.com", "password one");
    let token = (await loginOk(w, "rotate@example.com", "password one")).refreshToken;
    for (let i = 0; i < 10; i++) token = (await refresh(w, token)).body.refresh_token;

    const before = await rows(user.id);
    expect(before.refreshTokens).toBe(11);
    // Armed for the first rotated token's window, not left unset.
    expect(before.alarm).not.toBeNull();
    expect(before.alarm!).toBeLessThanOrEqual(Date.now() + ROTATED_TOKEN_RETENTION_MS);

    const clientToken = await clockAt(w, start + ROTATED_TOKEN_RETENTION_MS + 60_000);
    expect(await runDurableObjectAlarm(stubOf(user.id))).toBe(true);
    const after = await rows(user.id);
    expect(after.refreshTokens).toBe(1);
    expect(after.sessions).toBe(1);
    // The live token still works.
    expect((await refresh({ ...w, token: clientToken }, token)).status).toBe(200);
  });

  it("deletes a session, with its tokens, once it ended by idleness", async () => {
    const w = await world();
    await setPolicy(w, { sessionIdleTtlSeconds: 300, sessionAbsoluteTtlSeconds: 3600 });
    const start = Date.now();
    const user = await createUser(w, "idle@example.com", "password one");
    await loginOk(w, "idle@example.com", "password one");
    const armed = (await rows(user.id)).alarm;
    expect(armed).not.toBeNull();
    expect(armed!).toBeLessThanOrEqual(start + 300_000 + 5_000);

    await clockAt(w, start + 301_000 + 5_000);
    expect(await runDurableObjectAlarm(stubOf(user.id))).toBe(true);
    expect(await rows(user.id)).toMatchObject({ sessions: 0, refreshTokens: 0, alarm: null });
  });

  it("keeps a rotated token inside its window: presenting it again is reuse, which ends the session", async () => {
    const w = await world();
    const user = await createUser(w, "reuse@example.com", "password one");
    const first = (await loginOk(w, "reuse@example.com", "password one")).refreshToken;
    const second = (await refresh(w, first)).body.refresh_token;
    expect(await runDurableObjectAlarm(stubOf(user.id))).toBe(true);
    expect((await rows(user.id)).refreshTokens).toBe(2);
    // Once the successor is used, the grace of a lost response is over: the old token is reuse.
    const third = (await refresh(w, second)).body.refresh_token;
    expect((await refresh(w, first)).status).toBe(400);
    expect((await refresh(w, third)).status).toBe(400);
  });
});

describe("the mail relay in the alarm", () => {
  const refusingQueue = {
    send: () => Promise.reject(new Error("queue unavailable")),
    sendBatch: () => Promise.reject(new Error("queue unavailable")),
  } as unknown as Queue;

  /** Points the live object's EMAIL_QUEUE at `queue`: the fault is the queue's, the object is real. */
  function objectQueue(userId: string, queue: Queue) {
    return runInDurableObject(stubOf(userId), (instance) => {
      const object = instance as unknown as { env: Env };
      object.env = { ...object.env, EMAIL_QUEUE: queue };
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
