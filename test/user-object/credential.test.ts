// The user's password (src/user-object/credential.ts): a change commits the new hash, raises the
// credential version and both epochs, clears counted failures and queues its notice, all in one
// transactionSync after the last await, or changes nothing at all.
import { describe, expect, it, vi } from "vitest";
import { base64url } from "jose";
import { parsePasswordHash, verifyPassword } from "../../src/crypto/password-hash";
import { POLICY_DEFAULTS } from "../../src/policy/password-reset-policy";
import { type ChangePasswordInput, changePassword, credentialVersion } from "../../src/user-object/credential";
import { readCredential } from "../../src/user-object/credential-row";
import { setStatus } from "../../src/user-object/lifecycle";
import { login } from "../../src/user-object/login";
import { countAttempt } from "../../src/user-object/password-failures";
import { sessionStatus } from "../../src/user-object/sessions";
import { GRANT, KEYS, count, notice, withUser } from "./module-store";

const POLICY = POLICY_DEFAULTS;

describe("a password change", () => {
  it("commits the new hash with every counter raised, failures cleared, the notice queued and the alarm armed", async () => {
    const after = await withUser("password one", async (store, state) => {
      const session = await login(store, KEYS, "password one", GRANT, POLICY);
      countAttempt(store, POLICY);
      await state.storage.deleteAlarm();
      const outcome = await changePassword(store, KEYS, { newPassword: "password two", policy: POLICY, expectedCredentialVersion: 0, codeId: "code-1", notification: notice("n1") });
      // Read before any other await: the runtime may run the alarm on its own once it is due.
      const alarm = await state.storage.getAlarm();
      const c = readCredential(store)!;
      return {
        outcome,
        counters: { credentialVersion: c.credentialVersion, sessionEpoch: c.sessionEpoch, refreshEpoch: c.refreshEpoch, changedByCode: c.changedByCode },
        newPassword: (await verifyPassword("password two", c.passwordHash!, await KEYS.peppers())).valid,
        failures: count(state, "password_failures"),
        pending: state.storage.sql.exec<{ id: string }>("SELECT id FROM pending_emails").toArray(),
        alarm,
        session: session.outcome === "SUCCESS" && sessionStatus(store, session.sessionId),
      };
    });
    expect(after).toMatchObject({
      outcome: { outcome: "UPDATED", credentialVersion: 1 },
      counters: { credentialVersion: 1, sessionEpoch: 1, refreshEpoch: 1, changedByCode: "code-1" },
      newPassword: true,
      failures: 0,
      pending: [{ id: "n1" }],
      session: { active: false },
    });
    expect(after.alarm).not.toBeNull();
  });

  it("changes nothing when any part of the commit fails (here the notice cannot be queued)", async () => {
    const after = await withUser("password one", async (store, state) => {
      await changePassword(store, KEYS, { newPassword: "password two", policy: POLICY, expectedCredentialVersion: 0, notification: notice("n1") });
      const before = readCredential(store)!;
      // The same notice id again: its insert fails inside the transaction, after the password was written.
      const failed = await changePassword(store, KEYS, { newPassword: "password three", policy: POLICY, expectedCredentialVersion: 1, notification: notice("n1") }).then(
        () => "committed",
        () => "threw",
      );
      const c = readCredential(store)!;
      return { failed, unchanged: c.passwordHash === before.passwordHash && c.credentialVersion === 1 && c.sessionEpoch === 1 && c.refreshEpoch === 1, pending: count(state, "pending_emails") };
    });
    expect(after).toEqual({ failed: "threw", unchanged: true, pending: 1 });
  });

  it("lets only one of two concurrent changes from the same version commit; the other is STALE", async () => {
    const after = await withUser("password one", async (store) => {
      const outcomes = await Promise.all(
        ["password two", "password three"].map((newPassword) => changePassword(store, KEYS, { newPassword, policy: POLICY, expectedCredentialVersion: 0 })),
      );
      return { outcomes: outcomes.map((o) => o.outcome).sort(), version: credentialVersion(store) };
    });
    expect(after).toEqual({ outcomes: ["STALE", "UPDATED"], version: 1 });
  });

  it("replays UPDATED to a retry of the committed code with the same password; anything else is STALE", async () => {
    const outcomes = await withUser("password one", async (store) => {
      const change = (newPassword: string, codeId: string) => changePassword(store, KEYS, { newPassword, policy: POLICY, expectedCredentialVersion: 0, codeId });
      return [await change("password two", "code-1"), await change("password two", "code-1"), await change("password three", "code-1"), await change("password two", "code-2")];
    });
    expect(outcomes).toEqual([
      { outcome: "UPDATED", credentialVersion: 1 },
      { outcome: "UPDATED", credentialVersion: 1 },
      { outcome: "STALE" },
      { outcome: "STALE" },
    ]);
  });

  it("checks the current password, counting the attempt before the hash, then the policy, then same_as_current", async () => {
    const after = await withUser("password one", async (store, state) => {
      const change = (currentPassword: string, newPassword: string) => changePassword(store, KEYS, { newPassword, policy: POLICY, currentPassword });
      const wrong = await change("not my password", "password two");
      const failures = count(state, "password_failures");
      return { wrong, failures, short: await change("password one", "short"), same: await change("password one", "password one"), version: credentialVersion(store) };
    });
    expect(after.wrong).toEqual({ outcome: "WRONG_CURRENT_PASSWORD" });
    expect(after.failures).toBe(1);
    expect(after.short.outcome).toBe("POLICY_VIOLATION");
    expect(after.same).toMatchObject({ outcome: "POLICY_VIOLATION", violations: [{ code: "same_as_current" }] });
    expect(after.version).toBe(0);
  });

  // SECURITY.md "One salt per stored hash": a reset could save a derivation by keeping the old
  // salt, and this pins that it does not.
  it("stores every new password under a fresh salt, by code or by current password, so a return to an earlier password hashes differently", async () => {
    const hashes = await withUser("password one", async (store) => {
      const stored = () => readCredential(store)!.passwordHash!;
      const seen = [stored()];
      const steps = [
        { newPassword: "password two", expectedCredentialVersion: 0 },
        { newPassword: "password one", expectedCredentialVersion: 1 },
        { newPassword: "password three", currentPassword: "password one" },
      ];
      for (const step of steps) {
        expect(await changePassword(store, KEYS, { ...step, policy: POLICY })).toMatchObject({ outcome: "UPDATED" });
        seen.push(stored());
      }
      return seen;
    });
    const salts = hashes.map((h) => base64url.encode(parsePasswordHash(h)!.salt));
    expect(new Set(salts).size).toBe(4);
    expect(hashes[2]).not.toBe(hashes[0]);
  });

  it("derives twice, for a reset by code (same_as_current, the new hash) and for Change Password (the current password, the new hash)", async () => {
    const derivations = await withUser("password one", async (store) => {
      const deriveBits = vi.spyOn(crypto.subtle, "deriveBits");
      try {
        const counted = async (input: Omit<ChangePasswordInput, "policy">) => {
          const before = deriveBits.mock.calls.length;
          expect(await changePassword(store, KEYS, { ...input, policy: POLICY })).toMatchObject({ outcome: "UPDATED" });
          return deriveBits.mock.calls.length - before;
        };
        return {
          byCode: await counted({ newPassword: "password two", expectedCredentialVersion: 0 }),
          byCurrentPassword: await counted({ newPassword: "password three", currentPassword: "password two" }),
        };
      } finally {
        deriveBits.mockRestore();
      }
    });
    expect(derivations).toEqual({ byCode: 2, byCurrentPassword: 2 });
  });

  it("is NOT_ACTIVE for an inactive user, whose version reset codes cannot be issued at", async () => {
    const after = await withUser("password one", async (store) => {
      setStatus(store, "INACTIVE");
      return { outcome: await changePassword(store, KEYS, { newPassword: "password two", policy: POLICY, expectedCredentialVersion: 1 }), version: credentialVersion(store) };
    });
    expect(after).toEqual({ outcome: { outcome: "NOT_ACTIVE" }, version: null });
  });
});
