// Per-caller budgets: each M2M client, and each end user's IP address, may call login,
// request-password-reset, reset-password, the token endpoint and the hosted pages only so often.
// The Workers Rate Limiting bindings run for real; a test puts TEST_RATE_LIMIT_TWO (two per 60 s,
// vitest.config.ts) in place of the production binding it exercises. Windows are fixed 60 s
// windows on the wall clock, so each case runs inside one window (`inOneWindow`).
import { createExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it, vi } from "vitest";
import { PasswordResetService } from "../../src/rpc/password-reset-service";
import { callJson } from "../support/api";
import { type World, createUser, scopedToken, world } from "../support/fixtures";
import { PageClient } from "../support/page-client";
import { waitForAuditEvents } from "../support/audit";
import { adminLinkCode } from "../support/reset";
import { inOneWindow } from "../support/rate-limit-window";

const TWO = () => env.TEST_RATE_LIMIT_TWO;
const LOGIN = "/api/v1/login";
const REQUEST_RESET = "/api/v1/password-reset/request-password-reset";
const RESET = "/api/v1/password-reset/reset-password";
const TOKEN = "/api/v1/oauth2/token";


/** An address no other test uses, so its budget is untouched. */
function freshIpv4(): string {
  const [a, b, c] = crypto.getRandomValues(new Uint8Array(3));
  return `10.${a}.${b}.${c}`;
}
function freshIpv6Prefix(): string {
  const [a, b] = crypto.getRandomValues(new Uint16Array(2));
  return `2001:db8:${a!.toString(16)}:${b!.toString(16)}`;
}

/** A fresh unknown email each time: wrong passwords for one email are throttled on their own (429 after 5). */
function loginBody(w: World) {
  return { tenantId: w.tenantId, email: `nobody-${crypto.randomUUID()}@example.com`, password: "a wrong password" };
}

function expectTooManyRequests(res: { status: number; body: any; res: Response }) {
  expect(res.status).toBe(429);
  expect(res.body).toEqual({ type: "base_error", code: "too_many_requests", message: expect.any(String) });
  expect(res.res.headers.get("Retry-After")).toBe("60");
}

describe("the per-client budget", () => {
  it("answers 429 with Retry-After once a client has spent its budget on an operation; other operations and clients keep theirs", async () => {
    await inOneWindow(async () => {
      const w = await world();
      const other = await world("other");
      const overrides = { RATE_LIMIT_CLIENT: TWO() };
      const ops: Array<[string, (x: World) => object]> = [
        [LOGIN, loginBody],
        [REQUEST_RESET, (x) => ({ tenantId: x.tenantId, email: "nobody@example.com" })],
        [RESET, () => ({ emailAuthCode: "x".repeat(43), newPassword: "a new good password" })],
      ];
      for (const [path, body] of ops) {
        for (let i = 0; i < 2; i++) expect((await callJson("POST", path, { token: w.token, body: body(w), env: overrides })).status, path).toBe(200);
        expectTooManyRequests(await callJson("POST", path, { token: w.token, body: body(w), env: overrides }));
        // Budgets are per client: another application's client is not held back.
        expect((await callJson("POST", path, { token: other.token, body: body(other), env: overrides })).status, path).toBe(200);
      }
    });
  });

  it("applies to the token endpoint in the OAuth error shape", async () => {
    await inOneWindow(async () => {
      const w = await world();
      const body = new URLSearchParams({ grant_type: "client_credentials", client_id: w.clientId, client_secret: w.clientSecret }).toString();
      const send = () => callJson("POST", TOKEN, { body, headers: { "Content-Type": "application/x-www-form-urlencoded" }, env: { RATE_LIMIT_CLIENT_TOKEN: TWO() } });
      for (let i = 0; i < 2; i++) expect((await send()).status).toBe(200);
      const over = await send();
      expect(over.status).toBe(429);
      expect(over.body).toEqual({ error: "temporarily_unavailable", error_description: expect.any(String) });
      expect(over.res.headers.get("Retry-After")).toBe("60");
    });
  });

  it("is the same budget over RPC: the bound client (props.clientId) gets a retryable 429", async () => {
    await inOneWindow(async () => {
      const w = await world();
      const overrides = { ...env, RATE_LIMIT_CLIENT: TWO() };
      for (let i = 0; i < 2; i++) expect((await callJson("POST", LOGIN, { token: w.token, body: loginBody(w), env: overrides })).status).toBe(200);
      const ctx = Object.assign(createExecutionContext(), { props: { clientId: w.clientId } });
      const service = new PasswordResetService(ctx, overrides);
      expect(await service.login(loginBody(w))).toMatchObject({ ok: false, error: { status: 429, code: "too_many_requests", retryable: true, retryAfter: 60 } });
    });
  });
});

describe("the per-end-user-IP budget (X-End-User-IP)", () => {
  it("holds back one end user's IP address, IPv6 by its /64, without holding back the client's other users", async () => {
    await inOneWindow(async () => {
      const w = await world();
      const overrides = { RATE_LIMIT_END_USER_IP: TWO() };
      const login = (ip: string) => callJson("POST", LOGIN, { token: w.token, body: loginBody(w), headers: { "X-End-User-IP": ip }, env: overrides });
      const ipv4 = freshIpv4();
      expect((await login(ipv4)).status).toBe(200);
      expect((await login(ipv4)).status).toBe(200);
      expectTooManyRequests(await login(ipv4));
      expect((await login(freshIpv4())).status).toBe(200);

      const prefix = freshIpv6Prefix();
      expect((await login(`${prefix}::1`)).status).toBe(200);
      expect((await login(`${prefix}:ffff:ffff:ffff:fffe`)).status).toBe(200);
      expectTooManyRequests(await login(`${prefix}::2`));
      expect((await login(`${freshIpv6Prefix()}::1`)).status).toBe(200);
    });
  });

  it("counts the token endpoint's end user too", async () => {
    await inOneWindow(async () => {
      const w = await world();
      const ip = freshIpv4();
      const body = new URLSearchParams({ grant_type: "client_credentials", client_id: w.clientId, client_secret: w.clientSecret }).toString();
      const send = () =>
        callJson("POST", TOKEN, { body, headers: { "Content-Type": "application/x-www-form-urlencoded", "X-End-User-IP": ip }, env: { RATE_LIMIT_END_USER_IP: TWO() } });
      for (let i = 0; i < 2; i++) expect((await send()).status).toBe(200);
      const over = await send();
      expect(over.status).toBe(429);
      expect(over.body.error).toBe("temporarily_unavailable");
    });
  });

  it("is taken over RPC from the call's second argument, with the same permission", async () => {
    await inOneWindow(async () => {
      const w = await world();
      const overrides = { ...env, RATE_LIMIT_END_USER_IP: TWO() };
      const asClient = (clientId: string) => new PasswordResetService(Object.assign(createExecutionContext(), { props: { clientId } }), overrides);
      const service = asClient(w.clientId);
      const ip = freshIpv4();
      // The address's budget is the same one its HTTP calls spend.
      expect((await callJson("POST", LOGIN, { token: w.token, body: loginBody(w), headers: { "X-End-User-IP": ip }, env: overrides })).status).toBe(200);
      expect(await service.login(loginBody(w), { endUserIp: ip })).toEqual({ ok: true, value: { result: "INVALID_CREDENTIALS" } });
      expect(await service.login(loginBody(w), { endUserIp: ip })).toMatchObject({ ok: false, error: { status: 429, code: "too_many_requests", retryable: true, retryAfter: 60 } });
      expect(await service.login(loginBody(w), { endUserIp: freshIpv4() })).toEqual({ ok: true, value: { result: "INVALID_CREDENTIALS" } });
      expect(await service.login(loginBody(w), { endUserIp: "not an address" })).toMatchObject({ ok: false, error: { status: 400, code: "invalid_end_user_ip" } });

      const created = await callJson("POST", `/api/v1/applications/${w.applicationId}/clients`, {
        token: w.token,
        body: { name: "no-assert", permissions: ["login:execute"] },
      });
      expect(await asClient(created.body.id).login(loginBody(w), { endUserIp: freshIpv4() })).toMatchObject({ ok: false, error: { status: 403, code: "forbidden" } });

      // The asserted address is also the one the audit trail records for the call.
      const user = await createUser(w, "rpc-audited@example.com", "old password 1");
      const code = await adminLinkCode(w, user.id);
      const auditedIp = freshIpv4();
      expect(await service.resetPassword({ passwordResetCode: code, newPassword: "short" }, { endUserIp: auditedIp })).toMatchObject({
        ok: true,
        value: { result: "PASSWORD_POLICY_VIOLATION" },
      });
      const [failed] = await waitForAuditEvents(w.applicationId, w.token, "password_reset.failed");
      expect(failed).toMatchObject({ userId: user.id, actor: { kind: "client", id: w.clientId }, ip: auditedIp });
    });
  });

  it("may be asserted only by a client with end-user-ip:assert (403), and only as one IP address (400)", async () => {
    const w = await world();
    const without = await scopedToken(w, ["login:execute"]);
    const denied = await callJson("POST", LOGIN, { token: without, body: loginBody(w), headers: { "X-End-User-IP": "192.0.2.1" } });
    expect(denied.status).toBe(403);
    expect(denied.body).toMatchObject({ type: "base_error", code: "forbidden", message: expect.stringContaining("end-user-ip:assert") });
    // Without the header the same client is served.
    expect((await callJson("POST", LOGIN, { token: without, body: loginBody(w) })).status).toBe(200);

    for (const bad of ["192.0.2.1, 198.51.100.2", "not an address", "192.0.2.1:443"]) {
      const res = await callJson("POST", LOGIN, { token: w.token, body: loginBody(w), headers: { "X-End-User-IP": bad } });
      expect(res.status, bad).toBe(400);
      expect(res.body).toMatchObject({ type: "base_error", code: "invalid_end_user_ip" });
    }

    const body = new URLSearchParams({ grant_type: "client_credentials" }).toString();
    const client = await callJson("POST", `/api/v1/applications/${w.applicationId}/clients`, {
      token: w.token,
      body: { name: "no-assert", permissions: ["user:read"] },
    });
    const basic = `Basic ${btoa(`${client.body.id}:${client.body.clientSecret}`)}`;
    const oauth = await callJson("POST", TOKEN, { body, headers: { "Content-Type": "application/x-www-form-urlencoded", Authorization: basic, "X-End-User-IP": "192.0.2.1" } });
    expect(oauth.status).toBe(400);
    expect(oauth.body).toEqual({ error: "invalid_request", error_description: expect.stringContaining("end-user-ip:assert") });
  });
});

describe("the hosted pages' per-IP budget (CF-Connecting-IP)", () => {
  it("answers a 429 page with Retry-After once an address has spent it; another address is served", async () => {
    await inOneWindow(async () => {
      const w = await world();
      const user = await createUser(w, "pages@example.com", "old password 1");
      const code = await adminLinkCode(w, user.id);
      const overrides = { RATE_LIMIT_PAGE_IP: TWO() };
      const ip = freshIpv4();
      const browser = new PageClient({ "CF-Connecting-IP": ip }, overrides);
      // The pages share one budget: a forgot-password form and a reset link.
      expect((await browser.get(`/forgot-password?tenantId=${w.tenantId}`)).status).toBe(200);
      expect((await browser.get(`/reset-password?passwordResetCode=${code}`)).status).toBe(303);
      const over = await browser.get(`/forgot-password?tenantId=${w.tenantId}`);
      expect(over.status).toBe(429);
      expect(over.headers.get("Retry-After")).toBe("60");
      expect(over.headers.get("Content-Security-Policy")).toContain("default-src 'none'");
      expect(over.html).toContain("Too many requests");
      const elsewhere = new PageClient({ "CF-Connecting-IP": freshIpv4() }, overrides);
      expect((await elsewhere.get(`/forgot-password?tenantId=${w.tenantId}`)).status).toBe(200);
    });
  });
});

describe("a failing Rate Limiting binding", () => {
  it("lets the request through (the exact per-user limits still hold) and logs the failure by name", async () => {
    // The platform offers no way to make its binding fail, so this one stands for an outage.
    const outage = { limit: () => Promise.reject(new Error("rate limiter unreachable")) } as unknown as RateLimit;
    const w = await world();
    const logged = vi.spyOn(console, "error");
    const res = await callJson("POST", LOGIN, {
      token: w.token,
      body: loginBody(w),
      headers: { "X-End-User-IP": freshIpv4() },
      env: { RATE_LIMIT_CLIENT: outage, RATE_LIMIT_END_USER_IP: outage },
    });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ result: "INVALID_CREDENTIALS" });
    const lines = logged.mock.calls.map((args) => args.join(" ")).filter((line) => line.includes("rate_limit_unavailable"));
    logged.mockRestore();
    expect(lines.map((line) => JSON.parse(line).family).sort()).toEqual(["client", "endUserIp"]);
    expect(lines.join("\n")).not.toContain("unreachable");
  });
});

describe("the default budgets", () => {
  /** How many of `limit + 1` calls for one fresh key the real binding lets through, inside one window. */
  async function countedOut(binding: RateLimit, limit: number): Promise<number> {
    const key = `test:${crypto.randomUUID()}`;
    let allowed = 0;
    for (let i = 0; i <= limit; i++) if ((await binding.limit({ key })).success) allowed++;
    return allowed;
  }

  it("are the documented ones, as the bindings enforce them: 600 per client, 30 per end-user IP, 120 per IP on the pages", async () => {
    await inOneWindow(async () => {
      expect(await countedOut(env.RATE_LIMIT_CLIENT, 600)).toBe(600);
      expect(await countedOut(env.RATE_LIMIT_END_USER_IP, 30)).toBe(30);
      expect(await countedOut(env.RATE_LIMIT_PAGE_IP, 120)).toBe(120);
    });
  });

  it("is the documented 3000 per client on the token endpoint, as the binding enforces it", { timeout: 60_000 }, async () => {
    await inOneWindow(async () => {
      expect(await countedOut(env.RATE_LIMIT_CLIENT_TOKEN, 3000)).toBe(3000);
    });
  });
});

describe("the OpenAPI document", () => {
  it("declares 429 with Retry-After and the X-End-User-IP header on each rate-limited operation", async () => {
    const doc = (await callJson("GET", "/api/v1/openapi.json")).body;
    for (const path of ["/login", "/password-reset/request-password-reset", "/password-reset/reset-password", "/oauth2/token"]) {
      const op = doc.paths[`/api/v1${path}`].post;
      expect(op.responses["429"]?.headers?.["Retry-After"], path).toBeDefined();
      expect(op.parameters.map((p: { name: string; in: string }) => `${p.in}:${p.name.toLowerCase()}`), path).toContain("header:x-end-user-ip");
    }
    const clients = doc.components.schemas;
    expect(JSON.stringify(clients)).toContain("end-user-ip:assert");
  });
});
