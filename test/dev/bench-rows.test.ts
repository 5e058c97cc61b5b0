// The development-only provisioning routes that `npm run bench` uses (src/dev/bench-rows.ts).
import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { app } from "../../src/http/app";
import { UserDurableObject } from "../../src/user-object/user-durable-object";
import { BenchUserDurableObject, userObjectClass } from "../../src/dev/bench-rows";
import { ADMIN, callJson } from "../support/api";
import { world } from "../support/fixtures";
import { ALL_DATABASES } from "../support/codes";
import { adminLinkCode, reset } from "../support/reset";
import { login, loginOk } from "../support/sessions";

const usersRoute = (tenantId: string) => `/dev/bench/${tenantId}/users`;

describe("bench provisioning routes", () => {
  it("do not exist outside development", async () => {
    const w = await world("bench-prod");
    const res = await app.fetch(
      new Request(`http://localhost${usersRoute(w.tenantId)}`, {
        method: "POST",
        headers: { Authorization: `Bearer ${ADMIN}`, "Content-Type": "application/json" },
        body: JSON.stringify({ prefix: "p", count: 1, password: "a bench password" }),
      }),
      { ...env, ENVIRONMENT: "production" },
      { waitUntil() {}, passThroughOnException() {}, props: {} } as unknown as ExecutionContext,
    );
    expect(res.status).toBe(404);
  });

  it("need the admin token", async () => {
    const w = await world("bench-auth");
    const body = { prefix: "p", count: 1, password: "a bench password" };
    expect((await callJson("POST", usersRoute(w.tenantId), { body })).status).toBe(401);
    expect((await callJson("POST", usersRoute(w.tenantId), { token: w.token, body })).status).toBe(403);
  });

  it("create users that log in with the shared password and reset like any other", async () => {
    const w = await world("bench-users");
    const res = await callJson("POST", usersRoute(w.tenantId), { token: ADMIN, body: { prefix: "b", count: 3, password: "a bench password" } });
    expect(res.status).toBe(201);
    expect(res.body.users.map((u: { email: string }) => u.email)).toEqual(["b-0@bench.invalid", "b-1@bench.invalid", "b-2@bench.invalid"]);
    await loginOk(w, "b-2@bench.invalid", "a bench password");
    expect((await login(w, "b-2@bench.invalid", "another password")).body.result).toBe("INVALID_CREDENTIALS");
    const code = await adminLinkCode(w, res.body.users[1].id);
    expect((await reset(w.token, { passwordResetCode: code, newPassword: "the bench password" })).body.result).toBe("PASSWORD_UPDATED");
  });

  it("issue each user an admin reset code when asked, as the API would", async () => {
    const w = await world("bench-codes");
    const res = await callJson("POST", usersRoute(w.tenantId), { token: ADMIN, body: { prefix: "c", count: 2, password: "a bench password", withResetCodes: true } });
    const [first, second] = res.body.users;
    expect(first.passwordResetCode).not.toBe(second.passwordResetCode);
    expect((await reset(w.token, { passwordResetCode: second.passwordResetCode, newPassword: "the bench password" })).body.result).toBe("PASSWORD_UPDATED");
    expect((await reset(w.token, { passwordResetCode: second.passwordResetCode, newPassword: "another bench password" })).body.result).toBe("INVALID_CODE");
    await loginOk(w, "c-1@bench.invalid", "the bench password");
  });

  it("add live sessions that a reset revokes", async () => {
    const w = await world("bench-sessions");
    const [user] = (await callJson("POST", usersRoute(w.tenantId), { token: ADMIN, body: { prefix: "s", count: 1, password: "a bench password" } })).body.users;
    expect((await callJson("POST", `/dev/bench/users/${user.id}/sessions`, { token: ADMIN, body: { count: 25 } })).status).toBe(204);
    const listed = await callJson("GET", `/api/v1/users/${user.id}/sessions`, { token: w.token });
    expect(listed.body.items).toHaveLength(25);
    await reset(w.token, { passwordResetCode: await adminLinkCode(w, user.id), newPassword: "the bench password" });
    const after = await callJson("GET", `/api/v1/users/${user.id}/sessions`, { token: w.token });
    expect(after.body.items).toHaveLength(0);
  });

  it("write filler users and open codes in bulk", async () => {
    const w = await world("bench-filler");
    // Over every database: the filler is spread over the tenant's shards.
    const count = async (sql: string) => {
      let n = 0;
      for (const db of ALL_DATABASES()) n += (await db.prepare(sql).bind(w.tenantId).first<{ n: number }>())!.n;
      return n;
    };
    const before = { users: await count("SELECT count(*) AS n FROM users WHERE tenant_id = ?"), codes: await count("SELECT count(*) AS n FROM reset_codes WHERE tenant_id = ?") };
    const res = await callJson("POST", `/dev/bench/${w.tenantId}/filler`, { token: ADMIN, body: { users: 1500, openCodes: 700 } });
    expect(res.status).toBe(204);
    expect(await count("SELECT count(*) AS n FROM users WHERE tenant_id = ?")).toBe(before.users + 1500);
    expect(await count("SELECT count(*) AS n FROM reset_codes WHERE tenant_id = ? AND consumed_at IS NULL AND superseded_at IS NULL")).toBe(before.codes + 700);
  });

  it("refuse counts above their limits", async () => {
    const w = await world("bench-limits");
    expect((await callJson("POST", usersRoute(w.tenantId), { token: ADMIN, body: { prefix: "l", count: 5001, password: "a bench password" } })).status).toBe(400);
    expect((await callJson("POST", `/dev/bench/${w.tenantId}/filler`, { token: ADMIN, body: { users: 200_001 } })).status).toBe(400);
    expect((await callJson("POST", `/dev/bench/${w.tenantId}/filler`, { token: ADMIN, body: { openCodes: -1 } })).status).toBe(400);
  });
});

describe("the user object's bench seeding", () => {
  it("lives in a subclass bound only in development; every other environment binds the production class", () => {
    expect(userObjectClass("development")).toBe(BenchUserDurableObject);
    expect(Object.getPrototypeOf(BenchUserDurableObject)).toBe(UserDurableObject);
    for (const environment of ["production", "staging", "", undefined]) expect(userObjectClass(environment)).toBe(UserDurableObject);
    expect("seedForBench" in UserDurableObject.prototype).toBe(false);
  });

  it("refuses outside development", async () => {
    const stub = env.USERS.get(env.USERS.idFromName("bench-prod-user")) as unknown as DurableObjectStub<BenchUserDurableObject>;
    await runInDurableObject(stub, async (instance: BenchUserDurableObject) => {
      const production = { ...env, ENVIRONMENT: "production" };
      const seed = instance.seedForBench.bind({ ...instance, env: production } as unknown as BenchUserDurableObject);
      await expect(seed({ sessions: 1, grant: { applicationId: "a", tenantId: "t", idleTtlSeconds: 60, absoluteTtlSeconds: 60 } })).rejects.toThrow(/only in development/);
    });
  });
});
