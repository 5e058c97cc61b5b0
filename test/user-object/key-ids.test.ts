// What the object reports about the keys its secrets depend on (src/user-object/key-ids.ts): the
// pepper of the password hash, and per SECRET_HASH_KEY kid the latest absolute end of a session
// holding an unrotated live refresh token, rounded up to the day. Revoked, rotated and dead tokens
// are left out; so is everything of a tombstone.
import { describe, expect, it } from "vitest";
import { keyIdReport } from "../../src/user-object/key-ids";
import { destroy } from "../../src/user-object/lifecycle";
import { refresh, revokeAllRefreshTokens } from "../../src/user-object/refresh-tokens";
import { revokeSession } from "../../src/user-object/sessions";
import { GRANT, KEYS, loggedIn, withUser } from "./module-store";

const DAY = 24 * 60 * 60 * 1000;

describe("the key id report", () => {
  it("names the password's pepper and the refresh tokens' key until their session's absolute end, rounded up to the day", () =>
    withUser("password one", async (store) => {
      expect(keyIdReport(store)).toMatchObject({ passwordKeyId: "p1", refreshKeyIds: {} });
      const now = Date.now();
      await loggedIn(store);
      const report = keyIdReport(store, now);
      const end = now + GRANT.absoluteTtlSeconds * 1000;
      expect(Object.keys(report.refreshKeyIds)).toEqual(["h1"]);
      expect(report.refreshKeyIds.h1! % DAY).toBe(0);
      expect(report.refreshKeyIds.h1!).toBeGreaterThanOrEqual(end);
      expect(report.refreshKeyIds.h1! - end).toBeLessThan(DAY + 1000);
      expect(report.reportedAt).toBe(now);
    }));

  it("leaves out rotated, revoked and outlived tokens", () =>
    withUser("password one", async (store) => {
      const first = await loggedIn(store);
      const rotated = await refresh(store, KEYS, first.refreshToken, "client");
      expect(rotated.outcome).toBe("ROTATED");
      // One unrotated token left (the successor), under h1.
      expect(Object.keys(keyIdReport(store).refreshKeyIds)).toEqual(["h1"]);
      revokeSession(store, first.sessionId);
      expect(keyIdReport(store).refreshKeyIds).toEqual({});
      await loggedIn(store);
      expect(Object.keys(keyIdReport(store).refreshKeyIds)).toEqual(["h1"]);
      expect(keyIdReport(store, Date.now() + GRANT.absoluteTtlSeconds * 1000 + 1).refreshKeyIds).toEqual({});
      revokeAllRefreshTokens(store);
      expect(keyIdReport(store).refreshKeyIds).toEqual({});
    }));

  it("reports nothing for a tombstone", () =>
    withUser("password one", async (store) => {
      await loggedIn(store);
      await destroy(store);
      expect(keyIdReport(store)).toMatchObject({ passwordKeyId: null, refreshKeyIds: {} });
    }));
});
