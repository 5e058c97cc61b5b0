// INACTIVE users: PATCH /users/{userId} changes the status. An inactive user cannot log in,
// refresh, change the password or spend a reset code; their sessions read inactive. Deactivating
// revokes every session and refresh token; request-reset answers as for an unknown email.
import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { callJson } from "../../support/api";
import { createUser, scopedToken, world, type World } from "../../support/fixtures";
import { createUserWithStatus, waitForCodeRows } from "../../support/codes";
import { mailbox, waitForMail } from "../../support/mailbox";
import { adminLinkCode, emailAuthCode, requestReset, reset, setStrategy } from "../../support/reset";
import { introspect, login, loginOk, refresh } from "../../support/sessions";

const OLD = "the old password";
const NEW = "a brand new password";

const setStatus = (token: string, userId: string, body: Record<string, unknown>) => callJson("PATCH", `/api/v1/users/${userId}`, { token, body });

async function deactivated(w: World, email: string) {
  const user = await createUser(w, email, OLD);
  const session = await loginOk(w, email, OLD);
  const res = await setStatus(w.token, user.id, { status: "INACTIVE" });
  expect(res.status).toBe(200);
  return { user, session };
}

describe("PATCH /api/v1/users/{userId}", () => {
  it("sets the status and answers the user; GET reads it back", async () => {
    const w = await world();
    const user = await createUser(w, "patch@example.com", OLD);
    const res = await setStatus(w.token, user.id, { status: "INACTIVE" });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ ...user, status: "INACTIVE", createdAt: expect.any(String) });
    expect((await callJson("GET", `/api/v1/users/${user.id}`, { token: w.token })).body.status).toBe("INACTIVE");
    expect((await setStatus(w.token, user.id, { status: "ACTIVE" })).body.status).toBe("ACTIVE");
  });

  it("needs user:write, and finds only users in the caller's boundary", async () => {
    const w = await world();
    const user = await createUser(w, "perm@example.com", OLD);
    expect((await setStatus(await scopedToken(w, ["user:read"]), user.id, { status: "INACTIVE" })).status).toBe(403);
    const other = await world("other");
    expect((await setStatus(other.token, user.id, { status: "INACTIVE" })).status).toBe(404);
    expect((await setStatus(w.token, "0".repeat(26), { status: "INACTIVE" })).status).toBe(404);
    expect((await callJson("GET", `/api/v1/users/${user.id}`, { token: w.token })).body.status).toBe("ACTIVE");
  });

  it("refuses a status other than ACTIVE or INACTIVE, and unknown fields, with 400 violations", async () => {
    const w = await world();
    const user = await createUser(w, "bad@example.com", OLD);
    for (const body of [{ status: "DELETED" }, { status: "inactive" }, {}, { status: "INACTIVE", email: "x@example.com" }]) {
      const res = await setStatus(w.token, user.id, body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.type).toBe("constraint_violations_error");
    }
    expect((await callJson("GET", `/api/v1/users/${user.id}`, { token: w.token })).body.status).toBe("ACTIVE");
  });

  it("is in the OpenAPI document with its body", async () => {
    const doc = (await callJson("GET", "/api/v1/openapi.json")).body;
    const op = doc.paths["/api/v1/users/{userId}"].patch;
    expect(op.security).toEqual([{ bearerAuth: [] }]);
    const schema = op.requestBody.content["application/json"].schema;
    const body = schema.$ref ? doc.components.schemas[schema.$ref.split("/").pop()] : schema;
    expect(body.properties.status.enum).toEqual(["ACTIVE", "INACTIVE"]);
    expect(Object.keys(op.responses).sort()).toEqual(expect.arrayContaining(["200", "400", "401", "403", "404", "503"]));
  });

  it("answers 404 for a user whose object was deleted, and changes nothing", async () => {
    const w = await world();
    const user = await createUser(w, "gone@example.com", OLD);
    await env.USERS.get(env.USERS.idFromName(user.id)).destroy();
    expect((await setStatus(w.token, user.id, { status: "INACTIVE" })).status).toBe(404);
    expect((await callJson("GET", `/api/v1/users/${user.id}`, { token: w.token })).body.status).toBe("ACTIVE");
  });
});

describe("a deactivated user", () => {
  it("cannot log in, refresh, or use a live session; the sessions list is empty", async () => {
    const w = await world();
    const { user, session } = await deactivated(w, "inactive@example.com");
    expect((await login(w, "inactive@example.com", OLD)).body).toEqual({ result: "INVALID_CREDENTIALS" });
    expect((await refresh(w, session.refreshToken)).status).toBe(400);
    expect(await introspect(w, session.accessToken)).toEqual({ active: false });
    expect(await introspect(w, session.refreshToken)).toEqual({ active: false });
    expect((await callJson("GET", `/api/v1/users/${user.id}/sessions`, { token: w.token })).body.items).toEqual([]);
    const change = await callJson("POST", "/api/v1/change-password", {
      token: session.accessToken,
      body: { userId: user.id, currentPassword: OLD, newPassword: NEW },
    });
    expect(change.status).toBe(401);
  });

  it("had every session and refresh token revoked in the object, with the status", async () => {
    const w = await world();
    const user = await createUser(w, "epochs@example.com", OLD);
    await loginOk(w, "epochs@example.com", OLD);
    const read = () =>
      runInDurableObject(env.USERS.get(env.USERS.idFromName(user.id)), (_i, state) =>
        state.storage.sql.exec<{ status: string; session_epoch: number; refresh_epoch: number }>("SELECT status, session_epoch, refresh_epoch FROM credential").one(),
      );
    const before = await read();
    await setStatus(w.token, user.id, { status: "INACTIVE" });
    expect(await read()).toEqual({ status: "INACTIVE", session_epoch: before.session_epoch + 1, refresh_epoch: before.refresh_epoch + 1 });
  });

  it("cannot spend an outstanding emailAuthCode or admin code, and they stay dead after reactivation", async () => {
    const w = await world();
    const user = await createUser(w, "codes@example.com", OLD);
    const link = await emailAuthCode(w, "codes@example.com");
    const admin = await adminLinkCode(w, user.id);
    await setStatus(w.token, user.id, { status: "INACTIVE" });
    expect((await reset(w.token, { emailAuthCode: link, newPassword: NEW })).body).toEqual({ result: "INVALID_CODE" });
    expect((await reset(w.token, { passwordResetCode: admin, newPassword: NEW })).body).toEqual({ result: "INVALID_CODE" });

    await setStatus(w.token, user.id, { status: "ACTIVE" });
    expect((await reset(w.token, { emailAuthCode: link, newPassword: NEW })).body).toEqual({ result: "INVALID_CODE" });
    expect((await reset(w.token, { passwordResetCode: admin, newPassword: NEW })).body).toEqual({ result: "INVALID_CODE" });
    expect((await login(w, "codes@example.com", OLD)).body.result).toBe("SUCCESS");
  });

  it("gets no admin reset link: 409", async () => {
    const w = await world();
    const { user } = await deactivated(w, "nolink@example.com");
    const res = await callJson("POST", "/api/v1/password-reset/create-password-reset-link", { token: w.token, body: { userId: user.id } });
    expect(res.status).toBe(409);
    expect(res.body).toEqual({ type: "base_error", code: "conflict", message: expect.any(String) });
  });

  it("requesting a reset answers exactly as for an unknown email, and sends nothing (LINK)", async () => {
    const w = await world();
    await deactivated(w, "quiet@example.com");
    await createUser(w, "witness@example.com", OLD);
    const inactive = await requestReset(w, "quiet@example.com");
    const unknown = await requestReset(w, "nobody@example.com");
    expect(inactive.status).toBe(unknown.status);
    expect(inactive.body).toEqual(unknown.body);
    await requestReset(w, "witness@example.com");
    await waitForMail("witness@example.com", "PASSWORD_RESET_LINK");
    expect(await mailbox("quiet@example.com")).toEqual([]);
  });

  it("requesting a reset gets a decoy requestCode, like an unknown email (OTP)", async () => {
    const w = await world();
    await setStrategy(w, "OTP");
    await deactivated(w, "quiet-otp@example.com");
    const res = await requestReset(w, "quiet-otp@example.com");
    expect(res.body).toEqual({ emailVerificationStrategy: "OTP", requestCode: expect.any(String) });
    const [row] = await waitForCodeRows(w.tenantId, 1);
    expect(row!.user_id).toBeNull();
    expect(await mailbox("quiet-otp@example.com")).toEqual([]);
  });

  it("logs in with the same password once reactivated; the old session and refresh token stay dead", async () => {
    const w = await world();
    const { user, session } = await deactivated(w, "back@example.com");
    expect((await setStatus(w.token, user.id, { status: "ACTIVE" })).status).toBe(200);
    expect((await login(w, "back@example.com", OLD)).body.result).toBe("SUCCESS");
    expect((await refresh(w, session.refreshToken)).status).toBe(400);
    expect(await introspect(w, session.accessToken)).toEqual({ active: false });
  });
});

describe("a user created INACTIVE", () => {
  it("cannot log in with the password they were given until activated", async () => {
    const w = await world();
    const user = await createUserWithStatus(w, "later@example.com", "INACTIVE", OLD);
    expect((await login(w, "later@example.com", OLD)).body.result).toBe("INVALID_CREDENTIALS");
    await setStatus(w.token, user.id, { status: "ACTIVE" });
    expect((await login(w, "later@example.com", OLD)).body.result).toBe("SUCCESS");
  });
});
