import { describe, expect, it } from "vitest";
import { callJson } from "../support/api";

async function doc() {
  return (await callJson("GET", "/api/v1/openapi.json")).body;
}

function resolve(d: any, schema: any): any {
  return schema?.$ref ? d.components.schemas[schema.$ref.split("/").pop()] : schema;
}

describe("the OpenAPI document", () => {
  it("describes every field of the Reset Password request", async () => {
    const d = await doc();
    const op = d.paths["/api/v1/password-reset/reset-password"].post;
    const body = resolve(d, op.requestBody.content["application/json"].schema);
    const fields = ["emailAuthCode", "passwordResetCode", "requestCode", "verificationCode", "newPassword", "suppressPasswordUpdatedEmail"];
    expect(Object.keys(body.properties).sort()).toEqual([...fields].sort());
    for (const f of fields) expect(body.properties[f].description, f).toEqual(expect.any(String));
    expect(body.required).toEqual(["newPassword"]);
    expect(body.properties.suppressPasswordUpdatedEmail.default).toBe(false);
  });

  it("gives optional headers no example, so the reference's generated requests leave them out", async () => {
    // Scalar fills every parameter that has an example into its sample request: an example on
    // X-End-User-IP made every sample send a header only some clients may send (403 otherwise).
    const d = await doc();
    const headers = Object.values(d.paths as Record<string, Record<string, any>>)
      .flatMap((path) => Object.values(path))
      .flatMap((op: any) => (op.parameters ?? []).filter((p: any) => p.in === "header" && !p.required));
    expect(headers.length).toBeGreaterThan(0);
    for (const h of headers) expect([h.name, h.example ?? h.schema?.example], h.name).toEqual([h.name, undefined]);
  });

  it("lists every result of Reset Password, each described", async () => {
    const d = await doc();
    const op = d.paths["/api/v1/password-reset/reset-password"].post;
    const response = resolve(d, op.responses["200"].content["application/json"].schema);
    const variants = response.oneOf.map((v: any) => resolve(d, v));
    const results = variants.map((v: any) => v.properties.result.const ?? v.properties.result.enum?.[0]);
    expect(results.sort()).toEqual(["EXPIRED_CODE", "INVALID_CODE", "PASSWORD_POLICY_VIOLATION", "PASSWORD_UPDATED", "TOO_MANY_ATTEMPTS"]);
    for (const v of variants) expect(v.description).toEqual(expect.any(String));
  });

  it("documents each password rule with its violation code, the NFKC form and the byte cap", async () => {
    const d = await doc();
    const violation = d.components.schemas.PasswordPolicyViolation;
    expect(violation.properties.code.enum.sort()).toEqual(["breached", "contains_email", "same_as_current", "too_long", "too_short"]);
    for (const rule of ["NFKC", "`too_short`", "`too_long`", "1024 bytes", "`maxBytes`", "`contains_email`", "local part", "`breached`", "k-anonymity", "`breached_check_unavailable`", "`same_as_current`"]) {
      expect(violation.description, rule).toContain(rule);
    }
    for (const path of ["/api/v1/password-reset/reset-password", "/api/v1/change-password"]) {
      const body = resolve(d, d.paths[path].post.requestBody.content["application/json"].schema);
      expect(body.properties.newPassword.description, path).toContain("`contains_email`");
      expect(body.properties.newPassword.description, path).toContain("`breached`");
    }
    for (const path of ["/api/v1/password-reset/reset-password", "/api/v1/change-password", "/api/v1/users"]) {
      const unavailable = d.paths[path].post.responses["503"];
      expect(unavailable.description, path).toContain("`breached_check_unavailable`");
      expect(unavailable.headers["Retry-After"], path).toBeDefined();
    }
    const policy = d.components.schemas.PasswordResetPolicyPatch.properties;
    expect(policy.checkBreachedPasswords.description).toContain("Default true");
    expect(policy.breachedCheckFailure.description).toContain("Default open");
  });

  it("documents every route the app serves", async () => {
    const d = await doc();
    const paths = Object.keys(d.paths);
    for (const p of [
      "/api/v1/password-reset/request-password-reset",
      "/api/v1/password-reset/create-password-reset-link",
      "/api/v1/change-password",
      "/api/v1/login",
      "/api/v1/oauth2/token",
      "/api/v1/oauth2/revoke",
      "/api/v1/oauth2/introspect",
      "/api/v1/users/{userId}/sessions",
      "/api/v1/users/{userId}/sessions/revoke",
      "/api/v1/users/{userId}/refresh-tokens/revoke",
      "/.well-known/jwks.json",
    ]) {
      expect(paths, p).toContain(p);
    }
  });
});
