// RFC 8414: OAuth 2.0 Authorization Server Metadata, so that clients discover the endpoints.
import { decodeJwt } from "jose";
import { describe, expect, it } from "vitest";
import { PERMISSIONS } from "../../src/config/permissions";
import { DEVELOPMENT_BASE_URL } from "../../src/config/public-origin";
import { callJson } from "../support/api";
import { clientTokenUnder, world } from "../support/fixtures";

const METADATA = "/.well-known/oauth-authorization-server";

describe("GET /.well-known/oauth-authorization-server", () => {
  it("publishes the issuer, endpoints, key set, grants, client authentication methods and scopes", async () => {
    const res = await callJson("GET", METADATA, { env: { PUBLIC_BASE_URL: "https://auth.example.com" } });
    expect(res.status).toBe(200);
    const methods = ["client_secret_basic", "client_secret_post"];
    expect(res.body).toEqual({
      issuer: "https://auth.example.com",
      token_endpoint: "https://auth.example.com/api/v1/oauth2/token",
      revocation_endpoint: "https://auth.example.com/api/v1/oauth2/revoke",
      introspection_endpoint: "https://auth.example.com/api/v1/oauth2/introspect",
      jwks_uri: "https://auth.example.com/.well-known/jwks.json",
      grant_types_supported: ["client_credentials", "refresh_token"],
      response_types_supported: [],
      token_endpoint_auth_methods_supported: methods,
      revocation_endpoint_auth_methods_supported: methods,
      introspection_endpoint_auth_methods_supported: methods,
      scopes_supported: [...PERMISSIONS],
    });
    expect(res.res.headers.get("Content-Type")).toMatch(/^application\/json/);
  });

  it("takes its URLs from PUBLIC_BASE_URL, never from the request's Host", async () => {
    const res = await callJson("GET", METADATA, { origin: "http://evil.example", headers: { "X-Forwarded-Host": "evil.example" } });
    expect(res.body.issuer).toBe(DEVELOPMENT_BASE_URL);
    expect(JSON.stringify(res.body)).not.toContain("evil.example");
  });

  it("names the issuer that signs the tokens: iss equals the metadata's issuer", async () => {
    const w = await world();
    const issuer = (await callJson("GET", METADATA)).body.issuer;
    expect(decodeJwt(w.token).iss).toBe(issuer);
  });

  it("keeps working tokens of the issuer it names when PUBLIC_BASE_URL is https", async () => {
    const w = await world();
    const env = { PUBLIC_BASE_URL: "https://auth.example.com" };
    const token = await clientTokenUnder(env, w.clientId, w.clientSecret);
    expect(decodeJwt(token).iss).toBe("https://auth.example.com");
    expect((await callJson("GET", `/api/v1/tenants/${w.tenantId}`, { token, env })).status).toBe(200);
    // A token names one issuer: under another public URL it is not this service's.
    expect((await callJson("GET", `/api/v1/tenants/${w.tenantId}`, { token })).status).toBe(401);
  });

  it("answers 503 misconfigured outside development without PUBLIC_BASE_URL, rather than guess an issuer", async () => {
    const res = await callJson("GET", METADATA, { env: { ENVIRONMENT: "production", PUBLIC_BASE_URL: "" } });
    expect(res.status).toBe(503);
    expect(res.body.code).toBe("misconfigured");
  });
});
