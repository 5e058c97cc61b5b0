// Refresh tokens (src/user-object/refresh-tokens.ts): stored as keyed hashes, rotated on use, and
// a rotated token presented again once its successor was used is reuse, which ends the session
// (RFC 9700 §4.14.2). Revoking one ends its family; revoking all keeps the sessions.
import { describe, expect, it } from "vitest";
import { readCredential } from "../../src/user-object/credential-row";
import { refresh, refreshTokenStatus, revokeAllRefreshTokens, revokeRefreshToken } from "../../src/user-object/refresh-tokens";
import { sessionStatus } from "../../src/user-object/sessions";
import type { UserStore } from "../../src/user-object/store";
import { KEYS, count, loggedIn, withUser } from "./module-store";

async function rotated(store: UserStore, secret: string): Promise<string> {
  const outcome = await refresh(store, KEYS, secret, "client");
  if (outcome.outcome !== "ROTATED") throw new Error(outcome.outcome);
  return outcome.refreshToken;
}

describe("refresh tokens", () => {
  it("are stored only as keyed hashes, and rotate: the successor is current, the presented token no longer", () =>
    withUser("password one", async (store, state) => {
      const session = await loggedIn(store);
      const stored = state.storage.sql.exec<{ token_hash: string }>("SELECT token_hash FROM refresh_tokens").toArray();
      expect(stored.map((r) => r.token_hash)).not.toContain(session.refreshToken);
      const outcome = await refresh(store, KEYS, session.refreshToken, "client");
      expect(outcome).toMatchObject({ outcome: "ROTATED", sessionId: session.sessionId, applicationId: "app", tenantId: "tenant" });
      const next = outcome.outcome === "ROTATED" ? outcome.refreshToken : "";
      expect(await refreshTokenStatus(store, KEYS, next)).toMatchObject({ active: true, sessionId: session.sessionId, clientId: "client" });
      expect(await refreshTokenStatus(store, KEYS, session.refreshToken)).toEqual({ active: false });
      expect(count(state, "refresh_tokens")).toBe(2);
    }));

  it("end the session when a rotated token comes back after its successor was used", () =>
    withUser("password one", async (store) => {
      const session = await loggedIn(store);
      const second = await rotated(store, session.refreshToken);
      const third = await rotated(store, second);
      expect(await refresh(store, KEYS, session.refreshToken, "client")).toEqual({ outcome: "INVALID" });
      expect(sessionStatus(store, session.sessionId).active).toBe(false);
      expect(await refresh(store, KEYS, third, "client")).toEqual({ outcome: "INVALID" });
    }));

  it("are unknown to any client but the one they were issued to, and to every client when they name none (rows older than the column)", () =>
    withUser("password one", async (store, state) => {
      const session = await loggedIn(store);
      expect(await refresh(store, KEYS, session.refreshToken, "another client")).toEqual({ outcome: "INVALID" });
      await revokeRefreshToken(store, KEYS, session.refreshToken, "another client");
      expect(sessionStatus(store, session.sessionId).active).toBe(true);
      const next = await rotated(store, session.refreshToken);
      state.storage.sql.exec("UPDATE refresh_tokens SET client_id = NULL");
      expect(await refresh(store, KEYS, next, "client")).toEqual({ outcome: "INVALID" });
      expect(sessionStatus(store, session.sessionId).active).toBe(true);
    }));

  it("are unknown when never issued", () =>
    withUser("password one", async (store) => {
      expect(await refresh(store, KEYS, "never issued", "client")).toEqual({ outcome: "INVALID" });
      expect(await refreshTokenStatus(store, KEYS, "never issued")).toEqual({ active: false });
    }));

  it("are revoked with their whole family, the session included (RFC 7009)", () =>
    withUser("password one", async (store) => {
      const session = await loggedIn(store);
      const next = await rotated(store, session.refreshToken);
      await revokeRefreshToken(store, KEYS, session.refreshToken);
      expect(sessionStatus(store, session.sessionId).active).toBe(false);
      expect((await refreshTokenStatus(store, KEYS, next)).active).toBe(false);
    }));

  it("are revoked all at once by raising the refresh epoch, the sessions kept", () =>
    withUser("password one", async (store) => {
      const session = await loggedIn(store);
      revokeAllRefreshTokens(store);
      expect(readCredential(store)).toMatchObject({ sessionEpoch: 0, refreshEpoch: 1 });
      expect(await refresh(store, KEYS, session.refreshToken, "client")).toEqual({ outcome: "INVALID" });
      expect(sessionStatus(store, session.sessionId).active).toBe(true);
    }));
});
