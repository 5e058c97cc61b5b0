// Permission boundaries: whatever lies outside a token's application or tenant reads as absent.
import { describe, expect, it } from "vitest";
import { callJson } from "../support/api";
import { type World, createUser, scopedToken, world } from "../support/fixtures";

/** A world with a second tenant in the same application. */
async function twoTenants(): Promise<World & { otherTenantId: string }> {
  const w = await world();
  const other = await callJson("POST", "/api/v1/tenants", { token: w.token, body: { applicationId: w.applicationId, name: "second-tenant" } });
  expect(other.status).toBe(201);
  return { ...w, otherTenantId: other.body.id };
}

describe("Tenant boundary", () => {
  it("reads users of its own tenant", async () => {
    const w = await twoTenants();
    const user = await createUser(w, "own@example.com");
    const token = await scopedToken(w, ["user:read"], w.tenantId);
    const res = await callJson("GET", `/api/v1/users/${user.id}`, { token });
    expect(res.status).toBe(200);
    expect(res.body.id).toBe(user.id);
    const list = await callJson("GET", `/api/v1/tenants/${w.tenantId}/users`, { token });
    expect(list.status).toBe(200);
    expect(list.body.items.map((u: { id: string }) => u.id)).toEqual([user.id]);
  });

  it("cannot read a user of another tenant of the same application: 404", async () => {
    const w = await twoTenants();
    const stranger = await createUser(w, "stranger@example.com", undefined, w.otherTenantId);
    const token = await scopedToken(w, ["user:read"], w.tenantId);
    const res = await callJson("GET", `/api/v1/users/${stranger.id}`, { token });
    expect(res.status).toBe(404);
    expect(res.body).toMatchObject({ type: "base_error", code: "not_found" });
  });

  it("cannot list the users of another tenant: 404", async () => {
    const w = await twoTenants();
    await createUser(w, "listed@example.com", undefined, w.otherTenantId);
    const token = await scopedToken(w, ["user:read"], w.tenantId);
    const res = await callJson("GET", `/api/v1/tenants/${w.otherTenantId}/users`, { token });
    expect(res.status).toBe(404);
    expect(res.body).toMatchObject({ type: "base_error", code: "not_found" });
  });

  it("cannot change its application's password reset policy, whose id its token names: 403", async () => {
    const w = await world();
    const token = await scopedToken(w, ["application:read", "application:write"], w.tenantId);
    const res = await callJson("PATCH", `/api/v1/applications/${w.applicationId}/password-reset-policy`, { token, body: { otpLength: 8 } });
    expect(res.status).toBe(403);
    expect(res.body).toMatchObject({ type: "base_error", code: "forbidden" });
    const policy = await callJson("GET", `/api/v1/applications/${w.applicationId}/password-reset-policy`, { token: w.token });
    expect(policy.body.otpLength).toBe(6);
  });
});

describe("Application boundary", () => {
  it("cannot see another application's tenant: 404", async () => {
    const [mine, theirs] = await Promise.all([world("mine"), world("theirs")]);
    const res = await callJson("GET", `/api/v1/tenants/${theirs.tenantId}`, { token: mine.token });
    expect(res.status).toBe(404);
    expect(res.body).toMatchObject({ type: "base_error", code: "not_found" });
  });

  it("cannot see another application's user: 404", async () => {
    const [mine, theirs] = await Promise.all([world("mine"), world("theirs")]);
    const user = await createUser(theirs, "theirs@example.com");
    expect((await callJson("GET", `/api/v1/users/${user.id}`, { token: mine.token })).status).toBe(404);
    expect((await callJson("GET", `/api/v1/tenants/${theirs.tenantId}/users`, { token: mine.token })).status).toBe(404);
  });

  it("cannot create a user in another application's tenant: 404, and nothing is created", async () => {
    const [mine, theirs] = await Promise.all([world("mine"), world("theirs")]);
    const res = await callJson("POST", "/api/v1/users", { token: mine.token, body: { tenantId: theirs.tenantId, email: "intruder@example.com" } });
    expect(res.status).toBe(404);
    expect(res.body).toMatchObject({ type: "base_error", code: "not_found" });
    const list = await callJson("GET", `/api/v1/tenants/${theirs.tenantId}/users`, { token: theirs.token });
    expect(list.body.items).toEqual([]);
  });

  it("cannot delete another application's user: 404, and the user remains", async () => {
    const [mine, theirs] = await Promise.all([world("mine"), world("theirs")]);
    const user = await createUser(theirs, "keep@example.com");
    expect((await callJson("DELETE", `/api/v1/users/${user.id}`, { token: mine.token })).status).toBe(404);
    expect((await callJson("GET", `/api/v1/users/${user.id}`, { token: theirs.token })).status).toBe(200);
  });
});

describe("DELETE /api/v1/users/{userId}", () => {
  it("answers 204, after which the user is gone", async () => {
    const w = await world();
    const user = await createUser(w, "gone@example.com", "a long enough password");
    const del = await callJson("DELETE", `/api/v1/users/${user.id}`, { token: w.token });
    expect(del.status).toBe(204);
    expect(del.body).toBeNull();
    expect((await callJson("GET", `/api/v1/users/${user.id}`, { token: w.token })).status).toBe(404);
    expect((await callJson("DELETE", `/api/v1/users/${user.id}`, { token: w.token })).status).toBe(404);
  });
});
