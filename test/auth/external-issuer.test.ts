import { type JWK, SignJWT, importJWK } from "jose";
import { describe, expect, it } from "vitest";
import { callJson } from "../support/api";
import { world } from "../support/fixtures";
import { EXTERNAL_IDP_KEY } from "../secrets";

async function externalToken(claims: Record<string, unknown>, issuer = "https://idp.example", kid = EXTERNAL_IDP_KEY.kid) {
  const key = await importJWK(EXTERNAL_IDP_KEY as JWK, "ES256");
  return new SignJWT(claims)
    .setProtectedHeader({ alg: "ES256", typ: "at+jwt", kid })
    .setIssuer(issuer)
    .setAudience("urn:edge-password-reset:api")
    .setSubject("external-service")
    .setIssuedAt()
    .setExpirationTime("5m")
    .sign(key);
}

describe("an external issuer configured by JWKS URL", () => {
  it("is trusted: its token acts within the application it names", async () => {
    const w = await world();
    const token = await externalToken({ app_id: w.applicationId, permissions: ["tenant:read"] });
    const res = await callJson("GET", `/api/v1/tenants/${w.tenantId}`, { token });
    expect(res.status).toBe(200);
    expect(res.body.id).toBe(w.tenantId);
  });

  it("cannot borrow another issuer's name, nor use a key missing from its JWKS", async () => {
    const w = await world();
    const claims = { app_id: w.applicationId, permissions: ["tenant:read"] };
    const unlisted = await externalToken(claims, "https://other-idp.example");
    expect((await callJson("GET", `/api/v1/tenants/${w.tenantId}`, { token: unlisted })).status).toBe(401);
    const unknownKid = await externalToken(claims, "https://idp.example", "not-in-jwks");
    expect((await callJson("GET", `/api/v1/tenants/${w.tenantId}`, { token: unknownKid })).status).toBe(401);
  });
});
