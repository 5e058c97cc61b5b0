// Code lifetimes, on a clock the test controls. Under @cloudflare/vitest-plugin the test, the
// Worker and the users' Durable Objects run in one isolate, so faking Date here moves Date.now()
// in all of them; the first test checks that, so the others cannot pass on a clock that did not move.
// Each code is issued at a fixed time T0 in the past (so alarms set by a password change still fire)
// and then the clock is set just before or just past T0 + lifetime.
import { afterEach, describe, expect, it, vi } from "vitest";
import { callJson } from "../../support/api";
import { HOUR, MINUTE, clockAt, codeRowsOfUser, setPolicy } from "../../support/codes";
import { type World, createUser, world } from "../../support/fixtures";
import { emailAuthCode, otp, reset, setStrategy } from "../../support/reset";
import { loginOk } from "../../support/sessions";

afterEach(() => {
  vi.useRealTimers();
});

const GOOD = "a new good password";
const SECOND = 1000;

/** Three days ago, on a whole second: every time the tests move to (at most T0 + 25 h) is still in the real past. */
const t0 = () => Math.floor(Date.now() / SECOND) * SECOND - 3 * 24 * HOUR;

async function adminLink(w: World, token: string, userId: string) {
  const res = await callJson("POST", "/api/v1/password-reset/create-password-reset-link", { token, body: { userId } });
  expect(res.status).toBe(200);
  return {
    code: new URL(res.body.passwordResetLink).searchParams.get("passwordResetCode")!,
    expiresAt: res.body.expiresAt as string,
  };
}

describe("the test controls the service's clock", () => {
  it("a faked Date reaches the Worker (code rows) and the user's Durable Object (sessions)", async () => {
    const w = await world();
    const user = await createUser(w, "clock@example.com", "old password 1");
    const T0 = t0();
    const token = await clockAt(w, T0);
    const link = await adminLink(w, token, user.id);
    const [row] = await codeRowsOfUser(user.id);
    expect(row?.created_at).toBe(T0);
    expect(link.expiresAt).toBe(new Date(T0 + 24 * HOUR).toISOString());
    // The session's creation time is taken inside the Durable Object.
    await loginOk({ ...w, token }, "clock@example.com", "old password 1");
    const sessions = await callJson("GET", `/api/v1/users/${user.id}/sessions`, { token });
    expect(sessions.body.items.map((s: { createdAt: string }) => s.createdAt)).toEqual([new Date(T0).toISOString()]);
  });
});

describe("default lifetimes", () => {
  it("an admin link's passwordResetCode lives 24 hours", async () => {
    const w = await world();
    const early = await createUser(w, "admin-early@example.com", "old password 1");
    const late = await createUser(w, "admin-late@example.com", "old password 1");
    const T0 = t0();
    let token = await clockAt(w, T0);
    const before = await adminLink(w, token, early.id);
    const after = await adminLink(w, token, late.id);
    expect(before.expiresAt).toBe(new Date(T0 + 24 * HOUR).toISOString());

    token = await clockAt(w, T0 + 24 * HOUR - SECOND);
    expect((await reset(token, { passwordResetCode: before.code, newPassword: GOOD })).body.result).toBe("PASSWORD_UPDATED");
    token = await clockAt(w, T0 + 24 * HOUR + SECOND);
    expect((await reset(token, { passwordResetCode: after.code, newPassword: GOOD })).body).toEqual({ result: "EXPIRED_CODE" });
  });

  it("an emailed link's emailAuthCode lives 60 minutes", async () => {
    const w = await world();
    await createUser(w, "link-early@example.com", "old password 1");
    await createUser(w, "link-late@example.com", "old password 1");
    const T0 = t0();
    let token = await clockAt(w, T0);
    const tw = { ...w, token };
    const before = await emailAuthCode(tw, "link-early@example.com");
    const after = await emailAuthCode(tw, "link-late@example.com");

    token = await clockAt(w, T0 + 60 * MINUTE - SECOND);
    expect((await reset(token, { emailAuthCode: before, newPassword: GOOD })).body.result).toBe("PASSWORD_UPDATED");
    token = await clockAt(w, T0 + 60 * MINUTE + SECOND);
    expect((await reset(token, { emailAuthCode: after, newPassword: GOOD })).body).toEqual({ result: "EXPIRED_CODE" });
  });

  it("an OTP request lives 15 minutes, even with the right verificationCode", async () => {
    const w = await world();
    await setStrategy(w, "OTP");
    await createUser(w, "otp-early@example.com", "old password 1");
    await createUser(w, "otp-late@example.com", "old password 1");
    const T0 = t0();
    let token = await clockAt(w, T0);
    const tw = { ...w, token };
    const before = await otp(tw, "otp-early@example.com");
    const after = await otp(tw, "otp-late@example.com");

    token = await clockAt(w, T0 + 15 * MINUTE - SECOND);
    expect((await reset(token, { ...before, newPassword: GOOD })).body.result).toBe("PASSWORD_UPDATED");
    token = await clockAt(w, T0 + 15 * MINUTE + SECOND);
    expect((await reset(token, { ...after, newPassword: GOOD })).body).toEqual({ result: "EXPIRED_CODE" });
  });

  it("an expired code leaves the password as it was", async () => {
    const w = await world();
    const user = await createUser(w, "expired-keeps@example.com", "old password 1");
    const T0 = t0();
    let token = await clockAt(w, T0);
    const link = await adminLink(w, token, user.id);
    token = await clockAt(w, T0 + 25 * HOUR);
    expect((await reset(token, { passwordResetCode: link.code, newPassword: GOOD })).body).toEqual({ result: "EXPIRED_CODE" });
    vi.useRealTimers();
    await loginOk(w, "expired-keeps@example.com", "old password 1");
  });
});

describe("lifetimes from the tenant's policy", () => {
  it("otpTtlSeconds 120: alive at 119 s, EXPIRED_CODE at 121 s", async () => {
    const w = await world();
    await setStrategy(w, "OTP", { otpTtlSeconds: 120 });
    await createUser(w, "otp-ttl@example.com", "old password 1");
    const T0 = t0();
    let token = await clockAt(w, T0);
    const code = await otp({ ...w, token }, "otp-ttl@example.com");

    // Still alive: the right code reaches the password policy, which a violation shows without spending it.
    token = await clockAt(w, T0 + 119 * SECOND);
    expect((await reset(token, { ...code, newPassword: "short" })).body.result).toBe("PASSWORD_POLICY_VIOLATION");
    token = await clockAt(w, T0 + 121 * SECOND);
    expect((await reset(token, { ...code, newPassword: GOOD })).body).toEqual({ result: "EXPIRED_CODE" });
  });

  it("emailLinkTtlSeconds 300: alive at 299 s, EXPIRED_CODE at 301 s", async () => {
    const w = await world();
    await setPolicy(w, { emailLinkTtlSeconds: 300 });
    await createUser(w, "link-ttl@example.com", "old password 1");
    const T0 = t0();
    let token = await clockAt(w, T0);
    const code = await emailAuthCode({ ...w, token }, "link-ttl@example.com");

    token = await clockAt(w, T0 + 299 * SECOND);
    expect((await reset(token, { emailAuthCode: code, newPassword: "short" })).body.result).toBe("PASSWORD_POLICY_VIOLATION");
    token = await clockAt(w, T0 + 301 * SECOND);
    expect((await reset(token, { emailAuthCode: code, newPassword: GOOD })).body).toEqual({ result: "EXPIRED_CODE" });
  });

  it("resetLinkTtlSeconds 600: the admin link says so, and expires after 601 s", async () => {
    const w = await world();
    await setPolicy(w, { resetLinkTtlSeconds: 600 });
    const user = await createUser(w, "admin-ttl@example.com", "old password 1");
    const T0 = t0();
    let token = await clockAt(w, T0);
    const link = await adminLink(w, token, user.id);
    expect(link.expiresAt).toBe(new Date(T0 + 600 * SECOND).toISOString());

    token = await clockAt(w, T0 + 599 * SECOND);
    expect((await reset(token, { passwordResetCode: link.code, newPassword: "short" })).body.result).toBe("PASSWORD_POLICY_VIOLATION");
    token = await clockAt(w, T0 + 601 * SECOND);
    expect((await reset(token, { passwordResetCode: link.code, newPassword: GOOD })).body).toEqual({ result: "EXPIRED_CODE" });
  });
});
