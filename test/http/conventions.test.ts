// The API's cross-cutting conventions: one error shape per kind of failure, request ids,
// and the OpenAPI document.
import { describe, expect, it } from "vitest";
import { ADMIN, call, callJson } from "../support/api";
import { createUser, scopedToken, world } from "../support/fixtures";

const UNKNOWN_ID = "zzzzzzzzzzzzzzzzzzzzzzzzzz";

function expectBaseError(res: { status: number; body: unknown }, status: number, code: string) {
  expect(res.status).toBe(status);
  expect(res.body).toEqual({ type: "base_error", code, message: expect.any(String) });
}

describe("error statuses", () => {
  it("401 without a token, with a Bearer challenge", async () => {
    const w = await world();
    const res = await callJson("GET", `/api/v1/users/${UNKNOWN_ID}`);
    expectBaseError(res, 401, "unauthorized");
    expect(res.res.headers.get("WWW-Authenticate")).toBe("Bearer");
    expectBaseError(await callJson("POST", "/api/v1/users", { body: { tenantId: w.tenantId, email: "x@example.com" } }), 401, "unauthorized");
  });

  it("403 for a token that lacks the route's permission", async () => {
    const w = await world();
    const readOnly = await scopedToken(w, ["user:read"]);
    const res = await callJson("POST", "/api/v1/users", { token: readOnly, body: { tenantId: w.tenantId, email: "nope@example.com" } });
    expectBaseError(res, 403, "forbidden");
    const list = await callJson("GET", `/api/v1/tenants/${w.tenantId}/users?email=nope@example.com`, { token: w.token });
    expect(list.body.items).toEqual([]);
  });

  it("404 for an unknown user id", async () => {
    const w = await world();
    expectBaseError(await callJson("GET", `/api/v1/users/${UNKNOWN_ID}`, { token: w.token }), 404, "not_found");
  });

  it("404 for an unknown route, even without a token", async () => {
    const w = await world();
    expectBaseError(await callJson("GET", "/api/v1/no-such-thing", { token: w.token }), 404, "not_found");
    expectBaseError(await callJson("GET", "/no-such-thing"), 404, "not_found");
  });

  it("405 with an Allow header for a known path and an unsupported method", async () => {
    const w = await world();
    const user = await createUser(w, "method@example.com");
    const res = await callJson("PUT", `/api/v1/users/${user.id}`, { token: w.token, body: { email: "other@example.com" } });
    expectBaseError(res, 405, "method_not_allowed");
    const allow = (res.res.headers.get("Allow") ?? "").split(/,\s*/).sort();
    expect(allow).toEqual(["DELETE", "GET", "PATCH"]);
  });

  it("409 for a duplicate email in a tenant", async () => {
    const w = await world();
    await createUser(w, "twice@example.com");
    const res = await callJson("POST", "/api/v1/users", { token: w.token, body: { tenantId: w.tenantId, email: "twice@example.com" } });
    expectBaseError(res, 409, "conflict");
  });

  it("409 for a duplicate tenant name in an application", async () => {
    const w = await world("dup");
    const res = await callJson("POST", "/api/v1/tenants", { token: ADMIN, body: { applicationId: w.applicationId, name: "dup-tenant" } });
    expectBaseError(res, 409, "conflict");
  });

  it("413 for a body over 16 KiB", async () => {
    const w = await world();
    const body = JSON.stringify({ tenantId: w.tenantId, email: "big@example.com", password: "p".repeat(16 * 1024) });
    expectBaseError(await callJson("POST", "/api/v1/users", { token: w.token, body }), 413, "payload_too_large");
  });

  it("415 for a body that is not application/json", async () => {
    const w = await world();
    const res = await callJson("POST", "/api/v1/users", {
      token: w.token,
      body: JSON.stringify({ tenantId: w.tenantId, email: "plain@example.com" }),
      headers: { "Content-Type": "text/plain" },
    });
    expectBaseError(res, 415, "unsupported_media_type");
  });

  it("415 for application/json with a malformed parameter", async () => {
    const w = await world();
    for (const type of ["application/json; x", "application/json;;"]) {
      const res = await callJson("POST", "/api/v1/users", {
        token: w.token,
        body: JSON.stringify({ tenantId: w.tenantId, email: "param@example.com" }),
        headers: { "Content-Type": type },
      });
      expectBaseError(res, 415, "unsupported_media_type");
    }
  });

  it("400 naming the field for a body key that is an Object.prototype name", async () => {
    const w = await world();
    for (const key of ["constructor", "toString", "__proto__", "hasOwnProperty"]) {
      const body = `{"tenantId":"${w.tenantId}","email":"proto@example.com",${JSON.stringify(key)}:1}`;
      const res = await callJson("POST", "/api/v1/users", { token: w.token, body });
      expect(res.status, key).toBe(400);
      expect(res.body.violations[key], key).toEqual([{ code: "unknown_field", constraintAttributes: {} }]);
    }
  });

  it("the OAuth error shape for a form with a malformed media type parameter or an oversized body", async () => {
    const w = await world();
    const basic = `Basic ${btoa(`${w.clientId}:${w.clientSecret}`)}`;
    const odd = await callJson("POST", "/api/v1/oauth2/token", {
      body: "grant_type=client_credentials",
      headers: { Authorization: basic, "Content-Type": "application/x-www-form-urlencoded; x" },
    });
    expect(odd.status).toBe(400);
    expect(odd.body).toEqual({ error: "invalid_request", error_description: expect.any(String) });
    const big = await callJson("POST", "/api/v1/oauth2/token", {
      body: `grant_type=client_credentials&scope=${"s".repeat(17 * 1024)}`,
      headers: { Authorization: basic, "Content-Type": "application/x-www-form-urlencoded" },
    });
    expect(big.status).toBe(413);
    expect(big.body).toEqual({ error: "invalid_request", error_description: expect.any(String) });
  });

  it("400 malformed_request_body for a body that is not valid JSON", async () => {
    const w = await world();
    expectBaseError(await callJson("POST", "/api/v1/users", { token: w.token, body: '{"tenantId": ' }), 400, "malformed_request_body");
  });
});

describe("400 constraint violations", () => {
  const shape = (code: string, violations: Record<string, unknown>) => ({
    type: "constraint_violations_error",
    code,
    message: expect.any(String),
    violations,
  });

  it("names a missing field as required", async () => {
    const w = await world();
    const res = await callJson("POST", "/api/v1/users", { token: w.token, body: { tenantId: w.tenantId } });
    expect(res.status).toBe(400);
    expect(res.body).toEqual(shape("message_body_constraint_violations", { email: [{ code: "required", constraintAttributes: {} }] }));
  });

  it("names an unknown field as unknown_field", async () => {
    const w = await world();
    const res = await callJson("POST", "/api/v1/users", { token: w.token, body: { tenantId: w.tenantId, email: "u@example.com", role: "admin" } });
    expect(res.status).toBe(400);
    expect(res.body).toEqual(shape("message_body_constraint_violations", { role: [{ code: "unknown_field", constraintAttributes: {} }] }));
  });

  it("names a malformed id in the body as invalid_format", async () => {
    const w = await world();
    const res = await callJson("POST", "/api/v1/users", { token: w.token, body: { tenantId: "Not-An-Id", email: "u@example.com" } });
    expect(res.status).toBe(400);
    expect(res.body).toEqual(shape("message_body_constraint_violations", { tenantId: [{ code: "invalid_format", constraintAttributes: expect.any(Object) }] }));
  });

  it("names a malformed id in the path as a path parameter violation", async () => {
    const w = await world();
    const res = await callJson("GET", "/api/v1/users/NOT-AN-ID", { token: w.token });
    expect(res.status).toBe(400);
    expect(res.body).toEqual(shape("path_parameter_constraint_violations", { userId: [{ code: "invalid_format", constraintAttributes: expect.any(Object) }] }));
  });

  it("names a malformed query parameter as a query parameter violation", async () => {
    const w = await world();
    const res = await callJson("GET", `/api/v1/tenants/${w.tenantId}/users?email=not-an-email`, { token: w.token });
    expect(res.status).toBe(400);
    expect(res.body).toEqual(shape("query_parameter_constraint_violations", { email: [{ code: "invalid_format", constraintAttributes: expect.any(Object) }] }));
  });

  it("never exposes the raw zod error", async () => {
    const w = await world();
    for (const body of [{}, { tenantId: 42, email: ["x"], extra: true }]) {
      const res = await call("POST", "/api/v1/users", { token: w.token, body });
      expect(res.status).toBe(400);
      const text = await res.text();
      expect(text).not.toContain('"issues"');
      expect(text).not.toContain("ZodError");
      expect(Object.keys(JSON.parse(text)).sort()).toEqual(["code", "message", "type", "violations"]);
    }
  });
});

describe("X-Request-Id", () => {
  it("is on every response: success, not found and bad request", async () => {
    const w = await world();
    const responses = [
      await call("GET", `/api/v1/tenants/${w.tenantId}`, { token: w.token }),
      await call("GET", `/api/v1/users/${UNKNOWN_ID}`, { token: w.token }),
      await call("POST", "/api/v1/users", { token: w.token, body: {} }),
    ];
    expect(responses.map((r) => r.status)).toEqual([200, 404, 400]);
    const ids = responses.map((r) => r.headers.get("X-Request-Id"));
    for (const id of ids) expect(id).toMatch(/\S{8,}/);
    expect(new Set(ids).size).toBe(3);
  });
});

describe("GET /api/v1/openapi.json", () => {
  it("is an OpenAPI 3.1 document listing the API's paths", async () => {
    const res = await callJson("GET", "/api/v1/openapi.json");
    expect(res.status).toBe(200);
    expect(res.body.openapi).toMatch(/^3\.1\.\d+$/);
    expect(Object.keys(res.body.paths)).toEqual(
      expect.arrayContaining([
        "/api/v1/users",
        "/api/v1/tenants",
        "/api/v1/oauth2/token",
        "/api/v1/applications/{applicationId}/clients",
        "/api/v1/tenants/{id}/password-reset-policy",
      ]),
    );
  });
});

describe("the ADMIN_TOKEN", () => {
  it("creates applications", async () => {
    const res = await callJson("POST", "/api/v1/applications", { token: ADMIN, body: { name: "by-admin" } });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ id: expect.stringMatching(/^[a-z0-9]{26}$/), name: "by-admin" });
  });

  it("is the only token that may create or read applications, whatever a client's permissions", async () => {
    const w = await world();
    expectBaseError(await callJson("POST", "/api/v1/applications", { token: w.token, body: { name: "by-client" } }), 403, "forbidden");
    expectBaseError(await callJson("GET", `/api/v1/applications/${w.applicationId}`, { token: w.token }), 403, "forbidden");
    expect((await callJson("GET", `/api/v1/applications/${w.applicationId}`, { token: ADMIN })).status).toBe(200);
  });
});
