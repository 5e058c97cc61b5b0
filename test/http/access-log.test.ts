// The access log: one JSON line per request with who called (a client id, "admin" or
// "anonymous"), the error code of an error, and the time spent in users' Durable Objects; nothing
// personal (no email, IP address or query string).
import { afterEach, describe, expect, it, vi } from "vitest";
import { ADMIN, call } from "../support/api";
import { createUser, world } from "../support/fixtures";

interface AccessLine {
  requestId: string;
  method: string;
  path: string;
  status: number;
  ms: number;
  caller: string;
  error?: string;
  userObjectMs: number;
}

afterEach(() => vi.restoreAllMocks());

/** Sends one request and returns its access-log line (the one with its request id). */
async function logged(send: () => Promise<Response>): Promise<{ line: AccessLine; raw: string; res: Response }> {
  const out = vi.spyOn(console, "log");
  const res = await send();
  await res.arrayBuffer();
  const requestId = res.headers.get("X-Request-Id");
  const lines = out.mock.calls.map((args) => args.join(" ")).filter((l) => l.includes(`"requestId":"${requestId}"`));
  out.mockRestore();
  expect(lines, `access log of ${requestId}`).toHaveLength(1);
  return { line: JSON.parse(lines[0]!) as AccessLine, raw: lines[0]!, res };
}

describe("the access log", () => {
  it("names the calling client of a success, with no error code and no object time", async () => {
    const w = await world("access-log-ok");
    const { line } = await logged(() => call("GET", `/api/v1/tenants/${w.tenantId}`, { token: w.token }));
    expect(line).toMatchObject({ method: "GET", path: `/api/v1/tenants/${w.tenantId}`, status: 200, caller: w.clientId, userObjectMs: 0 });
    expect(line.error).toBeUndefined();
    expect(line.ms).toBeGreaterThanOrEqual(0);
  });

  it("carries the error code of an error, and says anonymous or admin for who called", async () => {
    const w = await world("access-log-error");
    const unknown = await logged(() => call("GET", "/api/v1/users/zzzzzzzzzzzzzzzzzzzzzzzzzz", { token: w.token }));
    expect(unknown.line).toMatchObject({ status: 404, caller: w.clientId, error: "not_found" });
    const anonymous = await logged(() => call("GET", `/api/v1/tenants/${w.tenantId}`));
    expect(anonymous.line).toMatchObject({ status: 401, caller: "anonymous", error: "unauthorized" });
    const admin = await logged(() => call("GET", `/api/v1/applications/${w.applicationId}`, { token: ADMIN }));
    expect(admin.line).toMatchObject({ status: 200, caller: "admin" });
    const badSecret = await logged(() =>
      call("POST", "/api/v1/oauth2/token", {
        body: new URLSearchParams({ grant_type: "client_credentials", client_id: w.clientId, client_secret: "wrong-secret-0123456789" }).toString(),
        headers: { "Content-Type": "application/x-www-form-urlencoded" },
      }),
    );
    expect(badSecret.line).toMatchObject({ status: 401, caller: "anonymous", error: "invalid_client" });
    const invalid = await logged(() => call("POST", "/api/v1/users", { token: w.token, body: { tenantId: w.tenantId, email: "not an email" } }));
    expect(invalid.line).toMatchObject({ status: 400, caller: w.clientId, error: "message_body_constraint_violations" });
  });

  it("sums the time spent in the user's object, and logs no email, IP address or query string", async () => {
    const w = await world("access-log-object");
    const user = await createUser(w, "logged-user@example.com", "first password 1");
    const { line, raw } = await logged(() =>
      call("POST", "/api/v1/login?trace=query-secret-123", {
        token: w.token,
        headers: { "CF-Connecting-IP": "203.0.113.99", "X-End-User-IP": "198.51.100.99", "User-Agent": "access-log-spec/1.0" },
        body: { tenantId: w.tenantId, email: user.email, password: "first password 1" },
      }),
    );
    expect(line).toMatchObject({ path: "/api/v1/login", status: 200, caller: w.clientId });
    expect(line.userObjectMs).toBeGreaterThan(0);
    expect(line.userObjectMs).toBeLessThanOrEqual(line.ms);
    for (const personal of [user.email, "203.0.113.99", "198.51.100.99", "query-secret-123", "access-log-spec", "first password 1"]) {
      expect(raw).not.toContain(personal);
    }
    expect(Object.keys(line).sort()).toEqual(["caller", "method", "ms", "path", "requestId", "status", "userObjectMs"]);
  });

  it("keeps each request's object time its own when requests run at once", async () => {
    const w = await world("access-log-concurrent");
    const user = await createUser(w, "concurrent-user@example.com", "first password 1");
    const out = vi.spyOn(console, "log");
    const [login, read] = await Promise.all([
      call("POST", "/api/v1/login", { token: w.token, body: { tenantId: w.tenantId, email: user.email, password: "first password 1" } }),
      call("GET", `/api/v1/tenants/${w.tenantId}`, { token: w.token }),
    ]);
    const lineOf = (res: Response) => JSON.parse(out.mock.calls.map((a) => a.join(" ")).find((l) => l.includes(`"requestId":"${res.headers.get("X-Request-Id")}"`))!) as AccessLine;
    expect(lineOf(login).userObjectMs).toBeGreaterThan(0);
    expect(lineOf(read).userObjectMs).toBe(0);
  });

  it("names the client an end user's token was issued to", async () => {
    const w = await world("access-log-user");
    const user = await createUser(w, "token-user@example.com", "first password 1");
    const login = await call("POST", "/api/v1/login", { token: w.token, body: { tenantId: w.tenantId, email: user.email, password: "first password 1" } });
    const { accessToken } = (await login.json()) as { accessToken: string };
    const { line } = await logged(() =>
      call("POST", "/api/v1/change-password", { token: accessToken, body: { userId: user.id, currentPassword: "wrong password 0", newPassword: "second password 2" } }),
    );
    expect(line.caller).toBe(w.clientId);
    expect(line.userObjectMs).toBeGreaterThan(0);
  });
});
