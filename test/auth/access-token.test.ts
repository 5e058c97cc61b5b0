import { env } from "cloudflare:workers";
import { type JWK, generateKeyPair } from "jose";
import { beforeAll, describe, expect, it } from "vitest";
import { ACCESS_TOKEN_CLOCK_SKEW_SECONDS, MAX_ACCESS_TOKEN_LIFETIME_SECONDS } from "../../src/auth/token-lifetime";
import { call, callJson } from "../support/api";
import { type World, world } from "../support/fixtures";
import { type AccessClaims, SERVICE_JWK, signAccessToken, unsignedAccessToken } from "../support/tokens";

let w: World;
let claims: AccessClaims;

beforeAll(async () => {
  w = await world("jwt");
  claims = { sub: w.clientId, app_id: w.applicationId, permissions: ["tenant:read"] };
});

const readTenant = (token: string) => call("GET", `/api/v1/tenants/${w.tenantId}`, { token });

async function expectRejected(token: string) {
  const res = await readTenant(token);
  expect(res.status).toBe(401);
  expect(res.headers.get("WWW-Authenticate")).toMatch(/^Bearer\b/);
  expect(await res.json()).toMatchObject({ type: "base_error", code: "unauthorized" });
}

describe("access tokens", () => {
  describe("accepted", () => {
    it("a token the service issued through client_credentials", async () => {
      const res = await callJson("GET", `/api/v1/tenants/${w.tenantId}`, { token: w.token });
      expect(res.status).toBe(200);
      expect(res.body.id).toBe(w.tenantId);
    });

    it("a token signed with the service's key, issuer, audience and typ (control for the forgeries below)", async () => {
      expect((await readTenant(await signAccessToken(claims))).status).toBe(200);
    });

    it("an iat a little ahead of our clock, within the allowed skew, and a lifetime of exactly the maximum", async () => {
      expect((await readTenant(await signAccessToken(claims, { issuedAt: ACCESS_TOKEN_CLOCK_SKEW_SECONDS - 10, expiresIn: 300 + ACCESS_TOKEN_CLOCK_SKEW_SECONDS }))).status).toBe(200);
      expect((await readTenant(await signAccessToken(claims, { issuedAt: 0, expiresIn: MAX_ACCESS_TOKEN_LIFETIME_SECONDS }))).status).toBe(200);
    });
  });

  describe("rejected with 401 and a Bearer challenge", () => {
    it("no signature at all (alg none)", async () => {
      await expectRejected(unsignedAccessToken(claims));
    });

    it("HS256 keyed with the service's public JWK (algorithm confusion)", async () => {
      const jwks = await callJson<{ keys: JWK[] }>("GET", "/.well-known/jwks.json");
      const publicJwk = jwks.body.keys[0]!;
      for (const secret of [JSON.stringify(publicJwk), publicJwk.x!]) {
        await expectRejected(await signAccessToken(claims, { alg: "HS256", key: new TextEncoder().encode(secret) }));
      }
    });

    it("another issuer", async () => {
      await expectRejected(await signAccessToken(claims, { iss: "urn:someone-else" }));
    });

    it("another audience", async () => {
      await expectRejected(await signAccessToken(claims, { aud: `${env.TOKEN_AUDIENCE}:other` }));
    });

    it("expired", async () => {
      await expectRejected(await signAccessToken(claims, { expiresIn: -60 }));
    });

    it("signed by an unknown key under an unknown kid, claiming the service's issuer", async () => {
      const { privateKey } = await generateKeyPair("ES256");
      await expectRejected(await signAccessToken(claims, { key: privateKey, kid: "rogue-key-1" }));
    });

    it("signed by an unknown key under the service's own kid", async () => {
      const { privateKey } = await generateKeyPair("ES256");
      await expectRejected(await signAccessToken(claims, { key: privateKey, kid: SERVICE_JWK.kid }));
    });

    it("typ JWT instead of at+jwt", async () => {
      await expectRejected(await signAccessToken(claims, { typ: "JWT" }));
    });

    it("missing the app_id claim", async () => {
      const { app_id: _omit, ...rest } = claims;
      await expectRejected(await signAccessToken(rest as AccessClaims));
    });

    it("without a jti, so it could never be revoked", async () => {
      await expectRejected(await signAccessToken(claims, { jti: null }));
    });

    it("without an iat", async () => {
      await expectRejected(await signAccessToken(claims, { issuedAt: null }));
    });

    it("issued in the future beyond the allowed clock skew (ACCESS_TOKEN_CLOCK_SKEW_SECONDS)", async () => {
      await expectRejected(await signAccessToken(claims, { issuedAt: ACCESS_TOKEN_CLOCK_SKEW_SECONDS + 30, expiresIn: ACCESS_TOKEN_CLOCK_SKEW_SECONDS + 300 }));
    });

    it("living longer than the documented maximum (MAX_ACCESS_TOKEN_LIFETIME_SECONDS, 15 minutes)", async () => {
      await expectRejected(await signAccessToken(claims, { issuedAt: 0, expiresIn: MAX_ACCESS_TOKEN_LIFETIME_SECONDS + 1 }));
      await expectRejected(await signAccessToken(claims, { issuedAt: 0, expiresIn: 365 * 86400 }));
    });

    it("a string that is not a JWT", async () => {
      await expectRejected("not-a-jwt");
    });
  });

  it("answers a request without any token with a bare Bearer challenge", async () => {
    const res = await call("GET", `/api/v1/tenants/${w.tenantId}`);
    expect(res.status).toBe(401);
    expect(res.headers.get("WWW-Authenticate")).toBe("Bearer");
    expect(await res.json()).toMatchObject({ type: "base_error", code: "unauthorized" });
  });
});

describe("GET /.well-known/jwks.json", () => {
  it("publishes the public signing key, without its private part", async () => {
    const res = await callJson<{ keys: JWK[] }>("GET", "/.well-known/jwks.json");
    expect(res.status).toBe(200);
    expect(res.body.keys).toHaveLength(1);
    const key = res.body.keys[0]!;
    expect(key).toMatchObject({ kty: "EC", crv: "P-256", kid: SERVICE_JWK.kid, x: SERVICE_JWK.x, y: SERVICE_JWK.y, alg: "ES256", use: "sig" });
    expect(key).not.toHaveProperty("d");
    expect(JSON.stringify(res.body)).not.toContain(SERVICE_JWK.d!);
  });
});
