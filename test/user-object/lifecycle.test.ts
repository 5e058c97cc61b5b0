// The user object's lifecycle: uninitialised until user creation initialises it, then active,
// then, once deleted, a tombstone that refuses everything for good.
import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { newId } from "../../src/crypto/random";
import { POLICY_DEFAULTS } from "../../src/policy/password-reset-policy";
import { changePassword, credentialVersion } from "../../src/user-object/credential";
import { readCredential } from "../../src/user-object/credential-row";
import { destroy, setStatus } from "../../src/user-object/lifecycle";
import { countAttempt } from "../../src/user-object/password-failures";
import { callJson } from "../support/api";
import { createUser, world } from "../support/fixtures";
import { loginOk } from "../support/sessions";
import { KEYS, count, notice, withUser } from "./module-store";

const stubOf = (userId: string) => env.USERS.get(env.USERS.idFromName(userId));
const POLICY = POLICY_DEFAULTS;
const GRANT = { applicationId: "a", tenantId: "t", clientId: "c", idleTtlSeconds: 600, absoluteTtlSeconds: 3600 };

function storage(userId: string) {
  return runInDurableObject(stubOf(userId), (_i, state) => ({
    tables: state.storage.sql
      .exec<{ name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite%' AND name NOT LIKE '\\_cf%' ESCAPE '\\'")
      .toArray()
      .map((r) => r.name),
  }));
}

function tombstone(userId: string) {
  return runInDurableObject(stubOf(userId), (_i, state) => ({
    credential: state.storage.sql.exec("SELECT * FROM credential").toArray(),
    sessions: state.storage.sql.exec<{ n: number }>("SELECT count(*) AS n FROM sessions").one().n,
    refreshTokens: state.storage.sql.exec<{ n: number }>("SELECT count(*) AS n FROM refresh_tokens").one().n,
  }));
}

describe("an object no user creation initialised", () => {
  it("refuses every credential, session and reset call, and creates no storage", async () => {
    const id = newId();
    const stub = stubOf(id);
    expect(await stub.credentialVersion()).toBeNull();
    expect(await stub.login("any password", GRANT, POLICY)).toEqual({ outcome: "INVALID_CREDENTIALS" });
    expect((await stub.changePassword({ newPassword: "a new password", policy: POLICY, expectedCredentialVersion: 0 })).outcome).not.toBe("UPDATED");
    expect((await stub.changePassword({ newPassword: "a new password", policy: POLICY, currentPassword: "x" })).outcome).not.toBe("UPDATED");
    expect(await stub.refresh("secret", "c")).toEqual({ outcome: "INVALID" });
    expect(await stub.refreshTokenStatus("secret")).toEqual({ active: false });
    expect(await stub.sessionStatus("session")).toEqual({ active: false });
    expect(await stub.listSessions()).toEqual([]);
    await stub.revokeAllSessions();
    await stub.revokeAllRefreshTokens();
    await stub.revokeSession("session");
    await stub.revokeRefreshToken("secret");
    expect(await storage(id)).toEqual({ tables: [] });
  });
});

describe("a deleted user's object", () => {
  it("keeps a tombstone: no password, no sessions or tokens, and versions higher than before", async () => {
    const w = await world();
    const user = await createUser(w, "tomb@example.com", "password one");
    await loginOk(w, "tomb@example.com", "password one");
    const before = (await tombstone(user.id)).credential[0] as { credential_version: number; session_epoch: number; refresh_epoch: number };
    expect((await callJson("DELETE", `/api/v1/users/${user.id}`, { token: w.token })).status).toBe(204);

    const after = await tombstone(user.id);
    expect(after.sessions).toBe(0);
    expect(after.refreshTokens).toBe(0);
    expect(after.credential).toEqual([
      expect.objectContaining({
        status: "DELETED",
        password_hash: null,
        credential_version: before.credential_version + 1,
        session_epoch: before.session_epoch + 1,
        refresh_epoch: before.refresh_epoch + 1,
      }),
    ]);
    expect(await stubOf(user.id).credentialVersion()).toBeNull();
  });

  it("cannot be initialised again, and a second delete changes nothing", async () => {
    const w = await world();
    const user = await createUser(w, "again@example.com", "password one");
    expect((await callJson("DELETE", `/api/v1/users/${user.id}`, { token: w.token })).status).toBe(204);
    const first = await tombstone(user.id);

    expect(await stubOf(user.id).initialize("password two", "ACTIVE")).toEqual({ outcome: "EXISTS" });
    await stubOf(user.id).destroy();
    const second = await tombstone(user.id);
    expect(second.credential).toEqual([expect.objectContaining({ status: "DELETED", password_hash: null })]);
    expect((second.credential[0] as { credential_version: number }).credential_version).toBeGreaterThanOrEqual(
      (first.credential[0] as { credential_version: number }).credential_version,
    );
    expect(await stubOf(user.id).login("password two", GRANT, POLICY)).toEqual({ outcome: "INVALID_CREDENTIALS" });
  });
});

describe("a user's status", () => {
  it("deactivating raises every counter in the same commit and arms the sweep; reactivating restores nothing", () =>
    withUser("password one", async (store, state) => {
      await state.storage.deleteAlarm();
      expect(setStatus(store, "INACTIVE")).toEqual({ outcome: "UPDATED" });
      expect(readCredential(store)).toMatchObject({ status: "INACTIVE", credentialVersion: 1, sessionEpoch: 1, refreshEpoch: 1 });
      expect(await state.storage.getAlarm()).not.toBeNull();
      expect(credentialVersion(store)).toBeNull();
      expect(setStatus(store, "INACTIVE")).toEqual({ outcome: "UPDATED" });
      expect(setStatus(store, "ACTIVE")).toEqual({ outcome: "UPDATED" });
      expect(readCredential(store)).toMatchObject({ status: "ACTIVE", credentialVersion: 1, sessionEpoch: 1, refreshEpoch: 1 });
    }));

  it("cannot change once the user is deleted, and deletion takes the pending mail, the failure count and the alarm with it", () =>
    withUser("password one", async (store, state) => {
      await changePassword(store, KEYS, { newPassword: "password two", policy: POLICY, expectedCredentialVersion: 0, notification: notice("n1") });
      countAttempt(store, POLICY);
      // An alarm the runtime cannot have run on its own yet.
      await state.storage.setAlarm(Date.now() + 3_600_000);
      await destroy(store);
      expect({ pending: count(state, "pending_emails"), failures: count(state, "password_failures"), alarm: await state.storage.getAlarm() }).toEqual({
        pending: 0,
        failures: 0,
        alarm: null,
      });
      expect(setStatus(store, "ACTIVE")).toEqual({ outcome: "NOT_FOUND" });
    }));
});
