// Issue 17 item 5: a tenant's policy says where its users' Durable Objects are made
// (`userObjectLocation`: a location hint, or the `eu` jurisdiction). The jurisdiction is recorded
// with the user at creation, so every later call finds the same object whatever the policy says
// then. Local workerd has no jurisdictions: see test/support/jurisdictions.ts for what is emulated.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { call, callJson } from "../../support/api";
import { subjectOf } from "../../support/address-object";
import { databaseOfId } from "../../support/shards";
import { type World, world } from "../../support/fixtures";
import { emulatedId, placedObjects } from "../../support/jurisdictions";
import { emailAuthCodeOf, waitForMail } from "../../support/mailbox";
import { queueConsumedWith } from "../../support/email-queue";

const OLD = "the old password";
const NEW = "a brand new password";
const POLICY = (w: World) => `/api/v1/tenants/${w.tenantId}/password-reset-policy`;

type Placed = ReturnType<typeof placedObjects>;

async function setLocation(w: World, placed: Placed, userObjectLocation: string | null) {
  const res = await callJson("PATCH", POLICY(w), { token: w.token, body: { userObjectLocation }, env: placed.env });
  expect(res.status).toBe(200);
  return res.body;
}

async function createUser(w: World, placed: Placed, email: string) {
  const res = await callJson("POST", "/api/v1/users", { token: w.token, body: { tenantId: w.tenantId, email, password: OLD }, env: placed.env });
  expect(res.status).toBe(201);
  return res.body as { id: string };
}

const login = (w: World, placed: Placed, email: string, password: string) =>
  callJson("POST", "/api/v1/login", { token: w.token, body: { tenantId: w.tenantId, email, password }, env: placed.env });

function oauth(w: World, placed: Placed, path: string, params: Record<string, string>) {
  return call("POST", `/api/v1/oauth2/${path}`, {
    env: placed.env,
    body: new URLSearchParams(params).toString(),
    headers: { "Content-Type": "application/x-www-form-urlencoded", Authorization: `Basic ${btoa(`${w.clientId}:${w.clientSecret}`)}` },
  });
}

/** The credential version the real object behind `name` in `jurisdiction` holds; null: never initialised. */
function credentialVersionIn(userId: string, jurisdiction: string | null) {
  return env.USERS.get(emulatedId(env.USERS, userId, jurisdiction)).credentialVersion();
}

const objectJurisdictionOf = async (userId: string) =>
  (await databaseOfId(userId).prepare("SELECT object_jurisdiction AS j FROM users WHERE id = ?").bind(userId).first<{ j: string | null }>())!.j;

describe("userObjectLocation", () => {
  it("eu: the user's object is made in the eu jurisdiction, and login, refresh, introspection, revocation, both resets and Change Password reach that same object", async () => {
    const w = await world("eu-tenant");
    const placed = placedObjects();
    expect((await setLocation(w, placed, "eu")).userObjectLocation).toBe("eu");
    const user = await createUser(w, placed, "eu@example.com");

    // The object exists in the eu jurisdiction only; the plain namespace's object of the same name was never made.
    expect(await credentialVersionIn(user.id, "eu")).toEqual(expect.any(Number));
    expect(await credentialVersionIn(user.id, null)).toBeNull();
    expect(await objectJurisdictionOf(user.id)).toBe("eu");

    const session = await login(w, placed, "eu@example.com", OLD);
    expect(session.body.result).toBe("SUCCESS");
    const refreshed = await oauth(w, placed, "token", { grant_type: "refresh_token", refresh_token: session.body.refreshToken });
    expect(refreshed.status).toBe(200);
    const tokens = (await refreshed.json()) as { access_token: string; refresh_token: string };
    // Introspection checks the access token's session in the object, from the token alone.
    expect(((await (await oauth(w, placed, "introspect", { token: tokens.access_token })).json()) as { active: boolean }).active).toBe(true);
    expect(((await (await oauth(w, placed, "introspect", { token: tokens.refresh_token })).json()) as { active: boolean }).active).toBe(true);
    expect((await oauth(w, placed, "revoke", { token: tokens.access_token })).status).toBe(200);
    expect(((await (await oauth(w, placed, "introspect", { token: tokens.access_token })).json()) as { active: boolean }).active).toBe(false);

    // An admin link, then an emailed link (the queue consumer runs with the same namespaces).
    const link = await callJson("POST", "/api/v1/password-reset/create-password-reset-link", { token: w.token, body: { userId: user.id }, env: placed.env });
    const passwordResetCode = new URL(link.body.passwordResetLink).searchParams.get("passwordResetCode")!;
    const byAdmin = await callJson("POST", "/api/v1/password-reset/reset-password", { token: w.token, body: { passwordResetCode, newPassword: NEW }, env: placed.env });
    expect(byAdmin.body.result).toBe("PASSWORD_UPDATED");
    const withQueue = { ...placed.env, EMAIL_QUEUE: queueConsumedWith(placed.env) };
    expect((await callJson("POST", "/api/v1/password-reset/request-password-reset", { token: w.token, body: { tenantId: w.tenantId, email: "eu@example.com" }, env: withQueue })).status).toBe(200);
    const emailAuthCode = emailAuthCodeOf(await waitForMail("eu@example.com", "PASSWORD_RESET_LINK"));
    const byEmail = await callJson("POST", "/api/v1/password-reset/reset-password", { token: w.token, body: { emailAuthCode, newPassword: OLD }, env: withQueue });
    expect(byEmail.body.result).toBe("PASSWORD_UPDATED");
    // Change Password with the end user's own token: the token's session is checked in the same object.
    const fresh = await login(w, placed, "eu@example.com", OLD);
    expect(fresh.body.result).toBe("SUCCESS");
    const changed = await callJson("POST", "/api/v1/change-password", { token: fresh.body.accessToken, body: { userId: user.id, currentPassword: OLD, newPassword: NEW }, env: placed.env });
    expect(changed.body.result).toBe("PASSWORD_UPDATED");
    expect((await login(w, placed, "eu@example.com", NEW)).body.result).toBe("SUCCESS");

    const mine = placed.userGets.filter((g) => g.name === user.id);
    expect(mine.length).toBeGreaterThan(8);
    expect(mine.filter((g) => g.jurisdiction !== "eu")).toEqual([]);
    // The eu jurisdiction chooses where in the EU; no hint goes with it.
    expect(mine.filter((g) => g.locationHint !== undefined)).toEqual([]);
  });

  it("eu: the tenant's address counters are kept in the eu jurisdiction too", async () => {
    const w = await world("eu-addresses");
    const placed = placedObjects();
    await setLocation(w, placed, "eu");
    expect((await callJson("POST", "/api/v1/password-reset/request-password-reset", { token: w.token, body: { tenantId: w.tenantId, email: "nobody@example.com" }, env: placed.env })).status).toBe(200);
    expect((await login(w, placed, "nobody@example.com", "a wrong password")).body.result).toBe("INVALID_CREDENTIALS");
    expect(placed.addressGets.length).toBe(2);
    expect(placed.addressGets.filter((g) => g.jurisdiction !== "eu")).toEqual([]);
  });

  it("a location hint goes with the call that makes the user's object, in the plain namespace; address objects get it on every call", async () => {
    const w = await world("weur-tenant");
    const placed = placedObjects();
    expect((await setLocation(w, placed, "weur")).userObjectLocation).toBe("weur");
    const user = await createUser(w, placed, "weur@example.com");
    expect(placed.userGets).toEqual([{ name: user.id, jurisdiction: null, locationHint: "weur" }]);
    expect(await objectJurisdictionOf(user.id)).toBeNull();
    // Once made, the object is found without the hint, with the service's real bindings.
    expect((await callJson("POST", "/api/v1/login", { token: w.token, body: { tenantId: w.tenantId, email: "weur@example.com", password: OLD } })).body.result).toBe("SUCCESS");
    expect((await login(w, placed, "nobody@example.com", "a wrong password")).body.result).toBe("INVALID_CREDENTIALS");
    // The creation's claim and its confirmation, then the unknown address's login.
    const claimed = { name: await subjectOf(w.tenantId, "weur@example.com"), jurisdiction: null, locationHint: "weur" };
    expect(placed.addressGets).toEqual([claimed, claimed, { name: await subjectOf(w.tenantId, "nobody@example.com"), jurisdiction: null, locationHint: "weur" }]);
  });

  it("is absent by default; an unknown value is a 400 naming the field; null inherits again", async () => {
    const w = await world("bad-location");
    const placed = placedObjects();
    expect((await callJson("GET", POLICY(w), { token: w.token })).body.userObjectLocation).toBeNull();
    for (const bad of ["mars", "EU", "us", "fedramp", "", 3]) {
      const res = await callJson("PATCH", POLICY(w), { token: w.token, body: { userObjectLocation: bad } });
      expect(res.status).toBe(400);
      expect(res.body.violations).toHaveProperty("userObjectLocation");
    }
    await setLocation(w, placed, "apac");
    expect((await setLocation(w, placed, null)).userObjectLocation).toBeNull();

    const doc = (await callJson("GET", "/api/v1/openapi.json")).body;
    const field = doc.components.schemas.PasswordResetPolicyPatch.properties.userObjectLocation;
    // The PATCH body takes null as well (inherit).
    const values = (field.anyOf ?? [field]).flatMap((s: { enum?: (string | null)[] }) => s.enum ?? []).filter((v: string | null) => v !== null);
    expect(values).toEqual(["wnam", "enam", "sam", "weur", "eeur", "apac", "oc", "afr", "me", "eu"]);
    expect(field.description).toContain("applies to users created afterwards");
  });

  it("with local workerd's own namespace, which has no jurisdictions, an eu tenant's user creation answers 503 and leaves no user behind", async () => {
    const w = await world("eu-local");
    await setLocation(w, placedObjects(), "eu");
    const res = await callJson("POST", "/api/v1/users", { token: w.token, body: { tenantId: w.tenantId, email: "local@example.com", password: OLD } });
    expect(res.status).toBe(503);
    expect((await callJson("GET", `/api/v1/tenants/${w.tenantId}/users?email=local@example.com`, { token: w.token })).body.items).toEqual([]);
  });

  it("changing it later moves no one: existing users keep their objects, new users get the new place", async () => {
    const w = await world("moving");
    const placed = placedObjects();
    const plain = await createUser(w, placed, "before@example.com");
    await setLocation(w, placed, "eu");
    const eu = await createUser(w, placed, "after@example.com");
    await setLocation(w, placed, "enam");
    const later = await createUser(w, placed, "later@example.com");
    await setLocation(w, placed, null);

    expect([await objectJurisdictionOf(plain.id), await objectJurisdictionOf(eu.id), await objectJurisdictionOf(later.id)]).toEqual([null, "eu", null]);
    for (const email of ["before@example.com", "after@example.com", "later@example.com"]) {
      const session = await login(w, placed, email, OLD);
      expect(session.body.result).toBe("SUCCESS");
      expect((await oauth(w, placed, "token", { grant_type: "refresh_token", refresh_token: session.body.refreshToken })).status).toBe(200);
    }
    expect(placed.userGets.filter((g) => g.name === eu.id && g.jurisdiction !== "eu")).toEqual([]);
    expect(placed.userGets.filter((g) => g.name !== eu.id && g.jurisdiction !== null)).toEqual([]);
    expect(await credentialVersionIn(eu.id, null)).toBeNull();
  });
});
