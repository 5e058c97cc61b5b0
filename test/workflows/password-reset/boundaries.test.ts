// Permission boundaries of the reset workflow: a code belongs to the application it was issued in;
// reset-password and request-password-reset need Application boundary; admin links may also be
// made at Tenant boundary, for the token's own tenant only.
import { describe, expect, it } from "vitest";
import { callJson } from "../../support/api";
import { type World, createUser, scopedToken, world } from "../../support/fixtures";
import { adminLinkCode, emailAuthCode, otp, reset, setStrategy } from "../../support/reset";
import { login } from "../../support/sessions";

const PERMISSION = "password-reset-workflow:execute";
const LINK = "/api/v1/password-reset/create-password-reset-link";
const REQUEST = "/api/v1/password-reset/request-password-reset";
const GOOD = "a new good password";
/** Every permission but the workflow's. */
const PERMISSION_LESS = ["application:read", "tenant:read", "user:read", "user:write", "change-password-workflow:execute", "login:execute"];

/** A world with a second tenant in the same application. */
async function twoTenants(): Promise<World & { otherTenantId: string }> {
  const w = await world();
  const other = await callJson("POST", "/api/v1/tenants", { token: w.token, body: { applicationId: w.applicationId, name: "second-tenant" } });
  expect(other.status).toBe(201);
  return { ...w, otherTenantId: other.body.id };
}

describe("a code issued in application B, presented with application A's token", () => {
  it("emailAuthCode: INVALID_CODE, and the code still works with B's token", async () => {
    const [a, b] = await Promise.all([world("app-a"), world("app-b")]);
    const user = await createUser(b, "b-link@example.com", "old password 1");
    const code = await emailAuthCode(b, "b-link@example.com");
    expect((await reset(a.token, { emailAuthCode: code, newPassword: GOOD })).body).toEqual({ result: "INVALID_CODE" });
    expect((await login(b, "b-link@example.com", "old password 1")).body.result).toBe("SUCCESS");
    expect((await reset(b.token, { emailAuthCode: code, newPassword: GOOD })).body).toEqual({
      result: "PASSWORD_UPDATED",
      userId: user.id,
      tenantId: b.tenantId,
    });
  });

  it("passwordResetCode: INVALID_CODE, and the code still works with B's token", async () => {
    const [a, b] = await Promise.all([world("app-a"), world("app-b")]);
    const user = await createUser(b, "b-admin@example.com", "old password 1");
    const code = await adminLinkCode(b, user.id);
    expect((await reset(a.token, { passwordResetCode: code, newPassword: GOOD })).body).toEqual({ result: "INVALID_CODE" });
    expect((await reset(b.token, { passwordResetCode: code, newPassword: GOOD })).body.result).toBe("PASSWORD_UPDATED");
  });

  it("OTP: INVALID_CODE even with the right verificationCode, and it costs B's request no attempt", async () => {
    const [a, b] = await Promise.all([world("app-a"), world("app-b")]);
    await setStrategy(b, "OTP");
    await createUser(b, "b-otp@example.com", "old password 1");
    const code = await otp(b, "b-otp@example.com");
    // More tries than otpMaxAttempts: none of them may count against the request in B.
    for (let i = 0; i < 6; i++) {
      expect((await reset(a.token, { ...code, newPassword: GOOD })).body).toEqual({ result: "INVALID_CODE" });
    }
    expect((await reset(b.token, { ...code, newPassword: GOOD })).body.result).toBe("PASSWORD_UPDATED");
  });
});

describe("application boundary of the other endpoints", () => {
  it("A's token cannot create a reset link for B's user (404) nor request a reset in B's tenant (404)", async () => {
    const [a, b] = await Promise.all([world("app-a"), world("app-b")]);
    const user = await createUser(b, "b-user@example.com", "old password 1");
    const link = await callJson("POST", LINK, { token: a.token, body: { userId: user.id } });
    expect(link.status).toBe(404);
    expect(link.body).toMatchObject({ type: "base_error", code: "not_found" });
    const request = await callJson("POST", REQUEST, { token: a.token, body: { tenantId: b.tenantId, email: "b-user@example.com" } });
    expect(request.status).toBe(404);
    expect(request.body).toMatchObject({ type: "base_error", code: "not_found" });
  });
});

describe("a Tenant-boundary token with password-reset-workflow:execute", () => {
  it("creates a reset link for a user of its own tenant: 200, and the code works", async () => {
    const w = await twoTenants();
    const user = await createUser(w, "own-tenant@example.com", "old password 1");
    const token = await scopedToken(w, [PERMISSION], w.tenantId);
    const res = await callJson("POST", LINK, { token, body: { userId: user.id } });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ passwordResetLink: expect.stringContaining("passwordResetCode="), expiresAt: expect.any(String) });
    const code = new URL(res.body.passwordResetLink).searchParams.get("passwordResetCode")!;
    expect((await reset(w.token, { passwordResetCode: code, newPassword: GOOD })).body.result).toBe("PASSWORD_UPDATED");
  });

  it("gets 404 for a user of another tenant of the same application", async () => {
    const w = await twoTenants();
    const stranger = await createUser(w, "other-tenant@example.com", "old password 1", w.otherTenantId);
    const token = await scopedToken(w, [PERMISSION], w.tenantId);
    const res = await callJson("POST", LINK, { token, body: { userId: stranger.id } });
    expect(res.status).toBe(404);
    expect(res.body).toMatchObject({ type: "base_error", code: "not_found" });
  });

  it("gets 403 on reset-password, which needs Application boundary, even with a valid code", async () => {
    const w = await world();
    const user = await createUser(w, "tenant-reset@example.com", "old password 1");
    const code = await adminLinkCode(w, user.id);
    const token = await scopedToken(w, [PERMISSION], w.tenantId);
    const res = await reset(token, { passwordResetCode: code, newPassword: GOOD });
    expect(res.status).toBe(403);
    expect(res.body).toMatchObject({ type: "base_error", code: "forbidden" });
    // Nothing was spent.
    expect((await reset(w.token, { passwordResetCode: code, newPassword: GOOD })).body.result).toBe("PASSWORD_UPDATED");
  });

  it("gets 403 on request-password-reset, which needs Application boundary", async () => {
    const w = await world();
    await createUser(w, "tenant-request@example.com", "old password 1");
    const token = await scopedToken(w, [PERMISSION], w.tenantId);
    const res = await callJson("POST", REQUEST, { token, body: { tenantId: w.tenantId, email: "tenant-request@example.com" } });
    expect(res.status).toBe(403);
    expect(res.body).toMatchObject({ type: "base_error", code: "forbidden" });
  });
});

describe("a token without password-reset-workflow:execute", () => {
  it("gets 403 on all three endpoints, at Application and at Tenant boundary", async () => {
    const w = await world();
    const user = await createUser(w, "no-permission@example.com", "old password 1");
    const code = await adminLinkCode(w, user.id);
    for (const token of [await scopedToken(w, PERMISSION_LESS), await scopedToken(w, PERMISSION_LESS, w.tenantId)]) {
      const calls = [
        await callJson("POST", LINK, { token, body: { userId: user.id } }),
        await callJson("POST", REQUEST, { token, body: { tenantId: w.tenantId, email: "no-permission@example.com" } }),
        await reset(token, { passwordResetCode: code, newPassword: GOOD }),
      ];
      for (const res of calls) {
        expect(res.status).toBe(403);
        expect(res.body).toMatchObject({ type: "base_error", code: "forbidden" });
      }
    }
    expect((await reset(w.token, { passwordResetCode: code, newPassword: GOOD })).body.result).toBe("PASSWORD_UPDATED");
  });
});
