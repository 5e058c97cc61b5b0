// Mounted under a path of the host application's zone: with BASE_PATH=/auth the Worker serves
// example.com/auth/* and nothing else, and every URL it hands out carries the prefix.
import { describe, expect, it } from "vitest";
import { DEVELOPMENT_BASE_URL } from "../../src/config/public-origin";
import { call, callJson } from "../support/api";
import { createUser, world } from "../support/fixtures";
import { waitForMail } from "../support/mailbox";
import { PageClient, formTokenOf } from "../support/page-client";
import { queueConsumedWith } from "../support/email-queue";

const MOUNTED = { env: { BASE_PATH: "/auth" } };

function formUnder(path: string, params: Record<string, string>, client: { clientId: string; clientSecret: string }) {
  return callJson("POST", `/auth${path}`, {
    ...MOUNTED,
    body: new URLSearchParams(params).toString(),
    headers: { "Content-Type": "application/x-www-form-urlencoded", Authorization: `Basic ${btoa(`${client.clientId}:${client.clientSecret}`)}` },
  });
}

describe("BASE_PATH=/auth", () => {
  it("runs token, request reset, reset, login and refresh under the prefix", async () => {
    const w = await world();
    const user = await createUser(w, "mounted@example.com", "password one");

    const token = await formUnder("/api/v1/oauth2/token", { grant_type: "client_credentials" }, w);
    expect(token.status).toBe(200);
    const bearer = token.body.access_token as string;

    const requested = await callJson("POST", "/auth/api/v1/password-reset/request-password-reset", {
      // The queue's consumer runs mounted too, as it would in the same deployment.
      env: { ...MOUNTED.env, EMAIL_QUEUE: queueConsumedWith(MOUNTED.env) },
      token: bearer,
      body: { tenantId: w.tenantId, email: "mounted@example.com" },
    });
    expect(requested.body).toEqual({ emailVerificationStrategy: "LINK" });
    const mail = await waitForMail("mounted@example.com", "PASSWORD_RESET_LINK");
    // The emailed link points at the mounted hosted page.
    expect(mail.text).toContain(`${DEVELOPMENT_BASE_URL}/auth/reset-password?emailAuthCode=`);

    // Through the hosted page, as the user who clicked the link: every hop stays under /auth.
    const browser = new PageClient({}, MOUNTED.env);
    const link = new URL(/https?:\/\/\S+emailAuthCode=[A-Za-z0-9_-]+/.exec(mail.text)![0]);
    const opened = await browser.get(`${link.pathname}${link.search}`);
    expect(opened.status).toBe(303);
    expect(opened.location).toMatch(/^\/auth\/reset-password/);
    expect(browser.cookies.get("reset_code")?.attributes).toMatch(/Path=\/auth\/reset-password/i);
    const page = await browser.follow(opened);
    expect(page.html).toContain('action="/auth/reset-password');
    const done = await browser.post("/auth/reset-password", { formToken: formTokenOf(page.html), newPassword: "password two", confirmPassword: "password two" });
    expect(done.status).toBe(200);
    expect(done.html).toContain("Your password is changed");

    const login = await callJson("POST", "/auth/api/v1/login", {
      ...MOUNTED,
      token: bearer,
      body: { tenantId: w.tenantId, email: "mounted@example.com", password: "password two" },
    });
    expect(login.body.result).toBe("SUCCESS");
    const refreshed = await formUnder("/api/v1/oauth2/token", { grant_type: "refresh_token", refresh_token: login.body.refreshToken }, w);
    expect(refreshed.status).toBe(200);
    expect(refreshed.body.refresh_token).toEqual(expect.any(String));

    const adminLink = await callJson("POST", "/auth/api/v1/password-reset/create-password-reset-link", { ...MOUNTED, token: bearer, body: { userId: user.id } });
    expect(adminLink.body.passwordResetLink).toMatch(new RegExp(`^${DEVELOPMENT_BASE_URL}/auth/reset-password\\?passwordResetCode=`));
  });

  it("answers 404 outside the prefix, and for a path that only starts like it", async () => {
    const w = await world();
    for (const path of ["/api/v1/users", "/.well-known/jwks.json", "/authx/api/v1/users", "/api/v1/openapi.json"]) {
      const res = await callJson("POST", path, { ...MOUNTED, token: w.token, body: {} });
      expect(res.status, path).toBe(404);
      expect(res.body).toMatchObject({ type: "base_error", code: "not_found" });
    }
    expect((await call("GET", "/auth/.well-known/jwks.json", MOUNTED)).status).toBe(200);
  });

  it("publishes RFC 8414 metadata under the prefix, with the prefix in the issuer and every endpoint", async () => {
    const meta = await callJson("GET", "/auth/.well-known/oauth-authorization-server", MOUNTED);
    expect(meta.status).toBe(200);
    const issuer = `${DEVELOPMENT_BASE_URL}/auth`;
    expect(meta.body.issuer).toBe(issuer);
    for (const field of ["token_endpoint", "jwks_uri", "revocation_endpoint", "introspection_endpoint"]) {
      expect(meta.body[field], field).toMatch(new RegExp(`^${issuer}/`));
    }
    expect((await call("GET", "/.well-known/oauth-authorization-server", MOUNTED)).status).toBe(404);
    // RFC 8414 §3.1: the path-inserted location of an issuer with a path.
    const inserted = await callJson("GET", "/.well-known/oauth-authorization-server/auth", MOUNTED);
    expect(inserted.body).toEqual(meta.body);
  });

  it("puts the prefix in the OpenAPI server, and keeps 405 and its Allow header", async () => {
    const doc = await callJson("GET", "/auth/api/v1/openapi.json", MOUNTED);
    expect(doc.body.servers).toEqual([expect.objectContaining({ url: `${DEVELOPMENT_BASE_URL}/auth` })]);
    const configured = await callJson("GET", "/auth/api/v1/openapi.json", {
      env: { BASE_PATH: "/auth", ENVIRONMENT: "production", PUBLIC_BASE_URL: "https://example.com" },
    });
    expect(configured.body.servers[0].url).toBe("https://example.com/auth");
    const wrongMethod = await call("DELETE", "/auth/api/v1/login", MOUNTED);
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.headers.get("Allow")).toBe("POST");
  });

  it("answers 503 misconfigured for a BASE_PATH that is not a path", async () => {
    for (const BASE_PATH of ["auth", "/a b", "/auth/../x"]) {
      const res = await callJson("GET", "/auth/.well-known/jwks.json", { env: { BASE_PATH } });
      expect(res.status, BASE_PATH).toBe(503);
      expect(res.body).toMatchObject({ code: "misconfigured" });
    }
  });
});
