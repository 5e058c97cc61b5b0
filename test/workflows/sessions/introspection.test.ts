// RFC 7662 token introspection: what an active answer carries for each kind of token.
import { env } from "cloudflare:workers";
import { type JWK, SignJWT, decodeJwt, importJWK } from "jose";
import { describe, expect, it } from "vitest";
import { serviceIssuer } from "../../../src/config/issuer";
import { EXTERNAL_IDP_KEY } from "../../secrets";
import { createUser, world } from "../../support/fixtures";
import { introspect, loginOk } from "../../support/sessions";

describe("introspection of an access token (RFC 7662)", () => {
  it("answers an M2M token with token_type Bearer, exp, iat, client_id and scope", async () => {
    const w = await world();
    const claims = decodeJwt(w.token);
    expect(await introspect(w, w.token)).toEqual({
      active: true,
      token_type: "Bearer",
      client_id: w.clientId,
      scope: claims.scope,
      sub: w.clientId,
      iss: serviceIssuer(env),
      aud: env.TOKEN_AUDIENCE,
      exp: claims.exp,
      iat: claims.iat,
      jti: claims.jti,
      app_id: w.applicationId,
    });
  });

  it("answers an end user's token with its session, tenant and the client that logged the user in", async () => {
    const w = await world();
    const user = await createUser(w, "introspect@example.com", "password one");
    const s = await loginOk(w, "introspect@example.com", "password one");
    const claims = decodeJwt(s.accessToken);
    expect(await introspect(w, s.accessToken)).toEqual({
      active: true,
      token_type: "Bearer",
      client_id: w.clientId,
      scope: "change-password-workflow:execute",
      sub: user.id,
      sid: s.sessionId,
      iss: serviceIssuer(env),
      aud: env.TOKEN_AUDIENCE,
      exp: claims.exp,
      iat: claims.iat,
      jti: claims.jti,
      app_id: w.applicationId,
      tnt_id: w.tenantId,
    });
  });

  it("answers a refresh token with token_type refresh_token, the client it was issued to, exp and iat", async () => {
    const w = await world();
    const user = await createUser(w, "introspect-refresh@example.com", "password one");
    const before = Math.floor(Date.now() / 1000);
    const s = await loginOk(w, "introspect-refresh@example.com", "password one");
    const answer = await introspect(w, s.refreshToken);
    expect(answer).toEqual({
      active: true,
      token_type: "refresh_token",
      client_id: w.clientId,
      scope: "change-password-workflow:execute",
      sub: user.id,
      sid: s.sessionId,
      iss: serviceIssuer(env),
      exp: expect.any(Number),
      iat: expect.any(Number),
      app_id: w.applicationId,
      tnt_id: w.tenantId,
    });
    expect(answer.iat).toBeGreaterThanOrEqual(before);
    // The session's idle lifetime bounds it: 7 days by default.
    expect(answer.exp as number).toBeLessThanOrEqual((answer.iat as number) + 7 * 24 * 3600 + 1);
    expect(answer.exp as number).toBeGreaterThan((answer.iat as number) + 7 * 24 * 3600 - 5);
  });

  it("reads a trusted external issuer's token as inactive: only tokens this service issued are introspected", async () => {
    const w = await world();
    const external = await new SignJWT({ app_id: w.applicationId, permissions: ["tenant:read"], client_id: "external-service" })
      .setProtectedHeader({ alg: "ES256", typ: "at+jwt", kid: EXTERNAL_IDP_KEY.kid })
      .setIssuer("https://idp.example")
      .setAudience(env.TOKEN_AUDIENCE)
      .setSubject("external-service")
      .setIssuedAt()
      .setExpirationTime("5m")
      .sign(await importJWK(EXTERNAL_IDP_KEY as JWK, "ES256"));
    expect(await introspect(w, external)).toEqual({ active: false });
  });
});
