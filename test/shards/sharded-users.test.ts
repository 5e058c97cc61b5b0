// Users and reset codes on two shards (wrangler.toml's DB_SHARD_0 and DB_SHARD_1): a user is placed
// by (tenant, email) and carries its shard in its id, a code carries its shard in its string, and
// by email or by id every operation reaches the same user; no tenant's user or code is reached
// through another's shard; growing the map loses no user, code or session.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { EmailJob } from "../../src/email/message";
import { serviceConfig } from "../../src/config/service-config";
import { codeHashes } from "../../src/workflows/password-reset/code-store";
import { pruneRetainedRows } from "../../src/workflows/retention";
import { callJson, fetchWithEnv } from "../support/api";
import { codeRowsOfUser } from "../support/codes";
import { consume, recordingQueue } from "../support/email-queue";
import { type World, world } from "../support/fixtures";
import { emailAuthCodeOf, verificationCodeOf, waitForMail } from "../support/mailbox";
import { REPEATED_EMAILS, adminLinkCode, emailAuthCode, otp, reset, setStrategy } from "../support/reset";
import { login, loginOk, refresh } from "../support/sessions";
import { SHARDS, emailsOn } from "../support/shards";

const PASSWORD = "correct horse battery staple";
const NEW_PASSWORD = "an entirely new passphrase 1";
const prefixOf = (shard: number) => shard.toString(36).padStart(2, "0");

async function userRowsIn(db: D1Database, tenantId: string): Promise<{ id: string; email: string; status: string }[]> {
  return (await db.prepare("SELECT id, email, status FROM users WHERE tenant_id = ? ORDER BY id").bind(tenantId).all<{ id: string; email: string; status: string }>()).results;
}

async function createUserUnder(w: World, email: string, overrides: Partial<Env> = {}, password = PASSWORD) {
  return callJson("POST", "/api/v1/users", { token: w.token, body: { tenantId: w.tenantId, email, password }, env: overrides });
}

/** Every page of the tenant's users, `limit` at a time, following nextCursor. */
async function allUsers(w: World, limit: number, overrides?: Partial<Env>): Promise<{ id: string; createdAt: string }[]> {
  const items: { id: string; createdAt: string }[] = [];
  let cursor: string | null = null;
  do {
    const res: { status: number; body: { items: { id: string; createdAt: string }[]; nextCursor: string | null } } = await callJson(
      "GET",
      `/api/v1/tenants/${w.tenantId}/users?limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`,
      { token: w.token, ...(overrides ? { env: overrides } : {}) },
    );
    expect(res.status).toBe(200);
    items.push(...res.body.items);
    cursor = res.body.nextCursor;
  } while (cursor);
  return items;
}

describe("users and codes on two shards", () => {
  it("by email and by id every operation reaches the same user, on the shard its id and its codes carry", async () => {
    const w = await world("shard-users");
    await setStrategy(w, "LINK", REPEATED_EMAILS);
    for (const shard of [0, 1]) {
      const [email] = emailsOn(undefined, w.tenantId, shard, 1, `su${shard}`);
      const created = await createUserUnder(w, email!);
      expect(created.status).toBe(201);
      const id: string = created.body.id;
      expect(id.slice(0, 2)).toBe(prefixOf(shard));
      // The row is on its shard only.
      expect((await userRowsIn(SHARDS()[shard]!, w.tenantId)).map((u) => u.id)).toEqual([id]);
      expect(await userRowsIn(SHARDS()[1 - shard]!, w.tenantId)).toEqual([]);
      expect(await userRowsIn(env.DB, w.tenantId)).toEqual([]);

      // By id and by email: the same user.
      expect((await callJson("GET", `/api/v1/users/${id}`, { token: w.token })).body.email).toBe(email);
      expect((await callJson("GET", `/api/v1/tenants/${w.tenantId}/users?email=${encodeURIComponent(email!.toUpperCase())}`, { token: w.token })).body.items.map((u: { id: string }) => u.id)).toEqual([id]);
      const session = await loginOk(w, email!, PASSWORD);
      expect(session.userId).toBe(id);
      expect((await refresh(w, session.refreshToken)).status).toBe(200);

      // A link reset: the emailed code carries the shard, and its rows are there.
      const link = await emailAuthCode(w, email!);
      expect(link.slice(0, 2)).toBe(prefixOf(shard));
      const byLink = await reset(w.token, { emailAuthCode: link, newPassword: NEW_PASSWORD });
      expect(byLink.body).toMatchObject({ result: "PASSWORD_UPDATED", userId: id });
      // An admin link.
      const admin = await adminLinkCode(w, id);
      expect(admin.slice(0, 2)).toBe(prefixOf(shard));
      expect((await reset(w.token, { passwordResetCode: admin, newPassword: PASSWORD })).body).toMatchObject({ result: "PASSWORD_UPDATED", userId: id });
      // An OTP: the requestCode carries the shard too.
      await setStrategy(w, "OTP", REPEATED_EMAILS);
      const { requestCode, verificationCode } = await otp(w, email!);
      expect(requestCode.slice(0, 2)).toBe(prefixOf(shard));
      expect((await reset(w.token, { requestCode, verificationCode, newPassword: NEW_PASSWORD })).body).toMatchObject({ result: "PASSWORD_UPDATED", userId: id });
      await setStrategy(w, "LINK", REPEATED_EMAILS);
      const codes = await codeRowsOfUser(id);
      expect(codes.length).toBeGreaterThanOrEqual(4);
      const onShard = (await SHARDS()[shard]!.prepare("SELECT count(*) AS n FROM reset_codes WHERE user_id = ?").bind(id).first<{ n: number }>())!.n;
      expect(onShard).toBe(codes.length);
      expect((await loginOk(w, email!, NEW_PASSWORD)).userId).toBe(id);

      // Deactivate and delete reach the row on its shard.
      expect((await callJson("PATCH", `/api/v1/users/${id}`, { token: w.token, body: { status: "INACTIVE" } })).status).toBe(200);
      expect((await userRowsIn(SHARDS()[shard]!, w.tenantId))[0]!.status).toBe("INACTIVE");
      expect((await login(w, email!, NEW_PASSWORD)).body.result).toBe("INVALID_CREDENTIALS");
      expect((await callJson("DELETE", `/api/v1/users/${id}`, { token: w.token })).status).toBe(204);
      expect(await userRowsIn(SHARDS()[shard]!, w.tenantId)).toEqual([]);
      expect(await codeRowsOfUser(id)).toEqual([]);
      expect((await callJson("GET", `/api/v1/users/${id}`, { token: w.token })).status).toBe(404);
    }
  });

  it("lists a tenant's users from both shards, newest first, with working cursors", async () => {
    const w = await world("shard-list");
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      for (const shard of [0, 1]) {
        const [email] = emailsOn(undefined, w.tenantId, shard, 1, `sl${i}`);
        ids.push((await createUserUnder(w, email!)).body.id);
      }
    }
    const all = await allUsers(w, 100);
    expect(all.map((u) => u.id).sort()).toEqual([...ids].sort());
    for (let i = 1; i < all.length; i++) expect(all[i - 1]!.createdAt >= all[i]!.createdAt).toBe(true);
    for (const limit of [1, 2, 4]) expect((await allUsers(w, limit)).map((u) => u.id)).toEqual(all.map((u) => u.id));
  });

  it("two creations of one address at once make one user", async () => {
    const w = await world("shard-race");
    const answers = await Promise.all([createUserUnder(w, "race@example.com"), createUserUnder(w, "RACE@example.com")]);
    expect(answers.map((a) => a.status).sort()).toEqual([201, 409]);
  });
});

describe("no tenant or application boundary is crossed through a wrong shard", () => {
  it("the same address in two tenants, on different shards: each login, code and listing reaches its own tenant's user only", async () => {
    const a = await world("shard-tenant-a");
    const b = await world("shard-tenant-b");
    // An address the map places on shard 0 for tenant a and shard 1 for tenant b.
    const email = emailsOn(undefined, a.tenantId, 0, 50, "both").find((e) => emailsOn(undefined, b.tenantId, 1, 200, "both").includes(e))!;
    expect(email).toBeDefined();
    const ua = (await createUserUnder(a, email)).body;
    const ub = (await createUserUnder(b, email, {}, NEW_PASSWORD)).body;
    expect([ua.id.slice(0, 2), ub.id.slice(0, 2)]).toEqual([prefixOf(0), prefixOf(1)]);
    expect((await loginOk(a, email, PASSWORD)).userId).toBe(ua.id);
    expect((await loginOk(b, email, NEW_PASSWORD)).userId).toBe(ub.id);
    expect((await login(a, email, NEW_PASSWORD)).body.result).toBe("INVALID_CREDENTIALS");

    // Another application's client reaches neither the user nor the code.
    expect((await callJson("GET", `/api/v1/users/${ua.id}`, { token: b.token })).status).toBe(404);
    const code = await adminLinkCode(a, ua.id);
    expect((await reset(b.token, { passwordResetCode: code, newPassword: "stolen passphrase 123" })).body.result).toBe("INVALID_CODE");
    // The same secret with the other shard's prefix is another code, which does not exist.
    expect((await reset(a.token, { passwordResetCode: prefixOf(1) + code.slice(2), newPassword: "stolen passphrase 123" })).body.result).toBe("INVALID_CODE");

    // A code row on tenant b's shard that names tenant a's user (by id) never joins to that user.
    const forged = "forgedcode".padEnd(43, "x");
    const hash = await codeHashOf(prefixOf(1) + forged);
    await SHARDS()[1]!
      .prepare(
        "INSERT INTO reset_codes (id, application_id, tenant_id, user_id, subject_key, kind, code_hash, credential_version, attempts, max_attempts, expires_at, created_at) VALUES ('forgedrow', ?, ?, ?, 's', 'ADMIN_LINK', ?, 1, 0, 0, ?, ?)",
      )
      .bind(b.applicationId, b.tenantId, ua.id, hash, Date.now() + 3_600_000, Date.now())
      .run();
    expect((await reset(b.token, { passwordResetCode: prefixOf(1) + forged, newPassword: "stolen passphrase 123" })).body.result).toBe("INVALID_CODE");
    expect((await loginOk(a, email, PASSWORD)).userId).toBe(ua.id);
  });
});

/** The stored hash of a code, as the service computes it (under the current SECRET_HASH_KEY). */
async function codeHashOf(code: string): Promise<string> {
  return (await codeHashes((await serviceConfig(env)).secretHashKeys, code))[0]!;
}

describe("growing the shard map under traffic", () => {
  const V1 = { SHARD_MAP: JSON.stringify({ bindings: ["DB_SHARD_0", "DB_SHARD_1"], versions: [{ version: 1, sets: { default: [0] } }] }) };
  const V2 = { SHARD_MAP: JSON.stringify({ bindings: ["DB_SHARD_0", "DB_SHARD_1"], versions: [{ version: 1, sets: { default: [0] } }, { version: 2, sets: { default: [0, 1] } }] }) };

  /** Requests a reset under `overrides` and delivers its job under the same ones; the answer and the job. */
  async function requestUnder(w: World, email: string, overrides: Partial<Env>) {
    const queue = recordingQueue(false);
    const res = await callJson("POST", "/api/v1/password-reset/request-password-reset", { token: w.token, body: { tenantId: w.tenantId, email }, env: { ...overrides, EMAIL_QUEUE: queue.binding } });
    expect(res.status).toBe(200);
    return { answer: res.body, job: queue.jobs[0]! };
  }
  const deliverUnder = async (job: EmailJob, overrides: Partial<Env>) => expect((await consume(job, { env: overrides })).retryMessages).toEqual([]);
  const refreshUnder = async (w: World, token: string, overrides: Partial<Env>) => {
    const request = new Request("http://localhost/api/v1/oauth2/token", {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded", Authorization: `Basic ${btoa(`${w.clientId}:${w.clientSecret}`)}` },
      body: new URLSearchParams({ grant_type: "refresh_token", refresh_token: token }),
    });
    return (await fetchWithEnv(request, overrides)).status;
  };

  it("users, codes and sessions from version 1 all still work under version 2, and no address gets a second user", async () => {
    const w = await world("shard-users-growth");
    await setStrategy(w, "LINK", REPEATED_EMAILS);
    // Under version 1 everything is on shard 0; these addresses move to shard 1 under version 2.
    const moving = emailsOn(V2.SHARD_MAP, w.tenantId, 1, 3, "ug");
    const users: { id: string; email: string }[] = [];
    for (const email of moving) users.push((await createUserUnder(w, email, V1)).body);
    for (const u of users) expect(u.id.slice(0, 2)).toBe(prefixOf(0));
    const sessions = [];
    for (const u of users) sessions.push((await loginUnder(w, u.email, PASSWORD, V1)).body);
    // Codes issued under version 1: an emailed link (job delivered under v1), an admin link, and a
    // job queued under v1 but delivered after the deploy of v2.
    const v1Link = await requestUnder(w, users[0]!.email, V1);
    await deliverUnder(v1Link.job, V1);
    const linkCode = emailAuthCodeOf(await waitForMail(users[0]!.email, "PASSWORD_RESET_LINK"));
    const adminCode = (await callJson("POST", "/api/v1/password-reset/create-password-reset-link", { token: w.token, body: { userId: users[1]!.id }, env: V1 })).body.passwordResetLink;
    const queuedBeforeDeploy = await requestUnder(w, users[2]!.email, V1);

    // Version 2 is deployed.
    await deliverUnder(queuedBeforeDeploy.job, V2);
    const lateLink = emailAuthCodeOf(await waitForMail(users[2]!.email, "PASSWORD_RESET_LINK"));
    for (const [i, u] of users.entries()) {
      expect((await loginUnder(w, u.email, PASSWORD, V2)).body).toMatchObject({ result: "SUCCESS", userId: u.id });
      expect(await refreshUnder(w, sessions[i].refreshToken, V2)).toBe(200);
      expect((await callJson("GET", `/api/v1/users/${u.id}`, { token: w.token, env: V2 })).status).toBe(200);
    }
    const resetUnder = (body: Record<string, unknown>, newPassword = NEW_PASSWORD) => callJson("POST", "/api/v1/password-reset/reset-password", { token: w.token, body: { newPassword, ...body }, env: V2 });
    expect((await resetUnder({ emailAuthCode: linkCode })).body).toMatchObject({ result: "PASSWORD_UPDATED", userId: users[0]!.id });
    expect((await resetUnder({ passwordResetCode: new URL(adminCode).searchParams.get("passwordResetCode") })).body).toMatchObject({ result: "PASSWORD_UPDATED", userId: users[1]!.id });
    expect((await resetUnder({ emailAuthCode: lateLink })).body).toMatchObject({ result: "PASSWORD_UPDATED", userId: users[2]!.id });

    // A user of v1 requests a reset under v2: the job and its codes go to the address's v2 shard
    // (shard 1), the user stays on shard 0, and both the link and an OTP reach the user.
    const fresh = await requestUnder(w, users[0]!.email, V2);
    expect(fresh.job.id.slice(0, 2)).toBe(prefixOf(1));
    await deliverUnder(fresh.job, V2);
    const v2Link = emailAuthCodeOf(await waitForMail(users[0]!.email, "PASSWORD_RESET_LINK", 2));
    expect(v2Link.slice(0, 2)).toBe(prefixOf(1));
    expect((await resetUnder({ emailAuthCode: v2Link }, "a third new passphrase 22")).body).toMatchObject({ result: "PASSWORD_UPDATED", userId: users[0]!.id });
    await setStrategy(w, "OTP", REPEATED_EMAILS);
    const otpRequest = await requestUnder(w, users[1]!.email, V2);
    await deliverUnder(otpRequest.job, V2);
    const verificationCode = verificationCodeOf(await waitForMail(users[1]!.email, "PASSWORD_RESET_OTP"));
    expect((await callJson("POST", "/api/v1/password-reset/reset-password", { token: w.token, body: { requestCode: otpRequest.answer.requestCode, verificationCode, newPassword: PASSWORD }, env: V2 })).body).toMatchObject({
      result: "PASSWORD_UPDATED",
      userId: users[1]!.id,
    });
    for (const u of users) expect((await userRowsIn(SHARDS()[0]!, w.tenantId)).map((r) => r.id)).toContain(u.id);

    // No second user for an address that lives on an older version's shard.
    for (const u of users) expect((await createUserUnder(w, u.email.toUpperCase(), V2)).status).toBe(409);
    expect(await userRowsIn(SHARDS()[1]!, w.tenantId)).toEqual([]);
    // A new address goes to its v2 shard, and the listing has everyone.
    const [newcomer] = emailsOn(V2.SHARD_MAP, w.tenantId, 1, 1, "ug-new");
    const created = (await createUserUnder(w, newcomer!, V2)).body;
    expect(created.id.slice(0, 2)).toBe(prefixOf(1));
    expect((await allUsers(w, 2, V2)).map((u) => u.id).sort()).toEqual([...users.map((u) => u.id), created.id].sort());
  });
});

describe("retention of codes on shards", () => {
  it("deletes codes expired for over a week on every shard", async () => {
    const now = Date.now();
    for (const [i, db] of SHARDS().entries()) {
      await db
        .prepare("INSERT INTO reset_codes (id, application_id, tenant_id, subject_key, kind, code_hash, attempts, max_attempts, expires_at, created_at) VALUES (?, 'retapp', 'rettenant', 's', 'EMAIL_LINK', ?, 0, 0, ?, ?)")
        .bind(`retcode${i}`, `rethash${i}`, now - 30 * 86_400_000, now - 31 * 86_400_000)
        .run();
    }
    await pruneRetainedRows(env, now);
    for (const db of SHARDS()) expect((await db.prepare("SELECT count(*) AS n FROM reset_codes WHERE application_id = 'retapp'").first<{ n: number }>())!.n).toBe(0);
  });
});

describe("users from before sharding", () => {
  it("a user row in the directory database is found by email and by id, and its address gets no second user", async () => {
    const w = await world("shard-legacy");
    const LEGACY = { SHARD_MAP: JSON.stringify({ ...JSON.parse(env.SHARD_MAP), usersInDirectory: true }) };
    // Made by the API without shards, as before sharding, then served with the map.
    const old = await callJson("POST", "/api/v1/users", { token: w.token, body: { tenantId: w.tenantId, email: "legacy@example.com", password: PASSWORD }, env: { SHARD_MAP: "" } });
    expect(old.status).toBe(201);
    expect((await userRowsIn(env.DB, w.tenantId)).map((u) => u.id)).toEqual([old.body.id]);
    expect((await loginUnder(w, "legacy@example.com", PASSWORD, LEGACY)).body).toMatchObject({ result: "SUCCESS", userId: old.body.id });
    expect((await callJson("GET", `/api/v1/users/${old.body.id}`, { token: w.token, env: LEGACY })).status).toBe(200);
    expect((await createUserUnder(w, "LEGACY@example.com", LEGACY)).status).toBe(409);
    // A map that says DB holds no users does not read it.
    expect((await loginUnder(w, "legacy@example.com", PASSWORD, {})).body.result).toBe("INVALID_CREDENTIALS");
  });
});

function loginUnder(w: World, email: string, password: string, overrides: Partial<Env>) {
  return callJson("POST", "/api/v1/login", { token: w.token, body: { tenantId: w.tenantId, email, password }, env: overrides });
}
