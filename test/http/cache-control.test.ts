// Responses that carry a secret (tokens, client secrets, reset links and codes) must never be
// stored by a browser or a shared cache: RFC 6749 §5.1, RFC 9111 §5.2.2.5.
import { describe, expect, it } from "vitest";
import { ADMIN, call, form } from "../support/api";
import { createUser, world } from "../support/fixtures";
import { setStrategy } from "../support/reset";
import { loginOk } from "../support/sessions";

const expectNoStore = (res: Response) => expect(res.headers.get("Cache-Control")).toBe("no-store");

describe("Cache-Control: no-store on every response that carries a secret", () => {
  it("login (access and refresh token)", async () => {
    const w = await world();
    await createUser(w, "cache-login@example.com", "password one");
    const res = await call("POST", "/api/v1/login", {
      token: w.token,
      body: { tenantId: w.tenantId, email: "cache-login@example.com", password: "password one" },
    });
    expect(res.status).toBe(200);
    expectNoStore(res);
  });

  it("the token endpoint, for client_credentials and refresh_token", async () => {
    const w = await world();
    await createUser(w, "cache-refresh@example.com", "password one");
    const session = await loginOk(w, "cache-refresh@example.com", "password one");
    const basic = { id: w.clientId, secret: w.clientSecret };
    const cc = await form("/api/v1/oauth2/token", { grant_type: "client_credentials" }, basic);
    expect(cc.status).toBe(200);
    expectNoStore(cc);
    const rt = await form("/api/v1/oauth2/token", { grant_type: "refresh_token", refresh_token: session.refreshToken }, basic);
    expect(rt.status).toBe(200);
    expectNoStore(rt);
  });

  it("client creation (the client secret), by a client and by the admin token", async () => {
    const w = await world();
    for (const token of [w.token, ADMIN]) {
      const res = await call("POST", `/api/v1/applications/${w.applicationId}/clients`, { token, body: { name: "cached?", permissions: ["user:read"] } });
      expect(res.status).toBe(201);
      expectNoStore(res);
    }
  });

  it("create-password-reset-link (the passwordResetCode)", async () => {
    const w = await world();
    const user = await createUser(w, "cache-link@example.com");
    const res = await call("POST", "/api/v1/password-reset/create-password-reset-link", { token: w.token, body: { userId: user.id } });
    expect(res.status).toBe(200);
    expectNoStore(res);
  });

  it("request-password-reset (an OTP requestCode)", async () => {
    const w = await world();
    await setStrategy(w, "OTP");
    const res = await call("POST", "/api/v1/password-reset/request-password-reset", {
      token: w.token,
      body: { tenantId: w.tenantId, email: "cache-otp@example.com" },
    });
    expect(res.status).toBe(200);
    expectNoStore(res);
  });

  it("errors of the API too, since they may echo what was sent", async () => {
    const res = await call("GET", "/api/v1/users/zzzzzzzzzzzzzzzzzzzzzzzzzz");
    expect(res.status).toBe(401);
    expectNoStore(res);
  });

  it("but not the public JWKS, which caches may keep", async () => {
    const res = await call("GET", "/.well-known/jwks.json");
    expect(res.headers.get("Cache-Control")).toBe("public, max-age=300");
  });
});
