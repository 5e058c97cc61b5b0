// Every emailed or returned link takes its origin from PUBLIC_BASE_URL (or the policy's
// resetPageUrl), never from the request: a forged Host or X-Forwarded-Host changes nothing.
import { describe, expect, it } from "vitest";
import { DEVELOPMENT_BASE_URL } from "../../../src/config/public-origin";
import { callJson } from "../../support/api";
import { type World, clientTokenUnder, createUser, world } from "../../support/fixtures";
import { waitForMail } from "../../support/mailbox";
import { boundWorld, rpc, succeeded } from "../../support/rpc";

const FORGED = { origin: "http://evil.example", headers: { Host: "evil.example", "X-Forwarded-Host": "evil.example", "X-Forwarded-Proto": "https" } };

describe("the public origin of links", () => {
  it("mails a link to PUBLIC_BASE_URL when the request says Host: evil.example (HTTP)", async () => {
    const w = await world();
    await createUser(w, "forged-host@example.com");
    const res = await callJson("POST", "/api/v1/password-reset/request-password-reset", {
      ...FORGED,
      token: w.token,
      body: { tenantId: w.tenantId, email: "forged-host@example.com" },
    });
    expect(res.status).toBe(200);
    const mail = await waitForMail("forged-host@example.com", "PASSWORD_RESET_LINK");
    expect(mail.text).toContain(`${DEVELOPMENT_BASE_URL}/reset-password?emailAuthCode=`);
    expect(mail.text + mail.html).not.toContain("evil.example");
  });

  it("mails a link to PUBLIC_BASE_URL over RPC", async () => {
    const w = await boundWorld();
    await createUser(w, "rpc-origin@example.com");
    expect(await succeeded(rpc.requestPasswordReset({ tenantId: w.tenantId, email: "rpc-origin@example.com" }))).toEqual({ emailVerificationStrategy: "LINK" });
    const mail = await waitForMail("rpc-origin@example.com", "PASSWORD_RESET_LINK");
    expect(mail.text).toContain(`${DEVELOPMENT_BASE_URL}/reset-password?emailAuthCode=`);
  });

  it("returns admin links on PUBLIC_BASE_URL whatever the Host, over HTTP and RPC", async () => {
    const w = await boundWorld();
    const user = await createUser(w, "admin-link-origin@example.com");
    const overHttp = await callJson("POST", "/api/v1/password-reset/create-password-reset-link", { ...FORGED, token: w.token, body: { userId: user.id } });
    expect(overHttp.body.passwordResetLink).toMatch(new RegExp(`^${DEVELOPMENT_BASE_URL}/reset-password\\?passwordResetCode=`));
    const overRpc = await succeeded(rpc.createPasswordResetLink({ userId: user.id }));
    expect(overRpc.passwordResetLink).toMatch(new RegExp(`^${DEVELOPMENT_BASE_URL}/reset-password\\?passwordResetCode=`));
  });

  it("uses the configured PUBLIC_BASE_URL in production", async () => {
    const w = await world();
    const user = await createUser(w, "configured-origin@example.com");
    const env = { ENVIRONMENT: "production", PUBLIC_BASE_URL: "https://reset.example.com/" };
    const res = await callJson("POST", "/api/v1/password-reset/create-password-reset-link", {
      ...FORGED,
      env,
      token: await clientTokenUnder(env, w.clientId, w.clientSecret),
      body: { userId: user.id },
    });
    expect(res.body.passwordResetLink).toMatch(/^https:\/\/reset\.example\.com\/reset-password\?passwordResetCode=/);
  });

  it("answers 503 misconfigured, changing nothing, when PUBLIC_BASE_URL is missing in production", async () => {
    const w = await world();
    const user = await createUser(w, "no-origin@example.com");
    const res = await callJson("POST", "/api/v1/password-reset/create-password-reset-link", {
      ...FORGED,
      env: { ENVIRONMENT: "production", PUBLIC_BASE_URL: "" },
      token: w.token,
      body: { userId: user.id },
    });
    expect(res.status).toBe(503);
    expect(res.body).toMatchObject({ type: "base_error", code: "misconfigured" });
    // Only the log and a caller holding ADMIN_TOKEN learn which setting (issue 18 item 3).
    expect(res.body.message).toBe("The service is misconfigured. Nothing was changed.");
  });

  it("links to the policy's resetPageUrl when one is set", async () => {
    const w = await world();
    const user = await createUser(w, "page-url@example.com");
    await callJson("PATCH", `/api/v1/tenants/${w.tenantId}/password-reset-policy`, { token: w.token, body: { resetPageUrl: "https://app.example.com/reset" } });
    const res = await callJson("POST", "/api/v1/password-reset/create-password-reset-link", { ...FORGED, token: w.token, body: { userId: user.id } });
    expect(res.body.passwordResetLink).toMatch(/^https:\/\/app\.example\.com\/reset\?passwordResetCode=/);
  });
});

describe("policy page URLs", () => {
  // Under other settings the service is another issuer, so the token is minted under them too.
  const patch = async (w: World, body: unknown, overrides?: Partial<Env>) =>
    callJson("PATCH", `/api/v1/tenants/${w.tenantId}/password-reset-policy`, {
      token: overrides ? await clientTokenUnder(overrides, w.clientId, w.clientSecret) : w.token,
      body,
      ...(overrides ? { env: overrides } : {}),
    });
  const PRODUCTION = { ENVIRONMENT: "production", PUBLIC_BASE_URL: "https://reset.example.com" };

  it("must be https outside development: 400 https_required, nothing saved", async () => {
    const w = await world();
    for (const field of ["resetPageUrl", "loginUrl"]) {
      const res = await patch(w, { [field]: "http://app.example.com/page", otpLength: 8 }, PRODUCTION);
      expect(res.status).toBe(400);
      expect(res.body.violations[field]).toEqual([{ code: "https_required", constraintAttributes: {} }]);
    }
    const now = await callJson("GET", `/api/v1/tenants/${w.tenantId}/password-reset-policy`, { token: w.token });
    expect(now.body).toMatchObject({ resetPageUrl: null, loginUrl: null, otpLength: 6 });
    expect((await patch(w, { resetPageUrl: "https://app.example.com/page" }, PRODUCTION)).status).toBe(200);
  });

  it("may be http in development", async () => {
    const w = await world();
    expect((await patch(w, { resetPageUrl: "http://localhost:3000/reset" })).status).toBe(200);
  });

  it("never carries userinfo: 400 userinfo_not_allowed, in development too", async () => {
    const w = await world();
    for (const url of ["https://bank.example@evil.example/reset", "https://user:pass@app.example.com/reset"]) {
      const res = await patch(w, { loginUrl: url });
      expect(res.status).toBe(400);
      expect(res.body.violations.loginUrl).toEqual([{ code: "userinfo_not_allowed", constraintAttributes: {} }]);
    }
    const app = await callJson("PATCH", `/api/v1/applications/${w.applicationId}/password-reset-policy`, {
      token: w.token,
      body: { resetPageUrl: "https://bank.example@evil.example/reset" },
    });
    expect(app.status).toBe(400);
    expect(app.body.violations.resetPageUrl).toEqual([{ code: "userinfo_not_allowed", constraintAttributes: {} }]);
  });
});
