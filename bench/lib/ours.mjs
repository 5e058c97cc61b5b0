// The service's side of the bench: provisioning through its public API (and the dev-only bench
// routes for bulk rows), and one function per measured call that checks the answer it got.
import { expectStatus, postForm, postJson, request } from "./http.mjs";

const PERMISSIONS = [
  "password-reset-workflow:execute",
  "login:execute",
  "user:write",
  "application:write",
  "user:read",
  "tenant:read",
  "tenant:write",
];

export class Ours {
  constructor(base, adminToken) {
    this.base = base;
    this.admin = { authorization: `Bearer ${adminToken}` };
  }

  async provision(name) {
    const app = expectStatus(await postJson(`${this.base}/api/v1/applications`, { name }, this.admin), 201, "application").json();
    const tenant = expectStatus(await postJson(`${this.base}/api/v1/tenants`, { applicationId: app.id, name: `${name}-tenant` }, this.admin), 201, "tenant").json();
    const client = expectStatus(
      await postJson(`${this.base}/api/v1/applications/${app.id}/clients`, { name: `${name}-backend`, permissions: PERMISSIONS }, this.admin),
      201,
      "client",
    ).json();
    this.applicationId = app.id;
    this.tenantId = tenant.id;
    this.basic = { authorization: `Basic ${Buffer.from(`${client.id}:${client.clientSecret}`).toString("base64")}` };
    // The bench asks for resets of its 64 known users many times a minute: without this, the
    // per-address limit would hold most of them, and known emails would measure less work.
    const policy = { resetEmailCooldownSeconds: 0, resetEmailsPerWindow: 20 };
    const patched = await request(`${this.base}/api/v1/tenants/${tenant.id}/password-reset-policy`, {
      method: "PATCH",
      headers: { ...this.admin, "content-type": "application/json" },
      body: JSON.stringify(policy),
    });
    expectStatus(patched, 200, "policy");
    await this.refreshClientToken();
    // The breached-password check (on by default) asks Have I Been Pwned on every new password: an
    // outside service, unreachable here, and one the peer does not call. The bench turns it off.
    const off = await request(`${this.base}/api/v1/applications/${app.id}/password-reset-policy`, {
      method: "PATCH",
      headers: { "content-type": "application/json", ...this.bearer },
      body: JSON.stringify({ checkBreachedPasswords: false }),
    });
    expectStatus(off, 200, "policy: checkBreachedPasswords off");
  }

  /** A fresh 15-minute M2M token; the bench takes a new one before each phase. */
  async refreshClientToken() {
    const res = expectStatus(await postForm(`${this.base}/api/v1/oauth2/token`, { grant_type: "client_credentials" }, this.basic), 200, "token");
    this.bearer = { authorization: `Bearer ${res.json().access_token}` };
  }

  /**
   * Users `<prefix>-<i>@bench.invalid` with one password (dev-only route: one derivation for all),
   * each with an admin reset code issued by the service's own workflow if asked.
   */
  async users(prefix, count, password, { withResetCodes = false } = {}) {
    const res = await postJson(`${this.base}/dev/bench/${this.tenantId}/users`, { prefix, count, password, withResetCodes }, this.admin);
    return expectStatus(res, 201, "bench users").json().users;
  }

  async filler(rows) {
    expectStatus(await postJson(`${this.base}/dev/bench/${this.tenantId}/filler`, rows, this.admin), 204, "filler rows");
  }

  async sessions(userId, count) {
    expectStatus(await postJson(`${this.base}/dev/bench/users/${userId}/sessions`, { count }, this.admin), 204, "bench sessions");
  }

  /** An admin reset link's passwordResetCode, issued through the API. */
  async resetCode(userId) {
    const res = expectStatus(await postJson(`${this.base}/api/v1/password-reset/create-password-reset-link`, { userId }, this.bearer), 200, "reset link");
    return new URL(res.json().passwordResetLink).searchParams.get("passwordResetCode");
  }

  async reset(code, newPassword) {
    const res = await postJson(`${this.base}/api/v1/password-reset/reset-password`, { passwordResetCode: code, newPassword }, this.bearer);
    const body = expectStatus(res, 200, "reset-password").json();
    if (body.result !== "PASSWORD_UPDATED") throw new Error(`reset-password: ${body.result}`);
  }

  async requestReset(email) {
    const res = await postJson(`${this.base}/api/v1/password-reset/request-password-reset`, { tenantId: this.tenantId, email }, this.bearer);
    expectStatus(res, 200, "request-password-reset");
  }

  /** Login; `expect` is SUCCESS or INVALID_CREDENTIALS. Returns the tokens on success. */
  async login(email, password, expect) {
    const res = await postJson(`${this.base}/api/v1/login`, { tenantId: this.tenantId, email, password }, this.bearer);
    const body = expectStatus(res, 200, "login").json();
    if (body.result !== expect) throw new Error(`login: ${body.result}, expected ${expect}`);
    return body;
  }

  async refresh(refreshToken) {
    const res = await postForm(`${this.base}/api/v1/oauth2/token`, { grant_type: "refresh_token", refresh_token: refreshToken }, this.basic);
    return expectStatus(res, 200, "refresh").json().refresh_token;
  }

  async introspect(token) {
    const res = await postForm(`${this.base}/api/v1/oauth2/introspect`, { token }, this.basic);
    if (!expectStatus(res, 200, "introspect").json().active) throw new Error("introspect: inactive");
  }

  async jwks() {
    expectStatus(await request(`${this.base}/.well-known/jwks.json`), 200, "jwks");
  }
}

export class Floor {
  constructor(base) {
    this.base = base;
  }

  async derive() {
    expectStatus(await request(`${this.base}/derive`, { method: "POST" }), 200, "derive");
  }

  async empty() {
    expectStatus(await request(`${this.base}/`), 200, "empty Worker");
  }
}

export class Peer {
  constructor(base) {
    this.base = base;
    this.origin = { origin: base };
  }

  async hash() {
    expectStatus(await request(`${this.base}/bench/hash`, { method: "POST" }), 200, "peer hash");
  }

  async users(prefix, n, password) {
    const q = new URLSearchParams({ prefix, n: String(n), password });
    return expectStatus(await request(`${this.base}/bench/users?${q}`, { method: "POST" }), 201, "peer users").json().emails;
  }

  async requestReset(email) {
    const res = await postJson(`${this.base}/api/auth/request-password-reset`, { email, redirectTo: `${this.base}/reset` }, this.origin);
    expectStatus(res, 200, "peer request-password-reset");
  }

  async token(email) {
    return expectStatus(await request(`${this.base}/bench/token?${new URLSearchParams({ email })}`), 200, "peer token").json().token;
  }

  async reset(token, newPassword) {
    const res = await postJson(`${this.base}/api/auth/reset-password`, { token, newPassword }, this.origin);
    expectStatus(res, 200, "peer reset-password");
  }

  async login(email, password, expectOk) {
    const res = await postJson(`${this.base}/api/auth/sign-in/email`, { email, password }, this.origin);
    expectStatus(res, expectOk ? 200 : 401, "peer sign-in");
  }
}
