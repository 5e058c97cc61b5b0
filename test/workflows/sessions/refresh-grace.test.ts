// Issue 10 item 6: a refresh whose response was lost can be retried with the old token, until
// its successor is first used or REFRESH_GRACE_MS has passed; any later use is reuse (RFC 9700)
// and revokes the family. A reset kills every token, grace or not.
import { afterEach, describe, expect, it, vi } from "vitest";
import { REFRESH_GRACE_MS } from "../../../src/user-object/session-state";
import { createUser, world } from "../../support/fixtures";
import { adminLinkCode, reset } from "../../support/reset";
import { introspect, loginOk, refresh } from "../../support/sessions";

afterEach(() => {
  vi.useRealTimers();
});

/** A user logged in once; returns the world, the session and its first refresh token. */
async function session(email: string) {
  const w = await world();
  const user = await createUser(w, email, "password one");
  const s = await loginOk(w, email, "password one");
  return { w, user, s };
}

/** Freezes the clock of the Worker and the user's object (one isolate) at `at`. */
function clockAt(at: number): void {
  vi.useFakeTimers({ toFake: ["Date"] });
  vi.setSystemTime(at);
}

describe("refresh after a lost response", () => {
  it("accepts the rotated token again while its successor is unused, and the new token carries on", async () => {
    const { w, s } = await session("lost@example.com");
    const lost = await refresh(w, s.refreshToken);
    expect(lost.status).toBe(200);

    const retry = await refresh(w, s.refreshToken);
    expect(retry.status).toBe(200);
    expect(retry.body.refresh_token).not.toBe(lost.body.refresh_token);
    expect((await introspect(w, retry.body.access_token)).active).toBe(true);
    expect((await refresh(w, retry.body.refresh_token)).status).toBe(200);
  });

  it("spends the successor the client never got: presenting it later is reuse and revokes the family", async () => {
    const { w, s } = await session("orphan@example.com");
    const lost = await refresh(w, s.refreshToken);
    const retry = await refresh(w, s.refreshToken);

    expect((await refresh(w, lost.body.refresh_token)).status).toBe(400);
    expect((await refresh(w, retry.body.refresh_token)).status).toBe(400);
    expect((await introspect(w, retry.body.access_token)).active).toBe(false);
  });

  it("ends the grace when the successor is first used: the old token is then reuse and revokes the family", async () => {
    const { w, s } = await session("used@example.com");
    const first = await refresh(w, s.refreshToken);
    const second = await refresh(w, first.body.refresh_token);
    expect(second.status).toBe(200);

    expect((await refresh(w, s.refreshToken)).status).toBe(400);
    expect((await refresh(w, second.body.refresh_token)).status).toBe(400);
    expect((await introspect(w, second.body.access_token)).active).toBe(false);
  });

  it(`holds for ${REFRESH_GRACE_MS / 1000} seconds after the rotation and not a millisecond longer`, async () => {
    const start = Date.now();
    const { w: w1, s: s1 } = await session("edge-in@example.com");
    clockAt(start + 60_000);
    await refresh(w1, s1.refreshToken);
    clockAt(start + 60_000 + REFRESH_GRACE_MS);
    expect((await refresh(w1, s1.refreshToken)).status).toBe(200);

    vi.useRealTimers();
    const { w: w2, s: s2 } = await session("edge-out@example.com");
    clockAt(start + 120_000);
    const lost = await refresh(w2, s2.refreshToken);
    clockAt(start + 120_000 + REFRESH_GRACE_MS + 1);
    expect((await refresh(w2, s2.refreshToken)).status).toBe(400);
    // Past the grace the retry was reuse: the unused successor died with the family.
    expect((await refresh(w2, lost.body.refresh_token)).status).toBe(400);
  });

  it("does not survive a password reset: every token dies, grace or not", async () => {
    const { w, user, s } = await session("reset-grace@example.com");
    const lost = await refresh(w, s.refreshToken);
    const code = await adminLinkCode(w, user.id);
    expect((await reset(w.token, { passwordResetCode: code, newPassword: "password two" })).body.result).toBe("PASSWORD_UPDATED");

    expect((await refresh(w, s.refreshToken)).status).toBe(400);
    expect((await refresh(w, lost.body.refresh_token)).status).toBe(400);
  });
});
