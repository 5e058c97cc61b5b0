// GET /api/v1/key-usage: what still depends on each key id, so an operator can tell when an old
// SECRET_HASH_KEY or PASSWORD_PEPPER can go. Passwords and refresh tokens live in the users'
// objects; the counts come from what each object reports to the user's D1 row when it (re-)hashes.
// Storage is shared by the tests of this file, so each compares counts before and after.
import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { ADMIN, call, callJson } from "../support/api";
import { createUser, world, type World } from "../support/fixtures";
import { queueConsumedWith } from "../support/email-queue";
import { emailAuthCodeOf, waitForMail } from "../support/mailbox";
import { loginOk } from "../support/sessions";
import { TEST_SECRETS } from "../secrets";
import { databaseOfId, forgetKeyIds } from "../support/shards";

const NEW_HASH_KEY = "h2:rotated-secret-hash-key-0123456789abcdefgh";
const NEW_PEPPER = "p2:rotated-password-pepper-0123456789abcdefgh";
const ROTATED = {
  SECRET_HASH_KEY: `${NEW_HASH_KEY},${TEST_SECRETS.SECRET_HASH_KEY}`,
  PASSWORD_PEPPER: `${NEW_PEPPER},${TEST_SECRETS.PASSWORD_PEPPER}`,
};

interface SecretHashKeyUsage {
  keyId: string;
  current: boolean;
  configured: boolean;
  clientSecrets: number;
  openResetCodes: number;
  usersWithRefreshTokens: number;
}
interface PepperUsage {
  keyId: string;
  current: boolean;
  configured: boolean;
  passwordHashes: number;
}
interface KeyUsage {
  secretHashKeys: SecretHashKeyUsage[];
  passwordPeppers: PepperUsage[];
  usersNotReported: number;
  countedAt: string;
}

async function usage(overrides: Partial<Env> = ROTATED): Promise<KeyUsage> {
  const res = await callJson<KeyUsage>("GET", "/api/v1/key-usage", { token: ADMIN, env: overrides });
  expect(res.status).toBe(200);
  return res.body;
}

const hashKey = (u: KeyUsage, kid: string) => u.secretHashKeys.find((k) => k.keyId === kid);
const pepper = (u: KeyUsage, kid: string) => u.passwordPeppers.find((k) => k.keyId === kid)?.passwordHashes ?? 0;

/** The user's object, configured like the rotated Worker (a redeploy gives it the new env too). */
async function redeployUserObject(userId: string, overrides: Partial<Env>) {
  const stub = env.USERS.get(env.USERS.idFromName(userId));
  await runInDurableObject(stub, (instance) => {
    (instance as unknown as { env: Env }).env = { ...env, ...overrides };
  });
}

function loginUnder(w: World, email: string, password: string, overrides: Partial<Env>) {
  return callJson("POST", "/api/v1/login", { token: w.token, env: overrides, body: { tenantId: w.tenantId, email, password } });
}

describe("GET /api/v1/key-usage", () => {
  it("answers only the ADMIN_TOKEN", async () => {
    const w = await world();
    expect((await call("GET", "/api/v1/key-usage")).status).toBe(401);
    expect((await call("GET", "/api/v1/key-usage", { token: w.token })).status).toBe(403);
    const u = await usage();
    expect(u.secretHashKeys.map((k) => [k.keyId, k.current, k.configured])).toEqual([
      ["h2", true, true],
      ["h1", false, true],
    ]);
    expect(u.passwordPeppers.slice(0, 2).map((k) => [k.keyId, k.current, k.configured])).toEqual([
      ["p2", true, true],
      ["p1", false, true],
    ]);
  });

  it("names a kid still in use that is no longer configured", async () => {
    await world();
    const u = await usage({ SECRET_HASH_KEY: NEW_HASH_KEY });
    expect(hashKey(u, "h1")).toMatchObject({ current: false, configured: false });
    expect(hashKey(u, "h1")!.clientSecrets).toBeGreaterThan(0);
  });

  it("password hashes move from the old pepper to the new one as users are created, then log in or reset under the rotated pepper", async () => {
    const w = await world();
    const before = await usage();
    const a = await createUser(w, "pepper-a@example.com", "pepper password a");
    const b = await createUser(w, "pepper-b@example.com", "pepper password b");
    let now = await usage();
    expect([pepper(now, "p1") - pepper(before, "p1"), pepper(now, "p2") - pepper(before, "p2")]).toEqual([2, 0]);

    // The silent re-hash on login under the rotated pepper.
    await redeployUserObject(a.id, ROTATED);
    expect((await loginUnder(w, "pepper-a@example.com", "pepper password a", ROTATED)).body.result).toBe("SUCCESS");
    now = await usage();
    expect([pepper(now, "p1") - pepper(before, "p1"), pepper(now, "p2") - pepper(before, "p2")]).toEqual([1, 1]);

    // A reset under the rotated pepper.
    await redeployUserObject(b.id, ROTATED);
    const requested = await callJson("POST", "/api/v1/password-reset/request-password-reset", {
      token: w.token,
      env: { ...ROTATED, EMAIL_QUEUE: queueConsumedWith(ROTATED) },
      body: { tenantId: w.tenantId, email: "pepper-b@example.com" },
    });
    expect(requested.status).toBe(200);
    const code = emailAuthCodeOf(await waitForMail("pepper-b@example.com", "PASSWORD_RESET_LINK"));
    const reset = await callJson("POST", "/api/v1/password-reset/reset-password", { token: w.token, env: ROTATED, body: { emailAuthCode: code, newPassword: "a brand new password" } });
    expect(reset.body).toMatchObject({ result: "PASSWORD_UPDATED" });
    now = await usage();
    expect([pepper(now, "p1") - pepper(before, "p1"), pepper(now, "p2") - pepper(before, "p2")]).toEqual([0, 2]);

  });

  it("a stale row is corrected by the user's next login", async () => {
    const w = await world();
    const user = await createUser(w, "stale@example.com", "old sea breeze 1");
    // As if the report after a re-hash under p2 was lost: the row still says p1.
    await redeployUserObject(user.id, ROTATED);
    await loginUnder(w, "stale@example.com", "old sea breeze 1", ROTATED);
    await databaseOfId(user.id).prepare("UPDATE users SET password_key_id = 'p1', key_ids_reported_at = 0 WHERE id = ?").bind(user.id).run();
    const stale = await usage();
    expect((await loginUnder(w, "stale@example.com", "old sea breeze 1", ROTATED)).body.result).toBe("SUCCESS");
    const fixed = await usage();
    expect([pepper(fixed, "p1") - pepper(stale, "p1"), pepper(fixed, "p2") - pepper(stale, "p2")]).toEqual([-1, 1]);
  });

  it("client secrets, open reset codes and refresh tokens move to the new SECRET_HASH_KEY as they are used", async () => {
    const w = await world();
    await createUser(w, "hash-key@example.com", "hash key password");
    const session = await loginOk(w, "hash-key@example.com", "hash key password");
    const user = session.userId;
    const requested = await callJson("POST", "/api/v1/password-reset/request-password-reset", {
      token: w.token,
      env: { EMAIL_QUEUE: queueConsumedWith({}) },
      body: { tenantId: w.tenantId, email: "hash-key@example.com" },
    });
    expect(requested.status).toBe(200);
    await waitForMail("hash-key@example.com", "PASSWORD_RESET_LINK");
    const before = await usage();
    expect(hashKey(before, "h1")!.openResetCodes).toBeGreaterThanOrEqual(1);
    expect(hashKey(before, "h1")!.usersWithRefreshTokens).toBeGreaterThanOrEqual(1);

    // The client authenticates under the rotated key: its secret is re-hashed under h2.
    const basic = `Basic ${btoa(`${w.clientId}:${w.clientSecret}`)}`;
    const token = (params: Record<string, string>) =>
      call("POST", "/api/v1/oauth2/token", {
        env: ROTATED,
        headers: { Authorization: basic, "Content-Type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams(params).toString(),
      });
    expect((await token({ grant_type: "client_credentials" })).status).toBe(200);
    // The refresh token rotates under the new key.
    await redeployUserObject(user, ROTATED);
    expect((await token({ grant_type: "refresh_token", refresh_token: session.refreshToken })).status).toBe(200);
    // A new request supersedes the code under h1 with one under h2.
    const again = await callJson("POST", "/api/v1/password-reset/request-password-reset", {
      token: w.token,
      env: { ...ROTATED, EMAIL_QUEUE: queueConsumedWith(ROTATED) },
      body: { tenantId: w.tenantId, email: "hash-key@example.com" },
    });
    expect(again.status).toBe(200);
    await waitForMail("hash-key@example.com", "PASSWORD_RESET_LINK", 2);

    const after = await usage();
    const delta = (kid: string, field: "clientSecrets" | "openResetCodes" | "usersWithRefreshTokens") =>
      (hashKey(after, kid)?.[field] ?? 0) - (hashKey(before, kid)?.[field] ?? 0);
    expect({
      clientSecrets: [delta("h1", "clientSecrets"), delta("h2", "clientSecrets")],
      openResetCodes: [delta("h1", "openResetCodes"), delta("h2", "openResetCodes")],
      usersWithRefreshTokens: [delta("h1", "usersWithRefreshTokens"), delta("h2", "usersWithRefreshTokens")],
    }).toEqual({ clientSecrets: [-1, 1], openResetCodes: [-1, 1], usersWithRefreshTokens: [-1, 1] });
  });

  it("counts users whose object never reported, and reports them once they log in", async () => {
    const w = await world();
    const user = await createUser(w, "unreported@example.com", "quiet harbour 9");
    // A user created before the columns existed.
    await forgetKeyIds(user.id);
    const before = await usage();
    expect(before.usersNotReported).toBeGreaterThanOrEqual(1);
    await loginUnder(w, "unreported@example.com", "quiet harbour 9", {});
    const after = await usage();
    expect(after.usersNotReported - before.usersNotReported).toBe(-1);
    expect(pepper(after, "p1") - pepper(before, "p1")).toBe(1);
  });
});
