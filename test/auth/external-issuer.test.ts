// A trusted external issuer speaks for one application (optionally one tenant), within a ceiling
// of permissions. Its keys are served by the second Worker (test/fixtures/host-app.js).
import { type JWK, SignJWT, importJWK } from "jose";
import { describe, expect, it } from "vitest";
import { type CallOptions, callJson } from "../support/api";
import { type World, world } from "../support/fixtures";
import { EXTERNAL_IDP_KEY } from "../secrets";
import { ACCESS_TOKEN_CLOCK_SKEW_SECONDS, MAX_ACCESS_TOKEN_LIFETIME_SECONDS } from "../../src/auth/token-lifetime";

/** Times in seconds from now; `jti: null` and `iat: null` leave the claim out. */
async function externalToken(
  claims: Record<string, unknown>,
  issuer = "https://idp.example",
  kid = EXTERNAL_IDP_KEY.kid,
  times: { iat?: number | null; exp?: number; jti?: string | null } = {},
) {
  const key = await importJWK(EXTERNAL_IDP_KEY as JWK, "ES256");
  const now = Math.floor(Date.now() / 1000);
  const jwt = new SignJWT(claims)
    .setProtectedHeader({ alg: "ES256", typ: "at+jwt", kid })
    .setIssuer(issuer)
    .setAudience("urn:edge-password-reset:api")
    .setSubject("external-service")
    .setExpirationTime(now + (times.exp ?? 300));
  if (times.iat !== null) jwt.setIssuedAt(now + (times.iat ?? 0));
  // RFC 9068 §2.2: an access token carries a jti.
  if (times.jti !== null) jwt.setJti(times.jti ?? crypto.randomUUID());
  return jwt.sign(key);
}

interface Binding {
  applicationId: string;
  tenantId?: string;
  permissions: string[];
}

/** The service configured to trust https://idp.example for exactly this binding. */
function trusting(binding: Binding): Pick<CallOptions, "env"> {
  return { env: { TRUSTED_ISSUERS: JSON.stringify([{ issuer: "https://idp.example", jwksUrl: "https://idp.example/idp/jwks.json", ...binding }]) } };
}

const readTenant = (w: World, tenantId: string, token: string, binding: Binding) =>
  callJson("GET", `/api/v1/tenants/${tenantId}`, { token, ...trusting(binding) });

describe("an external issuer configured by JWKS URL", () => {
  it("is trusted within its binding: its token acts in the application it is bound to", async () => {
    const w = await world();
    const token = await externalToken({ app_id: w.applicationId, permissions: ["tenant:read"] });
    const res = await readTenant(w, w.tenantId, token, { applicationId: w.applicationId, permissions: ["tenant:read", "user:read"] });
    expect(res.status).toBe(200);
    expect(res.body.id).toBe(w.tenantId);
  });

  it("cannot borrow another issuer's name, nor use a key missing from its JWKS", async () => {
    const w = await world();
    const binding = { applicationId: w.applicationId, permissions: ["tenant:read"] };
    const claims = { app_id: w.applicationId, permissions: ["tenant:read"] };
    const unlisted = await externalToken(claims, "https://other-idp.example");
    expect((await readTenant(w, w.tenantId, unlisted, binding)).status).toBe(401);
    const unknownKid = await externalToken(claims, "https://idp.example", "not-in-jwks");
    expect((await readTenant(w, w.tenantId, unknownKid, binding)).status).toBe(401);
  });

  it("refuses a token that claims another application: 401", async () => {
    const bound = await world("bound");
    const other = await world("other");
    const token = await externalToken({ app_id: other.applicationId, permissions: ["tenant:read"] });
    const res = await readTenant(other, other.tenantId, token, { applicationId: bound.applicationId, permissions: ["tenant:read"] });
    expect(res.status).toBe(401);
    expect(res.body).toMatchObject({ type: "base_error", code: "unauthorized" });
  });

  it("bound to a tenant, refuses a token for another tenant or for the whole application: 401", async () => {
    const w = await world();
    const second = await callJson("POST", "/api/v1/tenants", { token: w.token, body: { applicationId: w.applicationId, name: "second" } });
    expect(second.status).toBe(201);
    const binding = { applicationId: w.applicationId, tenantId: w.tenantId, permissions: ["tenant:read"] };
    const own = await externalToken({ app_id: w.applicationId, tnt_id: w.tenantId, permissions: ["tenant:read"] });
    expect((await readTenant(w, w.tenantId, own, binding)).status).toBe(200);
    const otherTenant = await externalToken({ app_id: w.applicationId, tnt_id: second.body.id, permissions: ["tenant:read"] });
    expect((await readTenant(w, second.body.id, otherTenant, binding)).status).toBe(401);
    const wholeApplication = await externalToken({ app_id: w.applicationId, permissions: ["tenant:read"] });
    expect((await readTenant(w, second.body.id, wholeApplication, binding)).status).toBe(401);
  });

  it("refuses a token that claims a permission above the issuer's ceiling: 403", async () => {
    const w = await world();
    const token = await externalToken({ app_id: w.applicationId, permissions: ["tenant:read", "user:write"] });
    const res = await readTenant(w, w.tenantId, token, { applicationId: w.applicationId, permissions: ["tenant:read"] });
    expect(res.status).toBe(403);
    expect(res.body).toMatchObject({ type: "base_error", code: "forbidden" });
    expect(res.body.message).toContain("user:write");
  });

  it("refuses a token that names a session of this service: 401", async () => {
    const w = await world();
    const token = await externalToken({ app_id: w.applicationId, tnt_id: w.tenantId, sid: "zzzzzzzzzzzzzzzzzzzzzzzzzz", permissions: ["tenant:read"] });
    expect((await readTenant(w, w.tenantId, token, { applicationId: w.applicationId, permissions: ["tenant:read"] })).status).toBe(401);
  });

  it("refuses a token without a jti, one issued in the future, or one living longer than the documented maximum: 401", async () => {
    const w = await world();
    const binding = { applicationId: w.applicationId, permissions: ["tenant:read"] };
    const claims = { app_id: w.applicationId, permissions: ["tenant:read"] };
    const ok = await externalToken(claims, undefined, undefined, { iat: 0, exp: MAX_ACCESS_TOKEN_LIFETIME_SECONDS });
    expect((await readTenant(w, w.tenantId, ok, binding)).status).toBe(200);
    const refused = [
      await externalToken(claims, undefined, undefined, { jti: null }),
      await externalToken(claims, undefined, undefined, { iat: null }),
      await externalToken(claims, undefined, undefined, { iat: ACCESS_TOKEN_CLOCK_SKEW_SECONDS + 30, exp: ACCESS_TOKEN_CLOCK_SKEW_SECONDS + 300 }),
      await externalToken(claims, undefined, undefined, { iat: 0, exp: MAX_ACCESS_TOKEN_LIFETIME_SECONDS + 1 }),
      await externalToken(claims, undefined, undefined, { iat: -60, exp: 24 * 3600 }),
    ];
    for (const token of refused) {
      const res = await readTenant(w, w.tenantId, token, binding);
      expect(res.status).toBe(401);
      expect(res.body).toMatchObject({ type: "base_error", code: "unauthorized" });
    }
  });
});
