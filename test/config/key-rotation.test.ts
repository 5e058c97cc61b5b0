// Rotating SECRET_HASH_KEY, PASSWORD_PEPPER and JWT_SIGNING_KEY: put a new key first and keep the
// old one after it. Everything made under the old key keeps working and is re-hashed on use, new
// values carry the new kid, and only removing the old key retires what it made.
// The Worker runs with the rotated values through `call(…, { env })`; each user's object is given
// the same values, as a redeploy would.
import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { type JWK, decodeProtectedHeader, exportJWK, generateKeyPair } from "jose";
import { describe, expect, it } from "vitest";
import { call, callJson } from "../support/api";
import { ALL_DATABASES } from "../support/codes";
import { createUser, world, type World } from "../support/fixtures";
import { queueConsumedWith } from "../support/email-queue";
import { emailAuthCodeOf, waitForMail } from "../support/mailbox";
import { loginOk } from "../support/sessions";
import { TEST_SECRETS } from "../secrets";

const NEW_HASH_KEY = "h2:rotated-secret-hash-key-0123456789abcdefgh";
const NEW_PEPPER = "p2:rotated-password-pepper-0123456789abcdefgh";
const GOOD = "a brand new password";

type Overrides = Partial<Env>;

/** The user's object, configured like the rotated Worker (a redeploy gives it the new env too). */
async function redeployUserObject(userId: string, overrides: Overrides) {
  const stub = env.USERS.get(env.USERS.idFromName(userId));
  await runInDurableObject(stub, (instance) => {
    (instance as unknown as { env: Env }).env = { ...env, ...overrides };
  });
}

function tokenRequest(basic: { id: string; secret: string }, params: Record<string, string>, overrides: Overrides) {
  return call("POST", "/api/v1/oauth2/token", {
    env: overrides,
    headers: { Authorization: `Basic ${btoa(`${basic.id}:${basic.secret}`)}`, "Content-Type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams(params).toString(),
  });
}

async function storedClientHash(clientId: string): Promise<string> {
  return (await env.DB.prepare("SELECT secret_hash FROM m2m_clients WHERE id = ?").bind(clientId).first<{ secret_hash: string }>())!.secret_hash;
}

async function refreshTokenHashes(userId: string): Promise<string[]> {
  const stub = env.USERS.get(env.USERS.idFromName(userId));
  return runInDurableObject(stub, (_i, state) =>
    state.storage.sql.exec<{ token_hash: string }>("SELECT token_hash FROM refresh_tokens ORDER BY created_at").toArray().map((r) => r.token_hash),
  );
}

/** The email queue's consumer, which issues the code, runs with the same values as the request. */
async function requestLink(w: World, email: string, overrides: Overrides, n: number): Promise<string> {
  const res = await callJson("POST", "/api/v1/password-reset/request-password-reset", {
    token: w.token,
    env: { ...overrides, EMAIL_QUEUE: queueConsumedWith(overrides) },
    body: { tenantId: w.tenantId, email },
  });
  expect(res.status).toBe(200);
  return emailAuthCodeOf(await waitForMail(email, "PASSWORD_RESET_LINK", n));
}

const resetWith = (w: World, emailAuthCode: string, overrides: Overrides) =>
  callJson("POST", "/api/v1/password-reset/reset-password", { token: w.token, env: overrides, body: { emailAuthCode, newPassword: GOOD } });

describe("rotating SECRET_HASH_KEY", () => {
  const rotated = { SECRET_HASH_KEY: `${NEW_HASH_KEY},${TEST_SECRETS.SECRET_HASH_KEY}` };
  const onlyNew = { SECRET_HASH_KEY: NEW_HASH_KEY };

  it("a client secret hashed under the old key authenticates, and is re-hashed under the new one", async () => {
    const w = await world();
    expect((await storedClientHash(w.clientId)).startsWith("h1:")).toBe(true);
    const basic = { id: w.clientId, secret: w.clientSecret };
    expect((await tokenRequest(basic, { grant_type: "client_credentials" }, rotated)).status).toBe(200);
    expect((await storedClientHash(w.clientId)).startsWith("h2:")).toBe(true);
    // Upgraded: it now works without the old key, and a wrong secret still fails.
    expect((await tokenRequest(basic, { grant_type: "client_credentials" }, onlyNew)).status).toBe(200);
    expect((await tokenRequest({ ...basic, secret: `${w.clientSecret}x` }, { grant_type: "client_credentials" }, rotated)).status).toBe(401);
  });

  it("a replaced client secret in its overlap, hashed under the old key, authenticates and is re-hashed under the new one", async () => {
    const w = await world();
    const rotation = await callJson("POST", `/api/v1/applications/${w.applicationId}/clients/${w.clientId}/secrets`, { token: w.token, body: {} });
    expect(rotation.status).toBe(201);
    const stored = () => env.DB.prepare("SELECT secret_hash AS current, previous_secret_hash AS previous FROM m2m_clients WHERE id = ?").bind(w.clientId).first<{ current: string; previous: string }>();
    expect(await stored()).toMatchObject({ current: expect.stringMatching(/^h1:/), previous: expect.stringMatching(/^h1:/) });
    const replaced = { id: w.clientId, secret: w.clientSecret };
    expect((await tokenRequest(replaced, { grant_type: "client_credentials" }, rotated)).status).toBe(200);
    expect(await stored()).toMatchObject({ current: expect.stringMatching(/^h1:/), previous: expect.stringMatching(/^h2:/) });
    expect((await tokenRequest(replaced, { grant_type: "client_credentials" }, onlyNew)).status).toBe(200);
    expect((await tokenRequest({ id: w.clientId, secret: rotation.body.clientSecret }, { grant_type: "client_credentials" }, rotated)).status).toBe(200);
  });

  it("a reset code issued under the old key still resets; new codes are stored under the new kid", async () => {
    const w = await world();
    await createUser(w, "rotate-code@example.com", "old password 1");
    const code = await requestLink(w, "rotate-code@example.com", {}, 1);
    expect((await resetWith(w, code, rotated)).body).toMatchObject({ result: "PASSWORD_UPDATED" });
    await requestLink(w, "rotate-code@example.com", rotated, 2);
    // From every database (codes are on their shard), in issue order.
    const kids = (await Promise.all(ALL_DATABASES().map(async (db) => (await db.prepare("SELECT code_hash, subject_key, created_at FROM reset_codes WHERE tenant_id = ?").bind(w.tenantId).all<{ code_hash: string; subject_key: string; created_at: number }>()).results)))
      .flat()
      .sort((a, b) => a.created_at - b.created_at);
    expect(kids.map((r) => [r.code_hash.split(":")[0], r.subject_key.split(":")[0]])).toEqual([
      ["h1", "h1"],
      ["h2", "h2"],
    ]);
  });

  it("a new request supersedes a code issued under the old key", async () => {
    const w = await world();
    await createUser(w, "rotate-supersede@example.com", "old password 1");
    const before = await requestLink(w, "rotate-supersede@example.com", {}, 1);
    const after = await requestLink(w, "rotate-supersede@example.com", rotated, 2);
    expect((await resetWith(w, before, rotated)).body).toEqual({ result: "INVALID_CODE" });
    expect((await resetWith(w, after, rotated)).body).toMatchObject({ result: "PASSWORD_UPDATED" });
  });

  it("a refresh token issued under the old key rotates; its successor is stored under the new kid", async () => {
    const w = await world();
    const user = await createUser(w, "rotate-refresh@example.com", "old password 1");
    const session = await loginOk(w, "rotate-refresh@example.com", "old password 1");
    expect((await refreshTokenHashes(user.id)).map((h) => h.split(":")[0])).toEqual(["h1"]);
    await redeployUserObject(user.id, rotated);
    const basic = { id: w.clientId, secret: w.clientSecret };
    const res = await tokenRequest(basic, { grant_type: "refresh_token", refresh_token: session.refreshToken }, rotated);
    expect(res.status).toBe(200);
    expect((await refreshTokenHashes(user.id)).map((h) => h.split(":")[0])).toEqual(["h1", "h2"]);
    // The successor, stored under the new key, rotates in turn.
    const successor = ((await res.json()) as { refresh_token: string }).refresh_token;
    expect((await tokenRequest(basic, { grant_type: "refresh_token", refresh_token: successor }, rotated)).status).toBe(200);
  });

  it("removing the old key retires what only it made", async () => {
    const w = await world();
    await createUser(w, "rotate-retire@example.com", "old password 1");
    const code = await requestLink(w, "rotate-retire@example.com", {}, 1);
    expect((await resetWith(w, code, onlyNew)).body).toEqual({ result: "INVALID_CODE" });
    const basic = { id: w.clientId, secret: w.clientSecret };
    expect((await tokenRequest(basic, { grant_type: "client_credentials" }, onlyNew)).status).toBe(401);
  });
});

describe("rotating PASSWORD_PEPPER", () => {
  const rotated = { PASSWORD_PEPPER: `${NEW_PEPPER},${TEST_SECRETS.PASSWORD_PEPPER}` };

  async function storedPasswordHash(userId: string): Promise<string> {
    const stub = env.USERS.get(env.USERS.idFromName(userId));
    return runInDurableObject(stub, (_i, state) => state.storage.sql.exec<{ password_hash: string }>("SELECT password_hash FROM credential").one().password_hash);
  }

  it("a password hashed under the old pepper logs in and is re-hashed under the new one", async () => {
    const w = await world();
    const user = await createUser(w, "rotate-pepper@example.com", "pepper password 1");
    expect(await storedPasswordHash(user.id)).toContain("$k=p1$");
    await redeployUserObject(user.id, rotated);
    const login = () =>
      callJson("POST", "/api/v1/login", { token: w.token, env: rotated, body: { tenantId: w.tenantId, email: "rotate-pepper@example.com", password: "pepper password 1" } });
    expect((await login()).body.result).toBe("SUCCESS");
    expect(await storedPasswordHash(user.id)).toContain("$k=p2$");
    // Upgraded: it no longer needs the old pepper.
    await redeployUserObject(user.id, { PASSWORD_PEPPER: NEW_PEPPER });
    const again = await callJson("POST", "/api/v1/login", {
      token: w.token,
      env: { PASSWORD_PEPPER: NEW_PEPPER },
      body: { tenantId: w.tenantId, email: "rotate-pepper@example.com", password: "pepper password 1" },
    });
    expect(again.body.result).toBe("SUCCESS");
  });
});

describe("rotating JWT_SIGNING_KEY", () => {
  async function newSigningKey(kid: string): Promise<JWK> {
    const { privateKey } = await generateKeyPair("ES256", { extractable: true });
    return { ...(await exportJWK(privateKey)), kid, alg: "ES256" };
  }

  it("publishes current and previous keys; tokens of the previous key verify until they expire; new tokens use the new kid", async () => {
    const w = await world();
    const oldKey = JSON.parse(TEST_SECRETS.JWT_SIGNING_KEY) as JWK;
    const next = await newSigningKey("test-es256-2");
    const rotated = { JWT_SIGNING_KEY: JSON.stringify([next, oldKey]) };

    const jwks = await callJson<{ keys: JWK[] }>("GET", "/.well-known/jwks.json", { env: rotated });
    expect(jwks.body.keys.map((k) => k.kid)).toEqual(["test-es256-2", oldKey.kid]);
    for (const k of jwks.body.keys) expect(k).not.toHaveProperty("d");

    // w.token was signed by the old key before the rotation.
    expect(decodeProtectedHeader(w.token).kid).toBe(oldKey.kid);
    expect((await call("GET", `/api/v1/tenants/${w.tenantId}`, { token: w.token, env: rotated })).status).toBe(200);

    const fresh = await tokenRequest({ id: w.clientId, secret: w.clientSecret }, { grant_type: "client_credentials" }, rotated);
    const accessToken = ((await fresh.json()) as { access_token: string }).access_token;
    expect(decodeProtectedHeader(accessToken).kid).toBe("test-es256-2");
    expect((await call("GET", `/api/v1/tenants/${w.tenantId}`, { token: accessToken, env: rotated })).status).toBe(200);

    // Once the previous key is dropped, its tokens stop verifying.
    const dropped = { JWT_SIGNING_KEY: JSON.stringify(next) };
    expect((await call("GET", `/api/v1/tenants/${w.tenantId}`, { token: w.token, env: dropped })).status).toBe(401);
    expect((await call("GET", `/api/v1/tenants/${w.tenantId}`, { token: accessToken, env: dropped })).status).toBe(200);
  });
});
