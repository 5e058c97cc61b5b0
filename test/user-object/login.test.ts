// Password login in the user's object (src/user-object/login.ts): it counts the attempt before the
// hash, opens a session with the tenant's lifetimes and a first refresh token unless the password
// changed while it verified, and upgrades an outdated password hash on success.
import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { serviceConfig } from "../../src/config/service-config";
import { hashPassword, parsePasswordHash } from "../../src/crypto/password-hash";
import { POLICY_DEFAULTS } from "../../src/policy/password-reset-policy";
import { changePassword } from "../../src/user-object/credential";
import { login as loginModule } from "../../src/user-object/login";
import { listSessions } from "../../src/user-object/sessions";
import type { UserKeys } from "../../src/user-object/store";
import { callJson } from "../support/api";
import { createUser, world } from "../support/fixtures";
import { rawFormHash } from "../support/legacy-hash";
import { login, loginOk } from "../support/sessions";
import { GRANT, KEYS, count, withUser } from "./module-store";

const stubOf = (userId: string) => env.USERS.get(env.USERS.idFromName(userId));

describe("login in the user's object", () => {
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

  it("counts each attempt before the hash, clears the count on success, and refuses at the limit", () =>
    withUser("password one", async (store, state) => {
      const throttle = { ...POLICY_DEFAULTS, passwordFailuresBeforeDelay: 10, passwordFailureLimit: 3 };
      expect(await loginModule(store, KEYS, "wrong", GRANT, throttle)).toEqual({ outcome: "INVALID_CREDENTIALS" });
      expect(count(state, "password_failures")).toBe(1);
      expect((await loginModule(store, KEYS, "password one", GRANT, throttle)).outcome).toBe("SUCCESS");
      expect(count(state, "password_failures")).toBe(0);
      for (let i = 0; i < 3; i++) await loginModule(store, KEYS, "wrong", GRANT, throttle);
      expect(await loginModule(store, KEYS, "password one", GRANT, throttle)).toEqual({ outcome: "TOO_MANY_ATTEMPTS", retryAfterSeconds: null });
    }));

  it("opens no session when the password changed while it verified: check-and-set after the I/O", () =>
    withUser("password one", async (store) => {
      // The refresh token is hashed after the password was verified: a reset commits right then.
      const racing: UserKeys = {
        peppers: KEYS.peppers,
        secretHashKeys: async () => {
          await changePassword(store, KEYS, { newPassword: "password two", policy: POLICY_DEFAULTS, expectedCredentialVersion: 0 });
          return KEYS.secretHashKeys();
        },
      };
      expect(await loginModule(store, racing, "password one", GRANT, POLICY_DEFAULTS)).toEqual({ outcome: "INVALID_CREDENTIALS" });
      expect(listSessions(store)).toEqual([]);
    }));
});
