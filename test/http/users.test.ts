import { describe, expect, it } from "vitest";
import { callJson } from "../support/api";
import { createUser, world } from "../support/fixtures";

const createIn = (token: string, tenantId: string, body: Record<string, unknown>) =>
  callJson("POST", "/api/v1/users", { token, body: { tenantId, ...body } });

describe("POST /api/v1/users", () => {
  it("creates an ACTIVE user with a 26-character id, keeping the email as given", async () => {
    const w = await world();
    const res = await createIn(w.token, w.tenantId, { email: "Dave@Example.com", password: "a long enough password" });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({
      id: expect.stringMatching(/^[a-z0-9]{26}$/),
      applicationId: w.applicationId,
      tenantId: w.tenantId,
      email: "Dave@Example.com",
      status: "ACTIVE",
      createdAt: expect.any(String),
    });
    expect(new Date(res.body.createdAt).toISOString()).toBe(res.body.createdAt);
  });

  it("creates a user without a password", async () => {
    const w = await world();
    expect((await createIn(w.token, w.tenantId, { email: "nopassword@example.com" })).status).toBe(201);
  });

  describe("emails are unique per tenant, case-insensitively", () => {
    it("rejects the same email in other case in the same tenant with 409 conflict", async () => {
      const w = await world();
      await createUser(w, "Carol@Example.com");
      const res = await createIn(w.token, w.tenantId, { email: "carol@example.COM" });
      expect(res.status).toBe(409);
      expect(res.body).toEqual({ type: "base_error", code: "conflict", message: expect.any(String) });
    });

    it("accepts the same email in another tenant", async () => {
      const w = await world();
      await createUser(w, "Carol@Example.com");
      const other = await callJson("POST", "/api/v1/tenants", { token: w.token, body: { applicationId: w.applicationId, name: "other" } });
      const res = await createIn(w.token, other.body.id, { email: "carol@example.COM" });
      expect(res.status).toBe(201);
      expect(res.body.tenantId).toBe(other.body.id);
    });

    it("finds a user by email in any case", async () => {
      const w = await world();
      const carol = await createUser(w, "Carol@Example.com");
      await createUser(w, "someone-else@example.com");
      const res = await callJson("GET", `/api/v1/tenants/${w.tenantId}/users?email=${encodeURIComponent("CAROL@example.com")}`, { token: w.token });
      expect(res.status).toBe(200);
      expect(res.body.items).toHaveLength(1);
      expect(res.body.items[0]).toMatchObject({ id: carol.id, email: "Carol@Example.com" });
    });
  });

  describe("the tenant's password length policy", () => {
    it("rejects a password shorter than the minimum (default 8) with too_short", async () => {
      const w = await world();
      const res = await createIn(w.token, w.tenantId, { email: "short@example.com", password: "1234567" });
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({
        type: "constraint_violations_error",
        code: "message_body_constraint_violations",
        violations: { password: [{ code: "too_short", constraintAttributes: { min: 8 } }] },
      });
      const list = await callJson("GET", `/api/v1/tenants/${w.tenantId}/users?email=short@example.com`, { token: w.token });
      expect(list.body.items).toEqual([]);
    });

    it("accepts a password of exactly the minimum length", async () => {
      const w = await world();
      expect((await createIn(w.token, w.tenantId, { email: "eight@example.com", password: "12345678" })).status).toBe(201);
    });

    it("rejects a password longer than the maximum (default 256) with too_long", async () => {
      const w = await world();
      const res = await createIn(w.token, w.tenantId, { email: "long@example.com", password: "p".repeat(257) });
      expect(res.status).toBe(400);
      expect(res.body.violations).toEqual({ password: [{ code: "too_long", constraintAttributes: { max: 256 } }] });
    });

    it("rejects a password that contains the local part of the user's email with contains_email", async () => {
      const w = await world();
      const res = await createIn(w.token, w.tenantId, { email: "rosalind@example.com", password: "rosalind-1234" });
      expect(res.status).toBe(400);
      expect(res.body.violations).toEqual({ password: [{ code: "contains_email", constraintAttributes: {} }] });
    });

    it("follows the tenant's own minimum", async () => {
      const w = await world();
      const patch = await callJson("PATCH", `/api/v1/tenants/${w.tenantId}/password-reset-policy`, { token: w.token, body: { passwordMinLength: 12 } });
      expect(patch.status).toBe(200);
      const res = await createIn(w.token, w.tenantId, { email: "eleven@example.com", password: "12345678901" });
      expect(res.status).toBe(400);
      expect(res.body.violations).toEqual({ password: [{ code: "too_short", constraintAttributes: { min: 12 } }] });
    });
  });
});

describe("GET /api/v1/tenants/{tenantId}/users", () => {
  it("lists the tenant's users newest first, 50 by default, up to `limit` (at most 200)", async () => {
    const w = await world();
    for (let i = 0; i < 51; i++) await createUser(w, `list-${String(i).padStart(2, "0")}@example.com`);
    const all = await callJson("GET", `/api/v1/tenants/${w.tenantId}/users`, { token: w.token });
    expect(all.status).toBe(200);
    expect(all.body.items).toHaveLength(50);
    const two = await callJson("GET", `/api/v1/tenants/${w.tenantId}/users?limit=2`, { token: w.token });
    expect(two.body.items.map((u: { email: string }) => u.email)).toEqual(["list-50@example.com", "list-49@example.com"]);
    expect((await callJson("GET", `/api/v1/tenants/${w.tenantId}/users?limit=201`, { token: w.token })).status).toBe(400);
    expect((await callJson("GET", `/api/v1/tenants/${w.tenantId}/users?limit=0`, { token: w.token })).status).toBe(400);
  });
});
