import { describe, expect, it } from "vitest";
import { decodeJwt, decodeProtectedHeader } from "jose";
import { callJson, form } from "../../support/api";
import { createUser, world } from "../../support/fixtures";
import { adminLinkCode, reset } from "../../support/reset";
import { introspect, login, loginOk, refresh, revokeToken } from "../../support/sessions";

describe("login", () => {
  it("opens a session and returns an ES256 at+jwt access token with the end-user claims", async () => {
    const w = await world();
    const user = await createUser(w, "login@example.com", "password one");
    const s = await loginOk(w, "LOGIN@example.com", "password one");
    expect(s.userId).toBe(user.id);
    expect(s.expiresIn).toBe(300);
    expect(decodeProtectedHeader(s.accessToken)).toMatchObject({ alg: "ES256", typ: "at+jwt" });
    expect(decodeJwt(s.accessToken)).toMatchObject({
      sub: user.id,
      sid: s.sessionId,
      client_id: w.clientId,
      app_id: w.applicationId,
      tnt_id: w.tenantId,
      permissions: ["change-password-workflow:execute"],
      scope: "change-password-workflow:execute",
    });
  });

  it("answers INVALID_CREDENTIALS alike for a wrong password and an unknown email", async () => {
    const w = await world();
    await createUser(w, "known@example.com", "password one");
    expect((await login(w, "known@example.com", "wrong password")).body).toEqual({ result: "INVALID_CREDENTIALS" });
    expect((await login(w, "nobody@example.com", "password one")).body).toEqual({ result: "INVALID_CREDENTIALS" });
  });
});

describe("refresh tokens", () => {
  it("rotate: each refresh returns a new refresh token and a working access token", async () => {
    const w = await world();
    await createUser(w, "rot@example.com", "password one");
    const s = await loginOk(w, "rot@example.com", "password one");
    const r1 = await refresh(w, s.refreshToken);
    expect(r1.status).toBe(200);
    expect(r1.body.refresh_token).not.toBe(s.refreshToken);
    expect(decodeJwt(r1.body.access_token)).toMatchObject({ sub: s.userId, sid: s.sessionId, client_id: w.clientId, scope: "change-password-workflow:execute" });
    expect((await introspect(w, r1.body.access_token)).active).toBe(true);
    const r2 = await refresh(w, r1.body.refresh_token);
    expect(r2.status).toBe(200);
  });

  it("reuse of a rotated token revokes the whole family and its session (RFC 9700)", async () => {
    const w = await world();
    await createUser(w, "reuse@example.com", "password one");
    const s = await loginOk(w, "reuse@example.com", "password one");
    const r1 = await refresh(w, s.refreshToken);
    // The successor was used, so the old token is past its grace (refresh-grace.test.ts).
    const r2 = await refresh(w, r1.body.refresh_token);
    const replay = await refresh(w, s.refreshToken);
    expect(replay).toEqual({ status: 400, body: { error: "invalid_grant", error_description: expect.any(String) } });
    // The legitimate holder's newer token and access token died with the family.
    expect((await refresh(w, r2.body.refresh_token)).status).toBe(400);
    expect((await introspect(w, r2.body.access_token)).active).toBe(false);
    expect((await introspect(w, s.accessToken)).active).toBe(false);
  });

  it("narrow the new access token to a requested scope; a scope beyond the grant is invalid_scope and spends nothing", async () => {
    const w = await world();
    await createUser(w, "scope@example.com", "password one");
    const s = await loginOk(w, "scope@example.com", "password one");
    const refused = await form("/api/v1/oauth2/token", { grant_type: "refresh_token", refresh_token: s.refreshToken, scope: "user:read" }, { id: w.clientId, secret: w.clientSecret });
    expect(refused.status).toBe(400);
    expect(((await refused.json()) as { error: string }).error).toBe("invalid_scope");

    const res = await form(
      "/api/v1/oauth2/token",
      { grant_type: "refresh_token", refresh_token: s.refreshToken, scope: "change-password-workflow:execute" },
      { id: w.clientId, secret: w.clientSecret },
    );
    expect(res.status).toBe(200);
    const body = (await res.json()) as { access_token: string; scope: string };
    expect(body.scope).toBe("change-password-workflow:execute");
    expect(decodeJwt(body.access_token)).toMatchObject({ scope: "change-password-workflow:execute", permissions: ["change-password-workflow:execute"] });
  });

  it("cannot be used by a client of another application", async () => {
    const w = await world("one");
    const other = await world("two");
    await createUser(w, "cross@example.com", "password one");
    const s = await loginOk(w, "cross@example.com", "password one");
    expect((await refresh(other, s.refreshToken)).status).toBe(400);
    expect((await introspect(other, s.accessToken)).active).toBe(false);
    expect((await refresh(w, s.refreshToken)).status).toBe(200);
  });
});

describe("revocation and introspection", () => {
  it("revoking a refresh token (RFC 7009) ends its session: the access token reads inactive before exp", async () => {
    const w = await world();
    await createUser(w, "rev@example.com", "password one");
    const s = await loginOk(w, "rev@example.com", "password one");
    expect((await introspect(w, s.accessToken)).active).toBe(true);
    expect((await introspect(w, s.refreshToken)).active).toBe(true);
    expect((await revokeToken(w, s.refreshToken)).status).toBe(200);
    expect((await introspect(w, s.accessToken)).active).toBe(false);
    expect((await introspect(w, s.refreshToken)).active).toBe(false);
    expect((await revokeToken(w, "not-a-token")).status).toBe(200);
  });

  it("revoking an access token ends its session", async () => {
    const w = await world();
    await createUser(w, "reva@example.com", "password one");
    const s = await loginOk(w, "reva@example.com", "password one");
    await revokeToken(w, s.accessToken);
    expect((await refresh(w, s.refreshToken)).status).toBe(400);
  });

  it("lists active sessions with created and last-used times, and revokes them all", async () => {
    const w = await world();
    const user = await createUser(w, "list@example.com", "password one");
    const a = await loginOk(w, "list@example.com", "password one");
    const b = await loginOk(w, "list@example.com", "password one");
    const list = await callJson("GET", `/api/v1/users/${user.id}/sessions`, { token: w.token });
    expect(list.status).toBe(200);
    expect(list.body.items.map((s: any) => s.sessionId).sort()).toEqual([a.sessionId, b.sessionId].sort());
    expect(list.body.items[0]).toMatchObject({ createdAt: expect.any(String), lastUsedAt: expect.any(String) });
    expect((await callJson("POST", `/api/v1/users/${user.id}/sessions/revoke`, { token: w.token })).status).toBe(204);
    expect((await callJson("GET", `/api/v1/users/${user.id}/sessions`, { token: w.token })).body.items).toEqual([]);
    expect((await introspect(w, a.accessToken)).active).toBe(false);
  });

  it("revoking refresh tokens leaves sessions but no refresh works", async () => {
    const w = await world();
    const user = await createUser(w, "rt@example.com", "password one");
    const s = await loginOk(w, "rt@example.com", "password one");
    expect((await callJson("POST", `/api/v1/users/${user.id}/refresh-tokens/revoke`, { token: w.token })).status).toBe(204);
    expect((await refresh(w, s.refreshToken)).status).toBe(400);
    expect((await introspect(w, s.accessToken)).active).toBe(true);
  });
});

describe("a password reset", () => {
  it("revokes every session and refresh token, and the end-user token stops authenticating", async () => {
    const w = await world();
    const user = await createUser(w, "reset@example.com", "password one");
    const sessions = await Promise.all([1, 2, 3].map(() => loginOk(w, "reset@example.com", "password one")));
    const code = await adminLinkCode(w, user.id);
    expect((await reset(w.token, { passwordResetCode: code, newPassword: "password two" })).body.result).toBe("PASSWORD_UPDATED");
    for (const s of sessions) {
      expect((await introspect(w, s.accessToken)).active).toBe(false);
      expect((await refresh(w, s.refreshToken)).status).toBe(400);
    }
    const change = await callJson("POST", "/api/v1/change-password", {
      token: sessions[0]!.accessToken,
      body: { userId: user.id, currentPassword: "password two", newPassword: "password three" },
    });
    expect(change.status).toBe(401);
    expect((await login(w, "reset@example.com", "password one")).body.result).toBe("INVALID_CREDENTIALS");
    expect((await login(w, "reset@example.com", "password two")).body.result).toBe("SUCCESS");
  });
});
