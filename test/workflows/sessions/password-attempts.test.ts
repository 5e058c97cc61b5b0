// Password guessing against one user, at login and at Change Password's current password: a few
// failures for free, then each attempt waits (429 with Retry-After, doubling up to a cap), and
// after the hard limit nothing but a password reset or change lets the password be tried again.
// The clock is the test's (vi fake Date): a delay shows in Retry-After, never in waiting.
import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { callJson } from "../../support/api";
import { clockAt, createUserWithStatus, setPolicy } from "../../support/codes";
import { type World, createUser, world } from "../../support/fixtures";
import { adminLinkCode, reset } from "../../support/reset";
import { loginOk } from "../../support/sessions";

const RIGHT = "the right password";
const WRONG = "a wrong password";
const NEW = "a brand new password";
const T0 = Date.UTC(2031, 0, 1);

function login(w: World, email: string, password: string, token = w.token) {
  return callJson("POST", "/api/v1/login", { token, body: { tenantId: w.tenantId, email, password } });
}

function changePassword(accessToken: string, userId: string, currentPassword: string) {
  return callJson("POST", "/api/v1/change-password", { token: accessToken, body: { userId, currentPassword, newPassword: NEW } });
}

/** The status, error code and Retry-After of an answer. */
function verdict(a: { status: number; body: any; res: Response }) {
  return { status: a.status, code: a.body?.code ?? a.body?.result, retryAfter: a.res.headers.get("Retry-After") };
}

const INVALID = { status: 200, code: "INVALID_CREDENTIALS", retryAfter: null };
const waitFor = (seconds: number) => ({ status: 429, code: "too_many_attempts", retryAfter: String(seconds) });
const STOPPED = { status: 429, code: "password_reset_required", retryAfter: null };

afterEach(() => {
  vi.useRealTimers();
});

describe("password attempts per user", () => {
  it("defaults to 5 free failures, a 1 s delay doubling to 900 s, and a hard stop at 100", async () => {
    const w = await world();
    const res = await callJson("GET", `/api/v1/tenants/${w.tenantId}/password-reset-policy`, { token: w.token });
    expect(res.body).toMatchObject({
      passwordFailuresBeforeDelay: 5,
      passwordFailureDelaySeconds: 1,
      passwordFailureMaxDelaySeconds: 900,
      passwordFailureLimit: 100,
    });
  });

  it("300 wrong passwords at once, then the right one: 5 are checked, the rest and the right one wait (Retry-After), then it is let in", async () => {
    const w = await world();
    await createUser(w, "victim@example.com", RIGHT);
    const token = await clockAt(w, T0);
    // Parallel guesses are counted one by one, before any hash is checked: none shares a free attempt.
    const answers = (await Promise.all(Array.from({ length: 300 }, () => login(w, "victim@example.com", WRONG, token)))).map(verdict);
    expect(answers.filter((a) => a.status === 200)).toEqual(Array(5).fill(INVALID));
    expect(answers.filter((a) => a.status !== 200)).toEqual(Array(295).fill(waitFor(1)));
    expect(verdict(await login(w, "victim@example.com", RIGHT, token))).toEqual(waitFor(1));
    vi.setSystemTime(T0 + 1000);
    expect((await login(w, "victim@example.com", RIGHT, token)).body.result).toBe("SUCCESS");
  });

  it("doubles the wait with each further failure, up to the maximum", async () => {
    const w = await world();
    await setPolicy(w, { passwordFailuresBeforeDelay: 1, passwordFailureDelaySeconds: 2, passwordFailureMaxDelaySeconds: 5 });
    await createUser(w, "doubling@example.com", RIGHT);
    const token = await clockAt(w, T0);
    expect(verdict(await login(w, "doubling@example.com", WRONG, token))).toEqual(INVALID);
    expect(verdict(await login(w, "doubling@example.com", RIGHT, token))).toEqual(waitFor(2));
    // Each failure after the free one waits twice as long as the one before, capped at 5 s.
    let now = T0 + 2000;
    for (const next of [4, 5, 5]) {
      vi.setSystemTime(now);
      expect(verdict(await login(w, "doubling@example.com", WRONG, token))).toEqual(INVALID);
      expect(verdict(await login(w, "doubling@example.com", RIGHT, token))).toEqual(waitFor(next));
      now += next * 1000;
    }
    vi.setSystemTime(now);
    expect((await login(w, "doubling@example.com", RIGHT, token)).body.result).toBe("SUCCESS");
  });

  it("a success starts the count again", async () => {
    const w = await world();
    await createUser(w, "success@example.com", RIGHT);
    const token = await clockAt(w, T0);
    for (let i = 0; i < 4; i++) expect(verdict(await login(w, "success@example.com", WRONG, token))).toEqual(INVALID);
    expect((await login(w, "success@example.com", RIGHT, token)).body.result).toBe("SUCCESS");
    for (let i = 0; i < 5; i++) expect(verdict(await login(w, "success@example.com", WRONG, token))).toEqual(INVALID);
    expect(verdict(await login(w, "success@example.com", WRONG, token))).toEqual(waitFor(1));
  });

  it("stops at the limit (default 100): no wait helps, but a reset still works and starts the count again", async () => {
    const w = await world();
    const user = await createUser(w, "stopped@example.com", RIGHT);
    const token = await clockAt(w, T0);
    // 99 earlier failures, the last long enough ago that the 100th may be made now.
    await runInDurableObject(env.USERS.get(env.USERS.idFromName(user.id)), (_i, state) => {
      state.storage.sql.exec("INSERT INTO password_failures (id, failures, last_failed_at) VALUES (1, 99, ?)", T0 - 900_000);
    });
    expect(verdict(await login(w, "stopped@example.com", WRONG, token))).toEqual(INVALID);
    expect(verdict(await login(w, "stopped@example.com", RIGHT, token))).toEqual(STOPPED);
    const later = await clockAt(w, T0 + 30 * 86_400_000);
    expect(verdict(await login(w, "stopped@example.com", RIGHT, later))).toEqual(STOPPED);
    // The failures never touch the reset path: an admin link (or an emailed code) still resets.
    const code = await adminLinkCode(w, user.id, later);
    expect((await reset(later, { passwordResetCode: code, newPassword: NEW })).body.result).toBe("PASSWORD_UPDATED");
    expect((await login(w, "stopped@example.com", NEW, later)).body.result).toBe("SUCCESS");
  });

  it("a reset clears failures counted against the old password", async () => {
    const w = await world();
    const user = await createUser(w, "reset-clears@example.com", RIGHT);
    const token = await clockAt(w, T0);
    for (let i = 0; i < 5; i++) await login(w, "reset-clears@example.com", WRONG, token);
    expect((await login(w, "reset-clears@example.com", WRONG, token)).status).toBe(429);
    const code = await adminLinkCode(w, user.id, token);
    expect((await reset(token, { passwordResetCode: code, newPassword: NEW })).body.result).toBe("PASSWORD_UPDATED");
    for (let i = 0; i < 5; i++) expect(verdict(await login(w, "reset-clears@example.com", WRONG, token))).toEqual(INVALID);
  });

  it("is configurable per tenant, within documented bounds (the limit never above NIST's 100)", async () => {
    const w = await world();
    const patch = (body: Record<string, unknown>) => callJson("PATCH", `/api/v1/tenants/${w.tenantId}/password-reset-policy`, { token: w.token, body });
    const ok = await patch({ passwordFailuresBeforeDelay: 3, passwordFailureDelaySeconds: 10, passwordFailureMaxDelaySeconds: 3600, passwordFailureLimit: 20 });
    expect(ok.body).toMatchObject({ passwordFailuresBeforeDelay: 3, passwordFailureDelaySeconds: 10, passwordFailureMaxDelaySeconds: 3600, passwordFailureLimit: 20 });
    expect((await patch({ passwordFailureLimit: 101 })).status).toBe(400);
    expect((await patch({ passwordFailuresBeforeDelay: 21 })).status).toBe(400);
    expect((await patch({ passwordFailureMaxDelaySeconds: 5 })).status).toBe(400);
  });

  it("a configured limit stops sooner", async () => {
    const w = await world();
    await setPolicy(w, { passwordFailureLimit: 3 });
    await createUser(w, "three@example.com", RIGHT);
    for (let i = 0; i < 3; i++) expect(verdict(await login(w, "three@example.com", WRONG))).toEqual(INVALID);
    expect(verdict(await login(w, "three@example.com", RIGHT))).toEqual(STOPPED);
  });
});

describe("an email with no active user", () => {
  it("is throttled exactly like a real one, so a 429 tells nothing about the account", async () => {
    const w = await world();
    await createUser(w, "real@example.com", RIGHT);
    await createUserWithStatus(w, "inactive@example.com", "INACTIVE", RIGHT);
    const token = await clockAt(w, T0);
    const sequence = async (email: string) => {
      vi.setSystemTime(T0);
      const answers = (await Promise.all(Array.from({ length: 8 }, () => login(w, email, WRONG, token)))).map(verdict);
      vi.setSystemTime(T0 + 1000);
      answers.push(verdict(await login(w, email, WRONG, token)), verdict(await login(w, email, RIGHT, token)));
      return answers.sort((a, b) => a.status - b.status);
    };
    const real = await sequence("real@example.com");
    expect(real).toEqual([...Array(6).fill(INVALID), ...Array(3).fill(waitFor(1)), waitFor(2)]);
    expect(await sequence("nobody@example.com")).toEqual(real);
    expect(await sequence("inactive@example.com")).toEqual(real);
  });
});

describe("Change Password's current password", () => {
  it("shares the user's count with login: throttled the same way, and the change clears it", async () => {
    const w = await world();
    const user = await createUser(w, "change@example.com", RIGHT);
    const token = await clockAt(w, T0);
    const { accessToken } = await loginOk({ ...w, token }, "change@example.com", RIGHT);
    for (let i = 0; i < 3; i++) expect(verdict(await login(w, "change@example.com", WRONG, token))).toEqual(INVALID);
    for (let i = 0; i < 2; i++) expect((await changePassword(accessToken, user.id, WRONG)).body).toEqual({ result: "INVALID_CURRENT_PASSWORD" });
    const refused = await changePassword(accessToken, user.id, RIGHT);
    expect(verdict(refused)).toEqual(waitFor(1));
    expect(refused.body).toMatchObject({ type: "base_error", code: "too_many_attempts" });
    expect(verdict(await login(w, "change@example.com", RIGHT, token))).toEqual(waitFor(1));
    vi.setSystemTime(T0 + 1000);
    expect((await changePassword(accessToken, user.id, RIGHT)).body.result).toBe("PASSWORD_UPDATED");
    for (let i = 0; i < 5; i++) expect(verdict(await login(w, "change@example.com", WRONG, token))).toEqual(INVALID);
  });

  it("a right current password starts the count again", async () => {
    const w = await world();
    await setPolicy(w, { passwordFailuresBeforeDelay: 2 });
    const user = await createUser(w, "change-ok@example.com", RIGHT);
    const { accessToken } = await loginOk(w, "change-ok@example.com", RIGHT);
    expect((await changePassword(accessToken, user.id, WRONG)).status).toBe(200);
    expect((await changePassword(accessToken, user.id, RIGHT)).body.result).toBe("PASSWORD_UPDATED");
    for (let i = 0; i < 2; i++) expect(verdict(await login(w, "change-ok@example.com", WRONG))).toEqual(INVALID);
  });
});
