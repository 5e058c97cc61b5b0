import { decodeJwt, decodeProtectedHeader } from "jose";
import { describe, expect, it } from "vitest";
import { DEVELOPMENT_BASE_URL } from "../../src/config/public-origin";
import { ADMIN, call, callJson, form } from "../support/api";
import { world } from "../support/fixtures";

const TOKEN = "/api/v1/oauth2/token";

async function newClient(applicationId: string, permissions: string[], tenantId?: string) {
  const res = await callJson("POST", `/api/v1/applications/${applicationId}/clients`, {
    token: ADMIN,
    body: { name: "oauth2-test", permissions, ...(tenantId ? { tenantId } : {}) },
  });
  expect(res.status).toBe(201);
  return { id: res.body.id as string, secret: res.body.clientSecret as string };
}

async function expectOAuthError(res: Response, status: number, error: string) {
  expect(res.status).toBe(status);
  expect(res.headers.get("Cache-Control")).toBe("no-store");
  const body = (await res.json()) as Record<string, unknown>;
  expect(body).toEqual({ error, error_description: expect.any(String) });
}

describe("POST /api/v1/oauth2/token", () => {
  describe("client_credentials", () => {
    it("issues a Bearer access token that is not to be cached", async () => {
      const w = await world();
      const res = await form(TOKEN, { grant_type: "client_credentials" }, { id: w.clientId, secret: w.clientSecret });
      expect(res.status).toBe(200);
      expect(res.headers.get("Cache-Control")).toBe("no-store");
      const body = (await res.json()) as Record<string, unknown>;
      expect(body).toEqual({ access_token: expect.any(String), token_type: "Bearer", expires_in: expect.any(Number), scope: expect.any(String) });
      expect(body.expires_in).toBeGreaterThan(0);
    });

    it("signs an at+jwt carrying the client's application and permissions, and no tenant at Application boundary", async () => {
      const w = await world();
      const client = await newClient(w.applicationId, ["user:read", "tenant:read"]);
      const res = await form(TOKEN, { grant_type: "client_credentials" }, client);
      const { access_token, expires_in } = (await res.json()) as { access_token: string; expires_in: number };

      expect(decodeProtectedHeader(access_token)).toMatchObject({ alg: "ES256", typ: "at+jwt", kid: expect.any(String) });
      const claims = decodeJwt(access_token);
      expect(claims).toMatchObject({
        iss: DEVELOPMENT_BASE_URL,
        aud: "urn:edge-password-reset:api",
        sub: client.id,
        client_id: client.id,
        app_id: w.applicationId,
        permissions: ["user:read", "tenant:read"],
        scope: "user:read tenant:read",
      });
      expect(claims).not.toHaveProperty("tnt_id");
      expect(claims).not.toHaveProperty("sid");
      expect(claims.exp! - claims.iat!).toBe(expires_in);
      expect(claims.jti).toMatch(/^[a-z0-9]{26}$/);
    });

    it("puts tnt_id in the token of a tenant-scoped client", async () => {
      const w = await world();
      const client = await newClient(w.applicationId, ["user:read"], w.tenantId);
      const res = await form(TOKEN, { grant_type: "client_credentials" }, client);
      const claims = decodeJwt(((await res.json()) as { access_token: string }).access_token);
      expect(claims).toMatchObject({ sub: client.id, app_id: w.applicationId, tnt_id: w.tenantId, permissions: ["user:read"] });
    });
  });

  describe("scope (RFC 6749 §3.3)", () => {
    it("narrows the token to the requested permissions, and answers the scope granted", async () => {
      const w = await world();
      const client = await newClient(w.applicationId, ["user:read", "tenant:read"]);
      const res = await form(TOKEN, { grant_type: "client_credentials", scope: "tenant:read" }, client);
      expect(res.status).toBe(200);
      const body = (await res.json()) as { access_token: string; scope: string };
      expect(body.scope).toBe("tenant:read");
      expect(decodeJwt(body.access_token)).toMatchObject({ permissions: ["tenant:read"], scope: "tenant:read" });
      expect((await callJson("GET", `/api/v1/tenants/${w.tenantId}`, { token: body.access_token })).status).toBe(200);
      expect((await callJson("GET", `/api/v1/tenants/${w.tenantId}/users?email=a@example.com`, { token: body.access_token })).status).toBe(403);
    });

    it("grants everything the client holds when no scope is asked for, and says so in the response", async () => {
      const w = await world();
      const client = await newClient(w.applicationId, ["user:read", "tenant:read"]);
      const body = (await (await form(TOKEN, { grant_type: "client_credentials" }, client)).json()) as { scope: string };
      expect(body.scope).toBe("user:read tenant:read");
    });

    it("answers 400 invalid_scope to a scope the client does not hold, and issues nothing", async () => {
      const w = await world();
      const client = await newClient(w.applicationId, ["user:read"]);
      await expectOAuthError(await form(TOKEN, { grant_type: "client_credentials", scope: "user:read user:write" }, client), 400, "invalid_scope");
      await expectOAuthError(await form(TOKEN, { grant_type: "client_credentials", scope: "no-such-permission" }, client), 400, "invalid_scope");
    });
  });

  describe("client authentication", () => {
    it("accepts client_secret_post: client_id and client_secret in the form body", async () => {
      const w = await world();
      const res = await form(TOKEN, { grant_type: "client_credentials", client_id: w.clientId, client_secret: w.clientSecret });
      expect(res.status).toBe(200);
      expect(decodeJwt(((await res.json()) as { access_token: string }).access_token).client_id).toBe(w.clientId);
    });

    it("rejects a wrong client_secret_post secret with 401 invalid_client", async () => {
      const w = await world();
      const res = await form(TOKEN, { grant_type: "client_credentials", client_id: w.clientId, client_secret: `${w.clientSecret}x` });
      await expectOAuthError(res, 401, "invalid_client");
    });

    it("refuses a request that uses two authentication methods at once with 400 invalid_request (RFC 6749 §2.3)", async () => {
      const w = await world();
      const both = { grant_type: "client_credentials", client_id: w.clientId, client_secret: w.clientSecret };
      await expectOAuthError(await form(TOKEN, both, { id: w.clientId, secret: w.clientSecret }), 400, "invalid_request");
      const secretOnly = { grant_type: "client_credentials", client_secret: w.clientSecret };
      await expectOAuthError(await form(TOKEN, secretOnly, { id: w.clientId, secret: w.clientSecret }), 400, "invalid_request");
    });

    it("accepts a client_id in the body beside HTTP Basic only when it names the same client", async () => {
      const w = await world();
      const basic = { id: w.clientId, secret: w.clientSecret };
      expect((await form(TOKEN, { grant_type: "client_credentials", client_id: w.clientId }, basic)).status).toBe(200);
      const other = { grant_type: "client_credentials", client_id: "otherclient000000000000000" };
      await expectOAuthError(await form(TOKEN, other, basic), 400, "invalid_request");
    });

    it("refuses a repeated client_id or client_secret with 400 invalid_request (RFC 6749 §3.2)", async () => {
      const w = await world();
      const body = new URLSearchParams({ grant_type: "client_credentials", client_id: w.clientId, client_secret: w.clientSecret });
      body.append("client_secret", w.clientSecret);
      const res = await call("POST", TOKEN, { body: body.toString(), headers: { "Content-Type": "application/x-www-form-urlencoded" } });
      await expectOAuthError(res, 400, "invalid_request");
    });

    it("rejects a client_id without any secret with 401 invalid_client: there are no public clients", async () => {
      const w = await world();
      await expectOAuthError(await form(TOKEN, { grant_type: "client_credentials", client_id: w.clientId }), 401, "invalid_client");
    });

    it("accepts both methods at the revocation and introspection endpoints", async () => {
      const w = await world();
      const post = { client_id: w.clientId, client_secret: w.clientSecret };
      const introspected = await form("/api/v1/oauth2/introspect", { token: w.token, ...post });
      expect(((await introspected.json()) as { active: boolean }).active).toBe(true);
      expect((await form("/api/v1/oauth2/revoke", { token: w.token, ...post })).status).toBe(200);
      const basic = await form("/api/v1/oauth2/introspect", { token: w.token }, { id: w.clientId, secret: w.clientSecret });
      expect(((await basic.json()) as { active: boolean }).active).toBe(false);
    });

    it("rejects a wrong secret with 401 invalid_client and a Basic challenge", async () => {
      const w = await world();
      const res = await form(TOKEN, { grant_type: "client_credentials" }, { id: w.clientId, secret: `${w.clientSecret}x` });
      expect(res.headers.get("WWW-Authenticate")).toMatch(/^Basic\b/);
      await expectOAuthError(res, 401, "invalid_client");
    });

    it("rejects an unknown client with 401 invalid_client", async () => {
      const res = await form(TOKEN, { grant_type: "client_credentials" }, { id: "unknownclient0000000000000", secret: "whatever" });
      expect(res.headers.get("WWW-Authenticate")).toMatch(/^Basic\b/);
      await expectOAuthError(res, 401, "invalid_client");
    });

    it("rejects a request without client credentials with 401 invalid_client", async () => {
      await expectOAuthError(await form(TOKEN, { grant_type: "client_credentials" }), 401, "invalid_client");
    });
  });

  describe("malformed requests", () => {
    it("answers 400 invalid_request without grant_type", async () => {
      const w = await world();
      await expectOAuthError(await form(TOKEN, {}, { id: w.clientId, secret: w.clientSecret }), 400, "invalid_request");
    });

    it("answers 400 unsupported_grant_type for a grant it does not offer", async () => {
      const w = await world();
      const res = await form(TOKEN, { grant_type: "password", username: "a", password: "b" }, { id: w.clientId, secret: w.clientSecret });
      await expectOAuthError(res, 400, "unsupported_grant_type");
    });

    it("answers 400 invalid_request to a JSON body instead of a form", async () => {
      const w = await world();
      const res = await call("POST", TOKEN, {
        body: { grant_type: "client_credentials" },
        headers: { Authorization: `Basic ${btoa(`${w.clientId}:${w.clientSecret}`)}` },
      });
      await expectOAuthError(res, 400, "invalid_request");
    });
  });
});
