// A host Worker on the same account calls the service over its service binding. The binding's
// props name the application's client, so no secret or token crosses it. Calls are typed by the
// package's `./rpc` export and go from the second Worker of test/fixtures/host-app.js.
import { describe, expect, it } from "vitest";
import { callJson } from "../support/api";
import { setPolicy } from "../support/codes";
import { createUser, scopedToken, world } from "../support/fixtures";
import { emailAuthCodeOf, verificationCodeOf, waitForMail } from "../support/mailbox";
import { BREACHED, BREACHED_PASSWORD, PROVIDER_DOWN_PASSWORD } from "../support/pwned-passwords";
import { setStrategy } from "../support/reset";
import { boundWorld, failed, rpc, succeeded, unboundRpc } from "../support/rpc";

describe("RPC from another Worker over a service binding", () => {
  it("resets by emailed link: request, reset, and the old session is dead", async () => {
    const w = await boundWorld();
    const user = await createUser(w, "rpc-link@example.com", "password one");
    const session = await succeeded(rpc.login({ tenantId: w.tenantId, email: "rpc-link@example.com", password: "password one" }));
    if (session.result !== "SUCCESS") throw new Error("login failed");
    expect((await succeeded(rpc.introspect({ token: session.accessToken }))).active).toBe(true);

    expect(await succeeded(rpc.requestPasswordReset({ tenantId: w.tenantId, email: "rpc-link@example.com" }))).toEqual({ emailVerificationStrategy: "LINK" });
    const code = emailAuthCodeOf(await waitForMail("rpc-link@example.com", "PASSWORD_RESET_LINK"));
    expect(await succeeded(rpc.resetPassword({ emailAuthCode: code, newPassword: "password two" }))).toEqual({
      result: "PASSWORD_UPDATED",
      userId: user.id,
      tenantId: w.tenantId,
    });
    expect(await succeeded(rpc.resetPassword({ emailAuthCode: code, newPassword: "password three" }))).toEqual({ result: "INVALID_CODE" });
    expect(await succeeded(rpc.introspect({ token: session.accessToken }))).toEqual({ active: false });
    expect(await failed(rpc.refresh({ refreshToken: session.refreshToken }))).toMatchObject({ status: 400, code: "invalid_grant", retryable: false });
    expect(await succeeded(rpc.login({ tenantId: w.tenantId, email: "rpc-link@example.com", password: "password one" }))).toEqual({ result: "INVALID_CREDENTIALS" });
  });

  it("resets by OTP and by admin link, and reports policy violations as results", async () => {
    const w = await boundWorld();
    const user = await createUser(w, "rpc-otp@example.com", "password one");
    await setStrategy(w, "OTP");
    const requested = await succeeded(rpc.requestPasswordReset({ tenantId: w.tenantId, email: "rpc-otp@example.com" }));
    if (requested.emailVerificationStrategy !== "OTP") throw new Error("expected OTP");
    const verificationCode = verificationCodeOf(await waitForMail("rpc-otp@example.com", "PASSWORD_RESET_OTP"));
    expect(await succeeded(rpc.resetPassword({ requestCode: requested.requestCode, verificationCode, newPassword: "x" }))).toMatchObject({
      result: "PASSWORD_POLICY_VIOLATION",
      violations: [{ code: "too_short" }],
    });
    expect((await succeeded(rpc.resetPassword({ requestCode: requested.requestCode, verificationCode, newPassword: "password two" }))).result).toBe("PASSWORD_UPDATED");
    await setStrategy(w, "LINK");

    const link = await succeeded(rpc.createPasswordResetLink({ userId: user.id }));
    expect(link.expiresAt).toMatch(/^\d{4}-\d\d-\d\dT/);
    const passwordResetCode = new URL(link.passwordResetLink).searchParams.get("passwordResetCode")!;
    expect((await succeeded(rpc.resetPassword({ passwordResetCode, newPassword: "password three" }))).result).toBe("PASSWORD_UPDATED");
  });

  it("logs in, refreshes with rotation, changes the password with the user's own token, and revokes", async () => {
    const w = await boundWorld();
    const user = await createUser(w, "rpc-session@example.com", "password one");
    const session = await succeeded(rpc.login({ tenantId: w.tenantId, email: "rpc-session@example.com", password: "password one" }));
    if (session.result !== "SUCCESS") throw new Error("login failed");

    const rotated = await succeeded(rpc.refresh({ refreshToken: session.refreshToken }));
    expect(rotated).toMatchObject({ token_type: "Bearer", refresh_token: expect.any(String), scope: expect.any(String) });
    const introspected = await succeeded(rpc.introspect({ token: rotated.access_token }));
    expect(introspected).toMatchObject({ active: true, sub: user.id, client_id: w.clientId });

    expect(
      await failed(rpc.changePassword({ userAccessToken: "not-a-token", userId: user.id, currentPassword: "password one", newPassword: "password two" })),
    ).toMatchObject({ status: 401 });
    expect(
      await succeeded(rpc.changePassword({ userAccessToken: rotated.access_token, userId: user.id, currentPassword: "wrong", newPassword: "password two" })),
    ).toEqual({ result: "INVALID_CURRENT_PASSWORD" });
    expect(
      (await succeeded(rpc.changePassword({ userAccessToken: rotated.access_token, userId: user.id, currentPassword: "password one", newPassword: "password two" }))).result,
    ).toBe("PASSWORD_UPDATED");

    const again = await succeeded(rpc.login({ tenantId: w.tenantId, email: "rpc-session@example.com", password: "password two" }));
    if (again.result !== "SUCCESS") throw new Error("login failed");
    await succeeded(rpc.revoke({ token: again.refreshToken }));
    expect(await succeeded(rpc.introspect({ token: again.refreshToken }))).toEqual({ active: false });
  });

  it("lists and revokes sessions, and manages users", async () => {
    const w = await boundWorld();
    const created = await succeeded(rpc.createUser({ tenantId: w.tenantId, email: "rpc-user@example.com", password: "password one" }));
    expect(created).toMatchObject({ email: "rpc-user@example.com", status: "ACTIVE", tenantId: w.tenantId });
    expect(await succeeded(rpc.getUser({ userId: created.id }))).toEqual(created);
    expect((await succeeded(rpc.listUsers({ tenantId: w.tenantId, email: "RPC-USER@example.com" }))).items).toEqual([created]);

    const a = await succeeded(rpc.login({ tenantId: w.tenantId, email: "rpc-user@example.com", password: "password one" }));
    const b = await succeeded(rpc.login({ tenantId: w.tenantId, email: "rpc-user@example.com", password: "password one" }));
    if (a.result !== "SUCCESS" || b.result !== "SUCCESS") throw new Error("login failed");
    expect((await succeeded(rpc.listSessions({ userId: created.id }))).items.map((s) => s.sessionId).sort()).toEqual([a.sessionId, b.sessionId].sort());
    await succeeded(rpc.revokeRefreshTokens({ userId: created.id }));
    expect(await succeeded(rpc.introspect({ token: a.refreshToken }))).toEqual({ active: false });
    expect((await succeeded(rpc.listSessions({ userId: created.id }))).items).toHaveLength(2);
    await succeeded(rpc.revokeSessions({ userId: created.id }));
    expect((await succeeded(rpc.listSessions({ userId: created.id }))).items).toEqual([]);

    await succeeded(rpc.deleteUser({ userId: created.id }));
    expect(await failed(rpc.getUser({ userId: created.id }))).toMatchObject({ status: 404, code: "not_found" });
  });

  it("answers the same as HTTP: a failure is a result with the HTTP status, code, message and violations", async () => {
    const w = await boundWorld();
    const bad = { emailAuthCode: "a", passwordResetCode: "b", newPassword: "x" };
    const overHttp = await callJson("POST", "/api/v1/password-reset/reset-password", { token: w.token, body: bad });
    expect(await rpc.resetPassword(bad as never)).toEqual({
      ok: false,
      error: { status: overHttp.status, code: overHttp.body.code, message: overHttp.body.message, violations: overHttp.body.violations, retryable: false, retryAfter: null },
    });
    expect(await rpc.getUser({ userId: "zzzzzzzzzzzzzzzzzzzzzzzzzz" })).toEqual({
      ok: false,
      error: { status: 404, code: "not_found", message: "User not found.", retryable: false, retryAfter: null },
    });

    expect(await failed(rpc.createUser({ tenantId: w.tenantId, email: "not-an-email" }))).toMatchObject({
      status: 400,
      violations: { email: [expect.objectContaining({ code: "invalid_format" })] },
    });
    await succeeded(rpc.createUser({ tenantId: w.tenantId, email: "twice-rpc@example.com" }));
    expect(await failed(rpc.createUser({ tenantId: w.tenantId, email: "twice-rpc@example.com" }))).toMatchObject({ status: 409, code: "conflict" });
    expect(await succeeded(rpc.resetPassword({ emailAuthCode: "never-issued", newPassword: "password two" }))).toEqual({ result: "INVALID_CODE" });
  });

  it("refuses a breached password on createUser and resetPassword; a closed check that cannot answer is a retryable 503", async () => {
    const w = await boundWorld();
    expect(await failed(rpc.createUser({ tenantId: w.tenantId, email: "rpc-breached@example.com", password: BREACHED_PASSWORD }))).toMatchObject({
      status: 400,
      violations: { password: [BREACHED] },
    });
    const user = await succeeded(rpc.createUser({ tenantId: w.tenantId, email: "rpc-breached@example.com", password: "password one" }));
    const passwordResetCode = new URL((await succeeded(rpc.createPasswordResetLink({ userId: user.id }))).passwordResetLink).searchParams.get("passwordResetCode")!;
    expect(await succeeded(rpc.resetPassword({ passwordResetCode, newPassword: BREACHED_PASSWORD }))).toEqual({ result: "PASSWORD_POLICY_VIOLATION", violations: [BREACHED] });
    await setPolicy(w, { breachedCheckFailure: "closed" });
    try {
      expect(await failed(rpc.resetPassword({ passwordResetCode, newPassword: PROVIDER_DOWN_PASSWORD }))).toMatchObject({
        status: 503,
        code: "breached_check_unavailable",
        retryable: true,
        retryAfter: 5,
      });
    } finally {
      await setPolicy(w, { breachedCheckFailure: null });
    }
    expect((await succeeded(rpc.resetPassword({ passwordResetCode, newPassword: "password two" }))).result).toBe("PASSWORD_UPDATED");
  });

  it("a throttled login fails with 429 and when to retry; at the hard stop, 429 that no retry helps", async () => {
    const w = await boundWorld();
    await setPolicy(w, { passwordFailuresBeforeDelay: 0, passwordFailureDelaySeconds: 60, passwordFailureMaxDelaySeconds: 3600 });
    await createUser(w, "rpc-throttle@example.com", "password one");
    const attempt = (password: string) => rpc.login({ tenantId: w.tenantId, email: "rpc-throttle@example.com", password });
    expect(await succeeded(attempt("a wrong password"))).toEqual({ result: "INVALID_CREDENTIALS" });
    const throttled = await failed(attempt("password one"));
    expect(throttled).toMatchObject({ status: 429, code: "too_many_attempts", retryable: true });
    expect(throttled.retryAfter).toBeGreaterThan(100);
    await setPolicy(w, { passwordFailureLimit: 1 });
    expect(await failed(attempt("password one"))).toMatchObject({ status: 429, code: "password_reset_required", retryable: false, retryAfter: null });
  });

  it("acts only inside the bound application", async () => {
    await boundWorld();
    const other = await world("other");
    const stranger = await createUser(other, "stranger@example.com", "password one");
    expect(await failed(rpc.getUser({ userId: stranger.id }))).toMatchObject({ status: 404 });
    expect(await failed(rpc.createPasswordResetLink({ userId: stranger.id }))).toMatchObject({ status: 404 });
    expect(await failed(rpc.requestPasswordReset({ tenantId: other.tenantId, email: "stranger@example.com" }))).toMatchObject({ status: 404 });
    const otherSession = await callJson("POST", "/api/v1/login", {
      token: other.token,
      body: { tenantId: other.tenantId, email: "stranger@example.com", password: "password one" },
    });
    expect(await succeeded(rpc.introspect({ token: otherSession.body.accessToken }))).toEqual({ active: false });
    expect(
      await failed(
        rpc.changePassword({ userAccessToken: otherSession.body.accessToken, userId: stranger.id, currentPassword: "password one", newPassword: "password two" }),
      ),
    ).toMatchObject({ status: 403 });
    // A token minted for the other application's client is no key here: the binding decides.
    expect(await scopedToken(other, ["user:read"])).toEqual(expect.any(String));
  });

  it("refuses a binding whose props name no client", async () => {
    expect(await failed(unboundRpc.getUser({ userId: "zzzzzzzzzzzzzzzzzzzzzzzzzz" }))).toMatchObject({ status: 401, code: "unbound_client", retryable: false });
  });
});
