// Issue 11 item 6: revoking a client's (M2M) access token at /oauth2/revoke makes it inactive
// everywhere until it expires: a deny-list by jti in D1, checked wherever tokens are verified.
import { createExecutionContext, createScheduledController, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { decodeJwt } from "jose";
import { afterEach, describe, expect, it, vi } from "vitest";
import worker from "../../../src/index";
import { CLIENT_TOKEN_TTL_SECONDS } from "../../../src/auth/access-token";
import { callJson } from "../../support/api";
import { clientToken, world } from "../../support/fixtures";
import { introspect, revokeToken } from "../../support/sessions";

async function deniedRows(token: string): Promise<number> {
  const jti = decodeJwt(token).jti!;
  return (await env.DB.prepare("SELECT count(*) AS n FROM revoked_access_tokens WHERE jti = ?").bind(jti).first<{ n: number }>())!.n;
}

async function runRetention(at: number): Promise<void> {
  const ctx = createExecutionContext();
  await worker.scheduled(createScheduledController({ scheduledTime: at }), env, ctx);
  await waitOnExecutionContext(ctx);
}

afterEach(() => {
  vi.useRealTimers();
});

describe("revoking a client's access token", () => {
  it("makes it answer 401 on the API and read inactive on introspection, while its sibling tokens keep working", async () => {
    const w = await world();
    const revoked = await clientToken(w.clientId, w.clientSecret);
    const sibling = await clientToken(w.clientId, w.clientSecret);
    expect((await callJson("GET", `/api/v1/tenants/${w.tenantId}`, { token: revoked })).status).toBe(200);

    expect((await revokeToken(w, revoked)).status).toBe(200);

    const res = await callJson("GET", `/api/v1/tenants/${w.tenantId}`, { token: revoked });
    expect(res.status).toBe(401);
    expect(res.res.headers.get("WWW-Authenticate")).toMatch(/^Bearer\b/);
    expect(await introspect(w, revoked)).toEqual({ active: false });
    expect((await callJson("GET", `/api/v1/tenants/${w.tenantId}`, { token: sibling })).status).toBe(200);
    expect((await introspect(w, sibling)).active).toBe(true);
    // A new token for the same client works: the client is not revoked, the token is.
    expect((await callJson("GET", `/api/v1/tenants/${w.tenantId}`, { token: await clientToken(w.clientId, w.clientSecret) })).status).toBe(200);
  });

  it("is idempotent: revoking twice answers 200 both times and keeps one row", async () => {
    const w = await world();
    const token = await clientToken(w.clientId, w.clientSecret);
    expect((await revokeToken(w, token)).status).toBe(200);
    expect((await revokeToken(w, token)).status).toBe(200);
    expect(await deniedRows(token)).toBe(1);
  });

  it("is refused silently to a client of another application, and to a tenant-scoped client for an application-level token", async () => {
    const w = await world("owner");
    const other = await world("stranger");
    const token = await clientToken(w.clientId, w.clientSecret);
    expect((await revokeToken(other, token)).status).toBe(200);

    const tenantClient = await callJson("POST", `/api/v1/applications/${w.applicationId}/clients`, {
      token: w.token,
      body: { name: "tenant-scoped", permissions: ["user:read"], tenantId: w.tenantId },
    });
    const tenantScoped = { ...w, clientId: tenantClient.body.id, clientSecret: tenantClient.body.clientSecret };
    expect((await revokeToken(tenantScoped, token)).status).toBe(200);

    expect((await callJson("GET", `/api/v1/tenants/${w.tenantId}`, { token })).status).toBe(200);
    expect((await introspect(w, token)).active).toBe(true);
  });

  it("lets a tenant-scoped client revoke a token of its own tenant", async () => {
    const w = await world();
    // Issue 16 item 2: only the client a token was issued to may revoke it (RFC 7009 §2.1).
    const created = await callJson("POST", `/api/v1/applications/${w.applicationId}/clients`, {
      token: w.token,
      body: { name: "tenant-scoped", permissions: ["tenant:read"], tenantId: w.tenantId },
    });
    const tenantScoped = { ...w, clientId: created.body.id, clientSecret: created.body.clientSecret };
    const token = await clientToken(tenantScoped.clientId, tenantScoped.clientSecret);
    expect((await callJson("GET", `/api/v1/tenants/${w.tenantId}`, { token })).status).toBe(200);
    expect((await revokeToken(tenantScoped, token)).status).toBe(200);
    expect((await callJson("GET", `/api/v1/tenants/${w.tenantId}`, { token })).status).toBe(401);
  });

  it("keeps the deny-list row until the token has expired, then the daily retention run deletes it", async () => {
    const w = await world();
    const token = await clientToken(w.clientId, w.clientSecret);
    const exp = decodeJwt(token).exp! * 1000;
    expect(exp - Date.now()).toBeLessThanOrEqual(CLIENT_TOKEN_TTL_SECONDS * 1000);
    await revokeToken(w, token);
    expect(await deniedRows(token)).toBe(1);

    await runRetention(exp - 1);
    expect(await deniedRows(token)).toBe(1);
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(exp - 1000);
    expect((await callJson("GET", `/api/v1/tenants/${w.tenantId}`, { token })).status).toBe(401);

    await runRetention(exp + 1);
    expect(await deniedRows(token)).toBe(0);
  });
});
