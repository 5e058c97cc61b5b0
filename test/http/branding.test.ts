// Branding of the hosted pages and emails: per application, overridable per tenant, null inherits.
import { describe, expect, it } from "vitest";
import { ADMIN, callJson } from "../support/api";
import { type World, scopedToken, world } from "../support/fixtures";

const appBranding = (w: World) => `/api/v1/applications/${w.applicationId}/branding`;
const tenantBranding = (w: World) => `/api/v1/tenants/${w.tenantId}/branding`;
const get = (token: string, path: string) => callJson("GET", path, { token });
const patch = (token: string, path: string, body: unknown) => callJson("PATCH", path, { token, body });

describe("branding", () => {
  it("starts from the application's name, the default colour and English", async () => {
    const w = await world("Globex");
    for (const path of [appBranding(w), tenantBranding(w)]) {
      const res = await get(w.token, path);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ displayName: "Globex", logoUrl: null, primaryColor: "#1d4ed8", supportEmail: null, defaultLanguage: "en" });
    }
  });

  it("lets a tenant inherit the application's branding, override it, and clear back", async () => {
    const w = await world();
    const app = await patch(w.token, appBranding(w), { displayName: "Acme Cloud", primaryColor: "#0f766e", supportEmail: "help@acme.example", defaultLanguage: "de" });
    expect(app.status).toBe(200);
    expect((await get(w.token, tenantBranding(w))).body).toMatchObject({ displayName: "Acme Cloud", primaryColor: "#0f766e", defaultLanguage: "de" });

    const own = await patch(w.token, tenantBranding(w), { displayName: "Acme for Initech", logoUrl: "https://cdn.initech.example/logo.png" });
    expect(own.body).toMatchObject({ tenantId: w.tenantId, displayName: "Acme for Initech", logoUrl: "https://cdn.initech.example/logo.png", supportEmail: "help@acme.example" });
    expect((await get(w.token, appBranding(w))).body.displayName).toBe("Acme Cloud");

    const cleared = await patch(w.token, tenantBranding(w), { displayName: null });
    expect(cleared.body.displayName).toBe("Acme Cloud");
  });

  it.each([
    ["primaryColor", "red"],
    ["primaryColor", "#12345"],
    ["logoUrl", "http://cdn.example/logo.png"],
    ["logoUrl", "javascript:alert(1)"],
    ["supportEmail", "not an email"],
    ["defaultLanguage", "xx"],
    ["displayName", ""],
    ["unknownField", "x"],
  ])("refuses %s %j with 400 and changes nothing", async (field, value) => {
    const w = await world();
    const res = await patch(w.token, appBranding(w), { [field]: value });
    expect(res.status).toBe(400);
    expect(res.body.type).toBe("constraint_violations_error");
    expect((await get(w.token, appBranding(w))).body).toMatchObject({ primaryColor: "#1d4ed8", logoUrl: null, supportEmail: null, defaultLanguage: "en" });
  });

  // A sender name or subject with a line break cannot be sent (src/email/providers/headers.ts): every
  // email of the tenant would fail for good. Such text is refused where it enters.
  it.each([
    ["displayName", "Acme\r\nBcc: victim@example.com"],
    ["displayName", "Acme\nCorp"],
    ["displayName", "Acme\u0000"],
    ["displayName", "Acme\u0085Corp"],
    ["displayName", "Acme\u2028Corp"],
    ["supportEmail", "help@acme.example\r\nBcc: victim@example.com"],
    ["logoUrl", "https://cdn.example/logo.png\r\nX-Injected: 1"],
  ])("refuses %s %j (text that reaches an email's header, subject or body) with 400", async (field, value) => {
    const w = await world();
    for (const path of [appBranding(w), tenantBranding(w)]) {
      const res = await patch(w.token, path, { [field]: value });
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({ type: "constraint_violations_error", code: "message_body_constraint_violations" });
      expect(res.body.violations[field]).toContainEqual({ code: expect.stringMatching(/^(control_characters_not_allowed|invalid_format)$/), constraintAttributes: expect.any(Object) });
    }
    expect((await get(w.token, tenantBranding(w))).body).toMatchObject({ displayName: "acme", logoUrl: null, supportEmail: null });
  });

  it("states control characters in a display name as control_characters_not_allowed", async () => {
    const w = await world();
    const res = await patch(w.token, appBranding(w), { displayName: "Acme\r\nBcc: victim@example.com" });
    expect(res.body.violations).toEqual({ displayName: [{ code: "control_characters_not_allowed", constraintAttributes: {} }] });
  });

  it("refuses an application name with control characters, since it is the default display name", async () => {
    const res = await callJson("POST", "/api/v1/applications", { token: ADMIN, body: { name: "Acme\r\nBcc: victim@example.com" } });
    expect(res.status).toBe(400);
    expect(res.body.violations).toEqual({ name: [{ code: "control_characters_not_allowed", constraintAttributes: {} }] });
  });

  it("refuses a logoUrl with userinfo, like the policy's page URLs: 400 userinfo_not_allowed", async () => {
    const w = await world();
    for (const url of ["https://cdn.example@evil.example/logo.png", "https://user:pass@cdn.example/logo.png"]) {
      const res = await patch(w.token, tenantBranding(w), { logoUrl: url });
      expect(res.status).toBe(400);
      expect(res.body.violations).toEqual({ logoUrl: [{ code: "userinfo_not_allowed", constraintAttributes: {} }] });
    }
    expect((await get(w.token, tenantBranding(w))).body.logoUrl).toBeNull();
  });

  it("needs application:write / tenant:write to change, and stays within the caller's boundary", async () => {
    const w = await world();
    const reader = await scopedToken(w, ["application:read", "tenant:read"]);
    expect((await get(reader, appBranding(w))).status).toBe(200);
    expect((await patch(reader, appBranding(w), { displayName: "x" })).status).toBe(403);
    expect((await patch(reader, tenantBranding(w), { displayName: "x" })).status).toBe(403);

    const other = await world("other");
    expect((await get(other.token, appBranding(w))).status).toBe(404);
    expect((await patch(other.token, tenantBranding(w), { displayName: "x" })).status).toBe(404);
    expect((await get(w.token, appBranding(w))).body.displayName).toBe("acme");
  });

  it("is documented in the OpenAPI document", async () => {
    const doc = (await callJson("GET", "/api/v1/openapi.json")).body;
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(["/api/v1/applications/{id}/branding", "/api/v1/tenants/{id}/branding"]));
    expect(doc.components.schemas.BrandingPatch.properties.primaryColor).toBeDefined();
  });
});
