// The user's sessions (src/user-object/sessions.ts): alive while in the current epoch, unrevoked
// and within both lifetimes; listed newest first; revoked one at a time with their refresh tokens,
// or all at once by raising the epochs.
import { describe, expect, it } from "vitest";
import { readCredential } from "../../src/user-object/credential-row";
import { openSession } from "../../src/user-object/login";
import { refreshTokenStatus } from "../../src/user-object/refresh-tokens";
import { listSessions, revokeAllSessions, revokeSession, sessionStatus } from "../../src/user-object/sessions";
import { GRANT, KEYS, loggedIn, withUser } from "./module-store";

describe("sessions", () => {
  it("are listed newest first while alive; an idle or absolute end leaves the list", () =>
    withUser("password one", (store) => {
      const c = readCredential(store)!;
      const now = Date.now();
      const open = (grant: Partial<typeof GRANT>, at: number) => openSession(store, c, { ...GRANT, ...grant }, crypto.randomUUID(), null, at);
      const older = open({}, now - 2_000);
      const newer = open({}, now - 1_000);
      const idle = open({ idleTtlSeconds: 1 }, now - 5_000);
      const ended = open({ absoluteTtlSeconds: 1 }, now - 5_000);
      expect(listSessions(store).map((s) => s.sessionId)).toEqual([newer, older]);
      expect([idle, ended].map((id) => sessionStatus(store, id).active)).toEqual([false, false]);
      expect(sessionStatus(store, "no such session").active).toBe(false);
    }));

  it("end one at a time, each with its refresh tokens", () =>
    withUser("password one", async (store) => {
      const [first, second] = [await loggedIn(store), await loggedIn(store)];
      revokeSession(store, first.sessionId);
      expect(sessionStatus(store, first.sessionId).active).toBe(false);
      expect((await refreshTokenStatus(store, KEYS, first.refreshToken)).active).toBe(false);
      expect(sessionStatus(store, second.sessionId).active).toBe(true);
      expect((await refreshTokenStatus(store, KEYS, second.refreshToken)).active).toBe(true);
    }));

  it("end all at once by raising both epochs, the alarm armed to sweep the rows", () =>
    withUser("password one", async (store, state) => {
      const sessions = [await loggedIn(store), await loggedIn(store), await loggedIn(store)];
      await state.storage.deleteAlarm();
      revokeAllSessions(store);
      expect(await state.storage.getAlarm()).not.toBeNull();
      expect(readCredential(store)).toMatchObject({ sessionEpoch: 1, refreshEpoch: 1, credentialVersion: 0 });
      expect(listSessions(store)).toEqual([]);
      for (const s of sessions) expect((await refreshTokenStatus(store, KEYS, s.refreshToken)).active).toBe(false);
    }));
});
