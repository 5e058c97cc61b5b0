// The user object cleans up after itself (src/user-object/housekeeping.ts): an alarm at the next
// expiry deletes rotated and expired refresh tokens and ended sessions, also when no password ever
// changes, a bounded batch per run. The mail relay the alarm also runs is outbox-relay.test.ts.
import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { ROTATED_TOKEN_RETENTION_MS } from "../../src/user-object/housekeeping";
import { callJson } from "../support/api";
import { clockAt, setPolicy } from "../support/codes";
import { createUser, world } from "../support/fixtures";
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

  it("sweeps the rows a revocation made dead, in its alarm", async () => {
    const w = await world();
    const user = await createUser(w, "sweep@example.com", "password one");
    await Promise.all([1, 2, 3].map(() => loginOk(w, "sweep@example.com", "password one")));
    await callJson("POST", `/api/v1/users/${user.id}/sessions/revoke`, { token: w.token });
    // The revocation armed the alarm for "now": the runtime may be running it on its own, in which
    // case this direct run finds nothing to do, so wait for whichever run sweeps.
    await runDurableObjectAlarm(stubOf(user.id));
    const left = () =>
      runInDurableObject(stubOf(user.id), (_i, state) => ({
        sessions: state.storage.sql.exec<{ n: number }>("SELECT count(*) AS n FROM sessions").one().n,
        tokens: state.storage.sql.exec<{ n: number }>("SELECT count(*) AS n FROM refresh_tokens").one().n,
      }));
    await vi.waitFor(async () => expect(await left()).toEqual({ sessions: 0, tokens: 0 }), { timeout: 5_000, interval: 50 });
  });

  it("sweeps at most 500 dead rows per alarm run, and reschedules itself while rows remain", async () => {
    const w = await world();
    const user = await createUser(w, "batch@example.com", "password one");
    // One callback without I/O: the automatic alarm cannot interleave with these direct runs.
    const observed = await runInDurableObject(stubOf(user.id), async (instance, state) => {
      for (let i = 0; i < 1_200; i++) {
        state.storage.sql.exec(
          "INSERT INTO sessions (id, application_id, tenant_id, epoch, created_at, last_used_at, idle_ttl_ms, absolute_expires_at) VALUES (?, 'a', 't', -1, 0, 0, 1, 1)",
          `dead-${i}`,
        );
      }
      await state.storage.deleteAlarm();
      const left = () => state.storage.sql.exec<{ n: number }>("SELECT count(*) AS n FROM sessions").one().n;
      const runs: { left: number; rescheduled: boolean }[] = [];
      for (let i = 0; i < 3; i++) {
        await state.storage.deleteAlarm();
        await instance.alarm();
        runs.push({ left: left(), rescheduled: (await state.storage.getAlarm()) !== null });
      }
      return runs;
    });
    expect(observed).toEqual([
      { left: 700, rescheduled: true },
      { left: 200, rescheduled: true },
      { left: 0, rescheduled: false },
    ]);
  });
});
