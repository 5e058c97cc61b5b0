// The audit trail: each security event is appended with who acted, on what, from where and in
// which request, and never with a secret.
import { describe, expect, it } from "vitest";
import { ADMIN, callJson } from "../support/api";
import { type World, clientToken, createUser, world } from "../support/fixtures";
import { CLIENT_HEADERS, expectNoSecretInAuditRows, waitForAuditEvents } from "../support/audit";
import { emailAuthCodeOf, waitForMail, verificationCodeOf } from "../support/mailbox";
import { adminLinkCode, RESET, setStrategy } from "../support/reset";
import { loginOk } from "../support/sessions";
import { DEAD_LETTER_QUEUE, consume, recordingQueue } from "../support/email-queue";
import { setPolicy, wrongCode } from "../support/codes";

/** A client with just these permissions: its id and token. */
async function scopedClient(w: World, permissions: string[]) {
  const res = await callJson("POST", `/api/v1/applications/${w.applicationId}/clients`, { token: ADMIN, body: { name: "scoped", permissions } });
  return { id: res.body.id as string, token: await clientToken(res.body.id, res.body.clientSecret) };
}

const PASSWORD = "first password 1";
const NEW_PASSWORD = "second password 2";
const CHANGED_PASSWORD = "third password 3";

describe("the audit trail", () => {
  it("records a reset request, whether it queued an email, with actor, application, tenant, user, IP, user agent and request id", async () => {
    const w = await world();
    const user = await createUser(w, "requester@example.com", PASSWORD);
    const request = (email: string) =>
      callJson("POST", "/api/v1/password-reset/request-password-reset", { token: w.token, headers: CLIENT_HEADERS, body: { tenantId: w.tenantId, email } });
    const known = await request(user.email);
    await request("nobody@example.com");
    const events = await waitForAuditEvents(w.applicationId, w.token, "password_reset.requested", 2);
    const forUser = events.find((e) => e.userId === user.id);
    expect(forUser).toMatchObject({
      tenantId: w.tenantId,
      actor: { kind: "client", id: w.clientId },
      ip: "203.0.113.7",
      userAgent: "audit-spec/1.0",
      requestId: known.res.headers.get("X-Request-Id"),
      detail: { strategy: "LINK", outcome: "email_queued" },
    });
    expect(events.find((e) => e.userId === null)).toMatchObject({ tenantId: w.tenantId, detail: { outcome: "no_email" } });
    // The trail does not keep the address someone typed.
    await expectNoSecretInAuditRows(["nobody@example.com", "requester@example.com", emailAuthCodeOf(await waitForMail(user.email, "PASSWORD_RESET_LINK"))]);
  });

  it("records a reset request whose email job ended in the dead-letter queue without ever finding its user, with the user, and keeps one event per request", async () => {
    const w = await world();
    const user = await createUser(w, "dead-letter-requester@example.com", PASSWORD);
    const queue = recordingQueue(false);
    const res = await callJson("POST", "/api/v1/password-reset/request-password-reset", { token: w.token, headers: CLIENT_HEADERS, body: { tenantId: w.tenantId, email: user.email }, env: { EMAIL_QUEUE: queue.binding } });
    expect(res.status).toBe(200);
    // The job's event rides on it (never the address in the event); the dead-letter consumer records it.
    const job = queue.jobs[0]!;
    expect(job.kind === "PASSWORD_RESET" && job.requested).toMatchObject({ type: "password_reset.requested", userId: null, requestId: res.res.headers.get("X-Request-Id") });
    expect(JSON.stringify(job.kind === "PASSWORD_RESET" && job.requested)).not.toContain(user.email);
    expect((await consume(job, { queue: DEAD_LETTER_QUEUE })).explicitAcks).toHaveLength(1);
    const [event] = await waitForAuditEvents(w.applicationId, w.token, "password_reset.requested", 1);
    expect(event).toMatchObject({ userId: user.id, actor: { kind: "client", id: w.clientId }, ip: "203.0.113.7", detail: { strategy: "LINK", outcome: "email_queued", deliveryId: job.id } });
    // Delivered once more, and dead-lettered again: the trail keeps the one event (one id).
    expect((await consume(job)).retryMessages).toEqual([]);
    expect((await consume(job, { queue: DEAD_LETTER_QUEUE })).explicitAcks).toHaveLength(1);
    await new Promise((r) => setTimeout(r, 1500));
    expect(await waitForAuditEvents(w.applicationId, w.token, "password_reset.requested", 1)).toHaveLength(1);
  });

  it("records a reset's failures with their reasons, the OTP lockout and the success, with actor, application, tenant, user, IP, user agent and request id", async () => {
    const w = await world();
    await setStrategy(w, "OTP", { otpMaxAttempts: 2, otpLength: 10 });
    const user = await createUser(w, "audited@example.com", PASSWORD);
    const headers = CLIENT_HEADERS;

    const requested = await callJson("POST", "/api/v1/password-reset/request-password-reset", { token: w.token, headers, body: { tenantId: w.tenantId, email: user.email } });
    const requestCode: string = requested.body.requestCode;
    const verificationCode = verificationCodeOf(await waitForMail(user.email, "PASSWORD_RESET_OTP"));
    // The host backend asserts its end user's address (its client holds end-user-ip:assert): that is the IP recorded.
    const guess = (code: string) =>
      callJson("POST", RESET, { token: w.token, headers: { ...headers, "X-End-User-IP": "198.51.100.23" }, body: { requestCode, verificationCode: code, newPassword: NEW_PASSWORD } });
    const firstWrong = await guess(wrongCode(verificationCode));
    await guess(wrongCode(verificationCode));
    expect((await guess(verificationCode)).body.result).toBe("TOO_MANY_ATTEMPTS");

    const [locked] = await waitForAuditEvents(w.applicationId, w.token, "otp.locked");
    expect(locked).toMatchObject({
      applicationId: w.applicationId,
      tenantId: w.tenantId,
      userId: user.id,
      actor: { kind: "client", id: w.clientId },
      ip: "198.51.100.23",
      userAgent: "audit-spec/1.0",
    });
    const failed = await waitForAuditEvents(w.applicationId, w.token, "password_reset.failed", 3);
    expect(failed.map((e) => e.detail.reason).sort()).toEqual(["INVALID_CODE", "INVALID_CODE", "TOO_MANY_ATTEMPTS"]);
    expect(failed.map((e) => e.requestId)).toContain(firstWrong.res.headers.get("X-Request-Id"));
    for (const e of failed) expect(e).toMatchObject({ userId: user.id, tenantId: w.tenantId, actor: { kind: "client", id: w.clientId } });

    const passwordResetCode = await adminLinkCode(w, user.id);
    const tooShort = await callJson("POST", RESET, { token: w.token, headers, body: { passwordResetCode, newPassword: "shortpw" } });
    expect(tooShort.body.result).toBe("PASSWORD_POLICY_VIOLATION");
    const done = await callJson("POST", RESET, { token: w.token, headers, body: { passwordResetCode, newPassword: NEW_PASSWORD } });
    expect(done.body.result).toBe("PASSWORD_UPDATED");
    const [succeeded] = await waitForAuditEvents(w.applicationId, w.token, "password_reset.succeeded");
    expect(succeeded).toMatchObject({
      userId: user.id,
      tenantId: w.tenantId,
      actor: { kind: "client", id: w.clientId },
      ip: "203.0.113.7",
      requestId: done.res.headers.get("X-Request-Id"),
      detail: { method: "ADMIN_LINK" },
    });
    expect(Date.parse(succeeded!.occurredAt)).toBeGreaterThan(Date.now() - 60_000);
    expect((await waitForAuditEvents(w.applicationId, w.token, "password_reset.failed", 4)).map((e) => e.detail.reason)).toContain("PASSWORD_POLICY_VIOLATION");

    await expectNoSecretInAuditRows([PASSWORD, NEW_PASSWORD, "shortpw", requestCode, verificationCode, wrongCode(verificationCode), passwordResetCode, w.token, w.clientSecret]);
  });

  it("records client creation, policy changes, a password change, revoked sessions, deactivation and deletion, each by its actor", async () => {
    const w = await world();
    const [created] = await waitForAuditEvents(w.applicationId, w.token, "client.created");
    expect(created).toMatchObject({ actor: { kind: "admin" }, detail: { clientId: w.clientId } });

    await setStrategy(w, "LINK", { passwordMinLength: 10 });
    const [policy] = await waitForAuditEvents(w.applicationId, w.token, "policy.changed");
    expect(policy).toMatchObject({ tenantId: w.tenantId, actor: { kind: "client", id: w.clientId }, detail: { level: "tenant", fields: ["emailVerificationStrategy", "passwordMinLength"] } });

    const user = await createUser(w, "changer@example.com", PASSWORD);
    const session = await loginOk(w, user.email, PASSWORD);
    const changed = await callJson("POST", "/api/v1/change-password", {
      token: session.accessToken,
      headers: CLIENT_HEADERS,
      body: { userId: user.id, currentPassword: PASSWORD, newPassword: CHANGED_PASSWORD },
    });
    expect(changed.body.result).toBe("PASSWORD_UPDATED");
    const [passwordChanged] = await waitForAuditEvents(w.applicationId, w.token, "password.changed");
    expect(passwordChanged).toMatchObject({ userId: user.id, actor: { kind: "user", id: user.id }, userAgent: "audit-spec/1.0" });

    const again = await loginOk(w, user.email, CHANGED_PASSWORD);
    // A client without end-user-ip:assert cannot put an address of its choosing into the trail.
    const revoker = await scopedClient(w, ["refresh-token:revoke"]);
    const revokeHeaders = { ...CLIENT_HEADERS, "X-End-User-IP": "198.51.100.99" };
    expect((await callJson("POST", `/api/v1/users/${user.id}/sessions/revoke`, { token: revoker.token, headers: revokeHeaders })).status).toBe(204);
    const [revoked] = await waitForAuditEvents(w.applicationId, w.token, "sessions.revoked");
    expect(revoked).toMatchObject({ userId: user.id, actor: { kind: "client", id: revoker.id }, ip: "203.0.113.7", detail: { scope: "sessions" } });

    expect((await callJson("PATCH", `/api/v1/users/${user.id}`, { token: w.token, body: { status: "INACTIVE" } })).status).toBe(200);
    expect((await callJson("DELETE", `/api/v1/users/${user.id}`, { token: w.token })).status).toBe(204);
    expect((await waitForAuditEvents(w.applicationId, w.token, "user.deactivated"))[0]).toMatchObject({ userId: user.id, tenantId: w.tenantId });
    // The trail outlives the user: the deletion stays readable at the application.
    expect((await waitForAuditEvents(w.applicationId, w.token, "user.deleted"))[0]).toMatchObject({ userId: user.id, tenantId: w.tenantId });

    await expectNoSecretInAuditRows([PASSWORD, CHANGED_PASSWORD, session.accessToken, session.refreshToken, again.refreshToken, w.clientSecret]);
  });

  it("records wrong passwords over the policy's threshold, at login and at Change Password, without the password", async () => {
    const w = await world();
    await setPolicy(w, { passwordFailuresBeforeDelay: 1 });
    const user = await createUser(w, "guessed@example.com", PASSWORD);
    const session = await loginOk(w, user.email, PASSWORD);
    const attempt = () => callJson("POST", "/api/v1/login", { token: w.token, headers: CLIENT_HEADERS, body: { tenantId: w.tenantId, email: user.email, password: "a wrong guess 1" } });
    expect((await attempt()).body.result).toBe("INVALID_CREDENTIALS");
    const refused = await attempt();
    expect(refused.status).toBe(429);
    const [exceeded] = await waitForAuditEvents(w.applicationId, w.token, "password_failures.exceeded");
    expect(exceeded).toMatchObject({
      userId: user.id,
      tenantId: w.tenantId,
      actor: { kind: "client", id: w.clientId },
      ip: "203.0.113.7",
      requestId: refused.res.headers.get("X-Request-Id"),
      detail: { via: "login", resetRequired: false },
    });
    // Change Password's current password counts in the same row of failures.
    const change = await callJson("POST", "/api/v1/change-password", {
      token: session.accessToken,
      body: { userId: user.id, currentPassword: "another wrong guess", newPassword: CHANGED_PASSWORD },
    });
    expect(change.status).toBe(429);
    const [viaChange] = await waitForAuditEvents(w.applicationId, w.token, "password_failures.exceeded", 2);
    expect(viaChange).toMatchObject({ userId: user.id, actor: { kind: "user", id: user.id }, detail: { via: "change_password" } });
    await expectNoSecretInAuditRows(["a wrong guess 1", "another wrong guess", PASSWORD, CHANGED_PASSWORD, session.accessToken]);
  });
});
