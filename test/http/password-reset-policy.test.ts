// The password reset policy: defaults, overridden by the application, overridden by the tenant;
// null hands a field back to the level above.
import { describe, expect, it } from "vitest";
import { callJson } from "../support/api";
import { type World, world } from "../support/fixtures";

const appPolicy = (w: World) => `/api/v1/applications/${w.applicationId}/password-reset-policy`;
const tenantPolicy = (w: World) => `/api/v1/tenants/${w.tenantId}/password-reset-policy`;

const get = (w: World, path: string) => callJson("GET", path, { token: w.token });
const patch = (w: World, path: string, body: unknown) => callJson("PATCH", path, { token: w.token, body });

/**
 * The defaults as the served OpenAPI document states them, one "Default …." per field of the
 * policy PATCH: a literal (`LINK`, `3600`, `7 days`, `true`), or none (`Default: …` derived from
 * the configuration, or no default), which the API shows as null.
 */
async function documentedDefaults(): Promise<Record<string, unknown>> {
  const doc = (await callJson("GET", "/api/v1/openapi.json")).body;
  const fields: Record<string, { description?: string }> = doc.components.schemas.PasswordResetPolicyPatch.properties;
  return Object.fromEntries(Object.entries(fields).map(([name, field]) => [name, documentedValue(field.description ?? "")]));
}

function documentedValue(description: string): unknown {
  const m = /\bDefault ([^\s.,:]+)( days)?/.exec(description);
  if (!m) return null;
  const [, word, days] = m;
  if (word === "true" || word === "false") return word === "true";
  if (/^\d+$/.test(word!)) return Number(word) * (days ? 86_400 : 1);
  return word;
}

describe("password reset policy", () => {
  it("starts from the defaults the OpenAPI document states, at both levels, and states one for every field", async () => {
    const w = await world();
    const defaults = await documentedDefaults();
    expect(defaults).toMatchObject({ emailVerificationStrategy: "LINK", sessionIdleTtlSeconds: 7 * 86_400, sendPasswordUpdatedEmail: true, resetPageUrl: null });
    const app = await get(w, appPolicy(w));
    expect(app.status).toBe(200);
    expect(app.body).toEqual({ applicationId: w.applicationId, ...defaults });
    const tenant = await get(w, tenantPolicy(w));
    expect(tenant.status).toBe(200);
    expect(tenant.body).toEqual({ applicationId: w.applicationId, tenantId: w.tenantId, ...defaults });
  });

  it("lets a tenant inherit, override, and clear back to the application's value", async () => {
    const w = await world();

    const setApp = await patch(w, appPolicy(w), { otpLength: 8 });
    expect(setApp.status).toBe(200);
    expect(setApp.body).toMatchObject({ ...(await documentedDefaults()), otpLength: 8 });
    expect((await get(w, tenantPolicy(w))).body.otpLength).toBe(8);

    const setTenant = await patch(w, tenantPolicy(w), { otpLength: 10 });
    expect(setTenant.status).toBe(200);
    expect(setTenant.body.otpLength).toBe(10);
    expect((await get(w, tenantPolicy(w))).body.otpLength).toBe(10);
    expect((await get(w, appPolicy(w))).body.otpLength).toBe(8);

    const cleared = await patch(w, tenantPolicy(w), { otpLength: null });
    expect(cleared.status).toBe(200);
    expect(cleared.body.otpLength).toBe(8);
    expect((await get(w, tenantPolicy(w))).body.otpLength).toBe(8);
  });

  it("applies a change to the very next request, though the policy was just read", async () => {
    const w = await world();
    const request = () => callJson("POST", "/api/v1/password-reset/request-password-reset", { token: w.token, body: { tenantId: w.tenantId, email: "x@example.com" } });
    expect((await request()).body).toEqual({ emailVerificationStrategy: "LINK" });
    expect((await patch(w, appPolicy(w), { emailVerificationStrategy: "OTP" })).status).toBe(200);
    expect((await request()).body).toMatchObject({ emailVerificationStrategy: "OTP" });
    expect((await patch(w, tenantPolicy(w), { emailVerificationStrategy: "LINK" })).status).toBe(200);
    expect((await request()).body).toEqual({ emailVerificationStrategy: "LINK" });
  });

  it("leaves fields a PATCH does not mention unchanged", async () => {
    const w = await world();
    await patch(w, appPolicy(w), { otpLength: 7, emailVerificationStrategy: "OTP" });
    const res = await patch(w, appPolicy(w), { otpMaxAttempts: 3 });
    expect(res.body).toMatchObject({ otpLength: 7, emailVerificationStrategy: "OTP", otpMaxAttempts: 3 });
  });

  it("treats an empty PATCH as a no-op at both levels", async () => {
    const w = await world();
    const defaults = await documentedDefaults();
    for (const path of [appPolicy(w), tenantPolicy(w)]) {
      const res = await patch(w, path, {});
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject(defaults);
    }
  });

  describe("rejects with 400 and changes nothing", () => {
    it.each([
      [5, "min", { min: 6 }],
      [11, "max", { max: 10 }],
    ])("otpLength %i (outside 6..10)", async (otpLength, code, constraintAttributes) => {
      const w = await world();
      for (const path of [appPolicy(w), tenantPolicy(w)]) {
        const res = await patch(w, path, { otpLength });
        expect(res.status).toBe(400);
        expect(res.body).toEqual({
          type: "constraint_violations_error",
          code: "message_body_constraint_violations",
          message: expect.any(String),
          violations: { otpLength: [{ code, constraintAttributes }] },
        });
        expect((await get(w, path)).body.otpLength).toBe(6);
      }
    });

    it("a passwordMinLength above passwordMaxLength", async () => {
      const w = await world();
      const res = await patch(w, appPolicy(w), { passwordMinLength: 100, passwordMaxLength: 50 });
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({ type: "constraint_violations_error", violations: { passwordMinLength: [{ code: "conflicts_with_other_fields" }] } });
      expect((await get(w, appPolicy(w))).body).toMatchObject({ passwordMinLength: 8, passwordMaxLength: 256 });
    });

    it("a tenant minimum above the maximum it inherits from the application", async () => {
      const w = await world();
      expect((await patch(w, appPolicy(w), { passwordMaxLength: 64 })).status).toBe(200);
      const res = await patch(w, tenantPolicy(w), { passwordMinLength: 65 });
      expect(res.status).toBe(400);
      expect(res.body.violations).toHaveProperty("passwordMinLength");
      expect((await get(w, tenantPolicy(w))).body.passwordMinLength).toBe(8);
    });

    it("an application maximum below the minimum one of its tenants sets", async () => {
      const w = await world();
      expect((await patch(w, tenantPolicy(w), { passwordMinLength: 100 })).status).toBe(200);
      const res = await patch(w, appPolicy(w), { passwordMaxLength: 50 });
      expect(res.status).toBe(400);
      expect(res.body.type).toBe("constraint_violations_error");
      const tenant = (await get(w, tenantPolicy(w))).body;
      expect(tenant.passwordMinLength).toBeLessThanOrEqual(tenant.passwordMaxLength);
    });

    it.each(["resetPageUrl", "loginUrl"])("a %s with a line break or another control character (URL parsing would drop it silently)", async (field) => {
      const w = await world();
      for (const url of ["https://app.example.com/reset\r\nBcc: victim@example.com", "https://app.example.com/re\tset", "https://app.example.com/\u0000"]) {
        for (const path of [appPolicy(w), tenantPolicy(w)]) {
          const res = await patch(w, path, { [field]: url });
          expect(res.status).toBe(400);
          expect(res.body.violations).toEqual({ [field]: [{ code: "control_characters_not_allowed", constraintAttributes: {} }] });
          expect((await get(w, path)).body[field]).toBeNull();
        }
      }
    });

    it("an unknown field", async () => {
      const w = await world();
      const res = await patch(w, appPolicy(w), { otpLength: 8, otpAlphabet: "hex" });
      expect(res.status).toBe(400);
      expect(res.body.violations).toEqual({ otpAlphabet: [{ code: "unknown_field", constraintAttributes: {} }] });
      expect((await get(w, appPolicy(w))).body.otpLength).toBe(6);
    });
  });
});
