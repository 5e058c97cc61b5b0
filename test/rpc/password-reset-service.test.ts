import { describe, expect, it } from "vitest";
import { callJson } from "../support/api";
import { createUser, world } from "../support/fixtures";
import { waitForMail } from "../support/mailbox";
import { viaHost } from "../support/rpc";

describe("RPC from another Worker over a service binding", () => {
  it("runs the whole flow: token, login, reset request, reset, introspect, refresh, change password", async () => {
    const w = await world();
    const client = { clientId: w.clientId, clientSecret: w.clientSecret };
    const user = await createUser(w, "rpc@example.com", "password one");

    const token = await viaHost("token", client);
    expect(token.status).toBe(200);
    const accessToken = token.body.access_token as string;

    const session = await viaHost("login", accessToken, { tenantId: w.tenantId, email: "rpc@example.com", password: "password one" });
    expect(session.body).toMatchObject({ result: "SUCCESS", userId: user.id });
    expect((await viaHost("introspect", client, session.body.accessToken)).body.active).toBe(true);

    const requested = await viaHost("requestPasswordReset", accessToken, { tenantId: w.tenantId, email: "rpc@example.com" });
    expect(requested).toEqual({ status: 200, body: { emailVerificationStrategy: "LINK" } });
    const mail = await waitForMail("rpc@example.com", "PASSWORD_RESET_LINK");
    const code = /emailAuthCode=([A-Za-z0-9_-]+)/.exec(mail.text)![1];

    const updated = await viaHost("resetPassword", accessToken, { emailAuthCode: code, newPassword: "password two" });
    expect(updated.body).toEqual({ result: "PASSWORD_UPDATED", userId: user.id, tenantId: w.tenantId });
    expect((await viaHost("introspect", client, session.body.accessToken)).body).toEqual({ active: false });
    expect((await viaHost("refresh", client, session.body.refreshToken)).body.error).toBe("invalid_grant");

    const again = await viaHost("login", accessToken, { tenantId: w.tenantId, email: "rpc@example.com", password: "password two" });
    const rotated = await viaHost("refresh", client, again.body.refreshToken);
    expect(rotated.status).toBe(200);
    const changed = await viaHost("changePassword", rotated.body.access_token, {
      userId: user.id,
      currentPassword: "password two",
      newPassword: "password three",
    });
    expect(changed.body.result).toBe("PASSWORD_UPDATED");
  });

  it("applies the same rules and returns the same results as HTTP", async () => {
    const w = await world();
    const token = (await viaHost("token", { clientId: w.clientId, clientSecret: w.clientSecret })).body.access_token;
    const bad = { emailAuthCode: "a", passwordResetCode: "b", newPassword: "x" };
    const overRpc = await viaHost("resetPassword", token, bad);
    const overHttp = await callJson("POST", "/api/v1/password-reset/reset-password", { token, body: bad });
    expect(overRpc).toEqual({ status: overHttp.status, body: overHttp.body });
    expect(overRpc.status).toBe(400);

    expect((await viaHost("resetPassword", "not-a-token", { emailAuthCode: "a", newPassword: "x" })).status).toBe(401);
    expect((await viaHost("token", { clientId: w.clientId, clientSecret: "wrong" })).body.error).toBe("invalid_client");
    const unknown = await viaHost("resetPassword", token, { emailAuthCode: "never-issued", newPassword: "password two" });
    expect(unknown).toEqual({ status: 200, body: { result: "INVALID_CODE" } });
  });
});
