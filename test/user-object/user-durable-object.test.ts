import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it, vi } from "vitest";
import { serviceConfig } from "../../src/config/service-config";
import { hashPassword, parsePasswordHash } from "../../src/crypto/password-hash";
import { callJson } from "../support/api";
import { createUser, world } from "../support/fixtures";
import { login, loginOk } from "../support/sessions";
import { rawFormHash } from "../support/legacy-hash";

const stubOf = (userId: string) => env.USERS.get(env.USERS.idFromName(userId));

function tablesOf(userId: string) {
  return runInDurableObject(stubOf(userId), (_instance, state) =>
    state.storage.sql
      .exec<{ name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE '\\_%' ESCAPE '\\' AND name NOT LIKE 'sqlite%'")
      .toArray()
      .map((r) => r.name),
  );
}

describe("the user's Durable Object", () => {
  it("takes session lifetimes from the tenant's policy", async () => {
    const w = await world();
    await callJson("PATCH", `/api/v1/tenants/${w.tenantId}/password-reset-policy`, {
      token: w.token,
      body: { sessionIdleTtlSeconds: 600, sessionAbsoluteTtlSeconds: 3600 },
    });
    const user = await createUser(w, "ttl@example.com", "password one");
    const s = await loginOk(w, "ttl@example.com", "password one");
    const row = await runInDurableObject(stubOf(user.id), (_i, state) =>
      state.storage.sql.exec<{ idle_ttl_ms: number; created_at: number; absolute_expires_at: number }>("SELECT * FROM sessions WHERE id = ?", s.sessionId).one(),
    );
    expect(row.idle_ttl_ms).toBe(600_000);
    expect(row.absolute_expires_at - row.created_at).toBe(3_600_000);
  });

  it("upgrades a hash made with older parameters on a successful login", async () => {
    const w = await world();
    const user = await createUser(w, "old@example.com", "password one");
    const weak = await hashPassword("password one", (await serviceConfig(env)).passwordPeppers, 1_000);
    await runInDurableObject(stubOf(user.id), (_i, state) => {
      state.storage.sql.exec("UPDATE credential SET password_hash = ?", weak);
    });
    await loginOk(w, "old@example.com", "password one");
    const stored = await runInDurableObject(stubOf(user.id), (_i, state) =>
      state.storage.sql.exec<{ password_hash: string }>("SELECT password_hash FROM credential").one().password_hash,
    );
    expect(parsePasswordHash(stored)?.iterations).toBe(100_000);
    await loginOk(w, "old@example.com", "password one");
  });

  it("lets a user whose hash predates NFKC sign in with the password as typed, and re-hashes it normalised", async () => {
    const w = await world();
    const typed = "\uFB01ve \uFF41pples a day"; // NFKC: "five apples a day"
    const user = await createUser(w, "pre-nfkc@example.com", "password one");
    const legacy = await rawFormHash(typed, (await serviceConfig(env)).passwordPeppers);
    await runInDurableObject(stubOf(user.id), (_i, state) => {
      state.storage.sql.exec("UPDATE credential SET password_hash = ?", legacy);
    });
    // Before the upgrade only the raw form matches the stored hash.
    expect((await login(w, "pre-nfkc@example.com", "five apples a day")).body).toEqual({ result: "INVALID_CREDENTIALS" });
    await loginOk(w, "pre-nfkc@example.com", typed);
    const stored = await runInDurableObject(stubOf(user.id), (_i, state) =>
      state.storage.sql.exec<{ password_hash: string }>("SELECT password_hash FROM credential").one().password_hash,
    );
    expect(stored).not.toBe(legacy);
    // The new hash is of the normalised form: both spellings now sign in.
    await loginOk(w, "pre-nfkc@example.com", "five apples a day");
    await loginOk(w, "pre-nfkc@example.com", typed);
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
