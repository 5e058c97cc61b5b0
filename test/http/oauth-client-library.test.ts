// A standard OAuth client library (panva's oauth4webapi) drives the service with nothing but the
// issuer URL: discovery, both client authentication methods, scope, refresh, introspection,
// revocation and RFC 9068 access-token validation. No metadata is written by hand here.
import { env } from "cloudflare:workers";
import * as oauth from "oauth4webapi";
import { describe, expect, it } from "vitest";
import { DEVELOPMENT_BASE_URL } from "../../src/config/public-origin";
import { fetchWithEnv } from "../support/api";
import { createUser, world } from "../support/fixtures";

const ISSUER = new URL("https://auth.example.com");

/** The service, deployed at ISSUER: the library's requests reach the Worker instead of the network. */
const service = (publicBaseUrl: string) => (url: string, init: RequestInit) =>
  fetchWithEnv(new Request(url, init), { PUBLIC_BASE_URL: publicBaseUrl });

const options = { [oauth.customFetch]: service(ISSUER.href) };

async function discover(): Promise<oauth.AuthorizationServer> {
  return oauth.processDiscoveryResponse(ISSUER, await oauth.discoveryRequest(ISSUER, { algorithm: "oauth2", ...options }));
}

async function clientCredentials(as: oauth.AuthorizationServer, client: oauth.Client, auth: oauth.ClientAuth, scope?: string) {
  const res = await oauth.clientCredentialsGrantRequest(as, client, auth, scope ? { scope } : {}, options);
  return oauth.processClientCredentialsResponse(as, client, res);
}

async function introspect(as: oauth.AuthorizationServer, client: oauth.Client, auth: oauth.ClientAuth, token: string) {
  return oauth.processIntrospectionResponse(as, client, await oauth.introspectionRequest(as, client, auth, token, options));
}

describe("oauth4webapi against the service", () => {
  it("discovers the authorization server from its issuer URL alone (RFC 8414)", async () => {
    const as = await discover();
    expect(as.issuer).toBe("https://auth.example.com");
    expect(as.token_endpoint).toBe("https://auth.example.com/api/v1/oauth2/token");
    expect(as.token_endpoint_auth_methods_supported).toEqual(["client_secret_basic", "client_secret_post"]);
  });

  it("gets a token with each client authentication method, and validates it as an RFC 9068 access token", async () => {
    const w = await world();
    const as = await discover();
    const client: oauth.Client = { client_id: w.clientId };
    for (const auth of [oauth.ClientSecretBasic(w.clientSecret), oauth.ClientSecretPost(w.clientSecret)]) {
      const tokens = await clientCredentials(as, client, auth);
      expect(tokens.token_type).toBe("bearer");
      const request = new Request("https://auth.example.com/api/v1/users", { headers: { Authorization: `Bearer ${tokens.access_token}` } });
      const claims = await oauth.validateJwtAccessToken(as, request, env.TOKEN_AUDIENCE, options);
      expect(claims).toMatchObject({ iss: "https://auth.example.com", client_id: w.clientId, sub: w.clientId, scope: tokens.scope });
    }
  });

  it("narrows a token to the scope asked for, and introspects and revokes it", async () => {
    const w = await world();
    const as = await discover();
    const client: oauth.Client = { client_id: w.clientId };
    const auth = oauth.ClientSecretPost(w.clientSecret);
    const tokens = await clientCredentials(as, client, auth, "tenant:read user:read");
    expect(tokens.scope).toBe("tenant:read user:read");

    const active = await introspect(as, client, auth, tokens.access_token);
    expect(active).toMatchObject({ active: true, token_type: "Bearer", client_id: w.clientId, scope: "tenant:read user:read" });
    expect(active.exp).toEqual(expect.any(Number));
    expect(active.iat).toEqual(expect.any(Number));

    await oauth.processRevocationResponse(await oauth.revocationRequest(as, client, auth, tokens.access_token, options));
    expect(await introspect(as, client, auth, tokens.access_token)).toEqual({ active: false });
    const tenant = await service(ISSUER.href)(`${ISSUER.origin}/api/v1/tenants/${w.tenantId}`, { headers: { Authorization: `Bearer ${tokens.access_token}` } });
    expect(tenant.status).toBe(401);
  });

  it("refreshes an end user's session, narrowing the new access token's scope, and introspects the refresh token", async () => {
    const w = await world();
    await createUser(w, "library@example.com", "password one");
    const as = await discover();
    const client: oauth.Client = { client_id: w.clientId };
    const auth = oauth.ClientSecretBasic(w.clientSecret);
    const { access_token } = await clientCredentials(as, client, auth);
    const login = await service(ISSUER.href)(`${ISSUER.origin}/api/v1/login`, {
      method: "POST",
      headers: { Authorization: `Bearer ${access_token}`, "Content-Type": "application/json" },
      body: JSON.stringify({ tenantId: w.tenantId, email: "library@example.com", password: "password one" }),
    });
    const session = (await login.json()) as { refreshToken: string; accessToken: string };

    const res = await oauth.refreshTokenGrantRequest(as, client, auth, session.refreshToken, {
      additionalParameters: { scope: "change-password-workflow:execute" },
      ...options,
    });
    const refreshed = await oauth.processRefreshTokenResponse(as, client, res);
    expect(refreshed.scope).toBe("change-password-workflow:execute");
    expect(refreshed.refresh_token).toEqual(expect.any(String));
    const request = new Request("https://auth.example.com/api/v1/change-password", { headers: { Authorization: `Bearer ${refreshed.access_token}` } });
    expect(await oauth.validateJwtAccessToken(as, request, env.TOKEN_AUDIENCE, options)).toMatchObject({ client_id: w.clientId });

    expect(await introspect(as, client, auth, refreshed.refresh_token!)).toMatchObject({ active: true, client_id: w.clientId });
    await oauth.processRevocationResponse(await oauth.revocationRequest(as, client, auth, refreshed.refresh_token!, options));
    expect(await introspect(as, client, auth, refreshed.access_token)).toEqual({ active: false });
  });

  it("discovers the development issuer (http://localhost:8787) only when told to allow http", async () => {
    const issuer = new URL(DEVELOPMENT_BASE_URL);
    const local = { [oauth.customFetch]: service("") };
    await expect(oauth.discoveryRequest(issuer, { algorithm: "oauth2", ...local })).rejects.toThrow();
    const res = await oauth.discoveryRequest(issuer, { algorithm: "oauth2", ...local, [oauth.allowInsecureRequests]: true });
    expect((await oauth.processDiscoveryResponse(issuer, res)).issuer).toBe(DEVELOPMENT_BASE_URL);
  });
});
