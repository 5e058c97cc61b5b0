// The audit trail of logins, admin reset links and users' creation and deletion: who, on what,
// from where; never the password, the email typed, or a code.
import { describe, expect, it } from "vitest";
import { ADMIN, callJson } from "../support/api";
import { createUser, world } from "../support/fixtures";
import { CLIENT_HEADERS, expectNoSecretInAuditRows, waitForAuditEvents } from "../support/audit";
import { adminLinkCode } from "../support/reset";

const PASSWORD = "first password 1";
const WRONG = "wrong password 9";

describe("the audit trail of logins", () => {
  it("records a login's success with its session, and every failure alike, never the password or the email typed", async () => {
    const w = await world();
    const ann = await createUser(w, "ann-login@example.com", PASSWORD);
    const inactive = await callJson("POST", "/api/v1/users", {
      token: w.token,
      body: { tenantId: w.tenantId, email: "ivy-login@example.com", password: PASSWORD, status: "INACTIVE" },
    });
    expect(inactive.status).toBe(201);
    const login = (email: string, password: string) =>
      callJson("POST", "/api/v1/login", { token: w.token, headers: CLIENT_HEADERS, body: { tenantId: w.tenantId, email, password } });

    const ok = await login(ann.email, PASSWORD);
    expect(ok.body.result).toBe("SUCCESS");
    const [succeeded] = await waitForAuditEvents(w.applicationId, w.token, "login.succeeded");
    expect(succeeded).toMatchObject({
      applicationId: w.applicationId,
      tenantId: w.tenantId,
      userId: ann.id,
      actor: { kind: "client", id: w.clientId },
      ip: "203.0.113.7",
      userAgent: "audit-spec/1.0",
      requestId: ok.res.headers.get("X-Request-Id"),
      detail: { sessionId: ok.body.sessionId },
    });

    for (const [email, password] of [[ann.email, WRONG], ["ivy-login@example.com", PASSWORD], ["nobody-login@example.com", WRONG]] as const) {
      expect((await login(email, password)).body.result).toBe("INVALID_CREDENTIALS");
    }
    const failed = await waitForAuditEvents(w.applicationId, w.token, "login.failed", 3);
    expect(failed).toHaveLength(3);
    // The same detail whatever went wrong; an unknown address names no user.
    for (const e of failed) {
      expect(e).toMatchObject({ tenantId: w.tenantId, actor: { kind: "client", id: w.clientId }, detail: { reason: "INVALID_CREDENTIALS" } });
      expect(Object.keys(e.detail)).toEqual(["reason"]);
    }
    expect(failed.map((e) => e.userId).sort()).toEqual([ann.id, inactive.body.id, null].sort());
    await expectNoSecretInAuditRows([PASSWORD, WRONG, ann.email, "ivy-login@example.com", "nobody-login@example.com"]);
  });
});

describe("the audit trail of admin reset links and users", () => {
  it("records an admin reset link's creation, without its code", async () => {
    const w = await world();
    const user = await createUser(w, "linked@example.com", PASSWORD);
    const code = await adminLinkCode(w, user.id);
    const [created] = await waitForAuditEvents(w.applicationId, w.token, "password_reset.link_created");
    expect(created).toMatchObject({ tenantId: w.tenantId, userId: user.id, actor: { kind: "client", id: w.clientId } });
    expect(Date.parse(created!.detail.expiresAt as string)).toBeGreaterThan(Date.now());
    await expectNoSecretInAuditRows([code, user.email]);
  });

  it("records a user's creation, by a client or the admin, without the email, and the deletion", async () => {
    const w = await world();
    const byClient = await createUser(w, "created@example.com", PASSWORD);
    const byAdmin = await callJson("POST", "/api/v1/users", { token: ADMIN, body: { tenantId: w.tenantId, email: "admin-made@example.com" } });
    expect(byAdmin.status).toBe(201);
    const created = await waitForAuditEvents(w.applicationId, w.token, "user.created", 2);
    expect(created.find((e) => e.userId === byClient.id)).toMatchObject({
      tenantId: w.tenantId,
      actor: { kind: "client", id: w.clientId },
      detail: { status: "ACTIVE", passwordSet: true },
    });
    expect(created.find((e) => e.userId === byAdmin.body.id)).toMatchObject({ actor: { kind: "admin" }, detail: { status: "ACTIVE", passwordSet: false } });

    expect((await callJson("DELETE", `/api/v1/users/${byClient.id}`, { token: w.token })).status).toBe(204);
    const [deleted] = await waitForAuditEvents(w.applicationId, w.token, "user.deleted");
    expect(deleted).toMatchObject({ userId: byClient.id, actor: { kind: "client", id: w.clientId } });
    await expectNoSecretInAuditRows([PASSWORD, "created@example.com", "admin-made@example.com"]);
  });
});
