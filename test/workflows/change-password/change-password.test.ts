// Change Password: the signed-in user's own access token, the current password, the same password
// policy as a reset, and the same consequences: every session revoked, a Password Updated email,
// and every outstanding reset code dead.
import { describe, expect, it } from "vitest";
import { callJson } from "../../support/api";
import { type World, createUser, world } from "../../support/fixtures";
import { mailbox, waitForMail } from "../../support/mailbox";
import { adminLinkCode, reset } from "../../support/reset";
import { introspect, login, loginOk, refresh } from "../../support/sessions";

const OLD = "old password 1";
const NEW = "a new good password";

function changePassword(token: string, body: Record<string, unknown>) {
  return callJson("POST", "/api/v1/change-password", { token, body });
}

async function signedIn(w: World, email: string) {
  const user = await createUser(w, email, OLD);
  const session = await loginOk(w, email, OLD);
  return { user, session };
}

describe("with the user's own access token", () => {
  it("updates the password: PASSWORD_UPDATED, the old password fails at login and the new works", async () => {
    const w = await world();
    const { user, session } = await signedIn(w, "change@example.com");
    const res = await changePassword(session.accessToken, { userId: user.id, currentPassword: OLD, newPassword: NEW });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ result: "PASSWORD_UPDATED", userId: user.id, tenantId: w.tenantId });
    expect((await login(w, "change@example.com", OLD)).body).toEqual({ result: "INVALID_CREDENTIALS" });
    expect((await login(w, "change@example.com", NEW)).body.result).toBe("SUCCESS");
  });

  it("answers INVALID_CURRENT_PASSWORD for a wrong currentPassword and changes nothing", async () => {
    const w = await world();
    const { user, session } = await signedIn(w, "wrong-current@example.com");
    const res = await changePassword(session.accessToken, { userId: user.id, currentPassword: "not my password", newPassword: NEW });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ result: "INVALID_CURRENT_PASSWORD" });
    expect((await login(w, "wrong-current@example.com", OLD)).body.result).toBe("SUCCESS");
    expect((await introspect(w, session.accessToken)).active).toBe(true);
  });

  it("applies the password policy: too_short", async () => {
    const w = await world();
    const { user, session } = await signedIn(w, "change-short@example.com");
    const res = await changePassword(session.accessToken, { userId: user.id, currentPassword: OLD, newPassword: "1234567" });
    expect(res.body).toEqual({
      result: "PASSWORD_POLICY_VIOLATION",
      violations: [{ code: "too_short", constraintAttributes: { min: 8 } }],
    });
    expect((await login(w, "change-short@example.com", OLD)).body.result).toBe("SUCCESS");
  });

  it("applies the password policy: contains_email", async () => {
    const w = await world();
    const { user, session } = await signedIn(w, "theodora@example.com");
    const res = await changePassword(session.accessToken, { userId: user.id, currentPassword: OLD, newPassword: "Theodora is me!" });
    expect(res.body).toEqual({
      result: "PASSWORD_POLICY_VIOLATION",
      violations: [{ code: "contains_email", constraintAttributes: {} }],
    });
    expect((await login(w, "theodora@example.com", OLD)).body.result).toBe("SUCCESS");
  });

  it("applies the password policy: same_as_current", async () => {
    const w = await world();
    const { user, session } = await signedIn(w, "change-same@example.com");
    const res = await changePassword(session.accessToken, { userId: user.id, currentPassword: OLD, newPassword: OLD });
    expect(res.body).toEqual({
      result: "PASSWORD_POLICY_VIOLATION",
      violations: [{ code: "same_as_current", constraintAttributes: {} }],
    });
    expect((await introspect(w, session.accessToken)).active).toBe(true);
  });
});

describe("with anyone else's token", () => {
  it("another user's access token naming this userId: 403, and nothing changes", async () => {
    const w = await world();
    const { user: victim } = await signedIn(w, "victim@example.com");
    const { session: other } = await signedIn(w, "other@example.com");
    const res = await changePassword(other.accessToken, { userId: victim.id, currentPassword: OLD, newPassword: NEW });
    expect(res.status).toBe(403);
    expect(res.body).toMatchObject({ type: "base_error", code: "forbidden" });
    expect((await login(w, "victim@example.com", OLD)).body.result).toBe("SUCCESS");
  });

  it("an M2M client token, even with every permission: 403", async () => {
    const w = await world();
    const { user } = await signedIn(w, "m2m@example.com");
    const res = await changePassword(w.token, { userId: user.id, currentPassword: OLD, newPassword: NEW });
    expect(res.status).toBe(403);
    expect(res.body).toMatchObject({ type: "base_error", code: "forbidden" });
    expect((await login(w, "m2m@example.com", OLD)).body.result).toBe("SUCCESS");
  });
});

describe("after a successful change", () => {
  it("every session of the user is revoked, including the one that made the change", async () => {
    const w = await world();
    const { user, session } = await signedIn(w, "revoke-all@example.com");
    const other = await loginOk(w, "revoke-all@example.com", OLD);
    expect((await introspect(w, other.accessToken)).active).toBe(true);
    const res = await changePassword(session.accessToken, { userId: user.id, currentPassword: OLD, newPassword: NEW });
    expect(res.body.result).toBe("PASSWORD_UPDATED");
    expect((await introspect(w, other.accessToken)).active).toBe(false);
    expect((await introspect(w, session.accessToken)).active).toBe(false);
    expect((await refresh(w, other.refreshToken)).status).toBe(400);
    expect((await refresh(w, session.refreshToken)).status).toBe(400);
  });

  it("a Password Updated email arrives", async () => {
    const w = await world();
    const { user, session } = await signedIn(w, "change-mail@example.com");
    await changePassword(session.accessToken, { userId: user.id, currentPassword: OLD, newPassword: NEW });
    const mail = await waitForMail("change-mail@example.com", "PASSWORD_UPDATED");
    expect(mail.to).toBe("change-mail@example.com");
  });

  it("no Password Updated email is sent when suppressPasswordUpdatedEmail is true", async () => {
    const w = await world();
    const quiet = await signedIn(w, "change-quiet@example.com");
    const loud = await signedIn(w, "change-loud@example.com");
    const body = { currentPassword: OLD, newPassword: NEW };
    expect((await changePassword(quiet.session.accessToken, { ...body, userId: quiet.user.id, suppressPasswordUpdatedEmail: true })).body.result).toBe(
      "PASSWORD_UPDATED",
    );
    expect((await changePassword(loud.session.accessToken, { ...body, userId: loud.user.id })).body.result).toBe("PASSWORD_UPDATED");
    // Once the later, unsuppressed change's mail is in, the first one's would be too.
    await waitForMail("change-loud@example.com", "PASSWORD_UPDATED");
    expect(await mailbox("change-quiet@example.com")).toEqual([]);
  });

  it("outstanding reset codes die: an admin link issued before is INVALID_CODE", async () => {
    const w = await world();
    const { user, session } = await signedIn(w, "change-codes@example.com");
    const code = await adminLinkCode(w, user.id);
    expect((await changePassword(session.accessToken, { userId: user.id, currentPassword: OLD, newPassword: NEW })).body.result).toBe(
      "PASSWORD_UPDATED",
    );
    expect((await reset(w.token, { passwordResetCode: code, newPassword: "another good password" })).body).toEqual({ result: "INVALID_CODE" });
    expect((await login(w, "change-codes@example.com", NEW)).body.result).toBe("SUCCESS");
  });
});
