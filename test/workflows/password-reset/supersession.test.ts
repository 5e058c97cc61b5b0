// Which codes a newer code kills. Email requests (LINK and OTP) are one family and admin links
// another: a new code kills the user's earlier codes of its own family only. A password change
// kills every code of the user.
import { describe, expect, it } from "vitest";
import { createUser, world } from "../../support/fixtures";
import { REPEATED_EMAILS, adminLinkCode, emailAuthCode, otp, reset, setStrategy } from "../../support/reset";
import { login } from "../../support/sessions";

const GOOD = "a new good password";

describe("a new request-password-reset supersedes the user's earlier email requests", () => {
  it("LINK then LINK: the first emailAuthCode is INVALID_CODE, the second works", async () => {
    const w = await world();
    await setStrategy(w, "LINK", REPEATED_EMAILS);
    await createUser(w, "link-link@example.com", "old password 1");
    const first = await emailAuthCode(w, "link-link@example.com", 1);
    const second = await emailAuthCode(w, "link-link@example.com", 2);
    expect(second).not.toBe(first);
    expect((await reset(w.token, { emailAuthCode: first, newPassword: GOOD })).body).toEqual({ result: "INVALID_CODE" });
    expect((await reset(w.token, { emailAuthCode: second, newPassword: GOOD })).body.result).toBe("PASSWORD_UPDATED");
  });

  it("OTP then OTP: the first request is INVALID_CODE even with its right verificationCode", async () => {
    const w = await world();
    await setStrategy(w, "OTP", REPEATED_EMAILS);
    await createUser(w, "otp-otp@example.com", "old password 1");
    const first = await otp(w, "otp-otp@example.com", 1);
    const second = await otp(w, "otp-otp@example.com", 2);
    expect((await reset(w.token, { ...first, newPassword: GOOD })).body).toEqual({ result: "INVALID_CODE" });
    expect((await reset(w.token, { ...second, newPassword: GOOD })).body.result).toBe("PASSWORD_UPDATED");
  });

  it("across strategies: a LINK code is superseded by a later OTP request", async () => {
    const w = await world();
    await setStrategy(w, "LINK", REPEATED_EMAILS);
    await createUser(w, "link-otp@example.com", "old password 1");
    const link = await emailAuthCode(w, "link-otp@example.com");
    await setStrategy(w, "OTP");
    const code = await otp(w, "link-otp@example.com");
    expect((await reset(w.token, { emailAuthCode: link, newPassword: GOOD })).body).toEqual({ result: "INVALID_CODE" });
    expect((await reset(w.token, { ...code, newPassword: GOOD })).body.result).toBe("PASSWORD_UPDATED");
  });

  it("across strategies: an OTP request is superseded by a later LINK request", async () => {
    const w = await world();
    await setStrategy(w, "OTP", REPEATED_EMAILS);
    await createUser(w, "otp-link@example.com", "old password 1");
    const code = await otp(w, "otp-link@example.com");
    await setStrategy(w, "LINK");
    const link = await emailAuthCode(w, "otp-link@example.com");
    expect((await reset(w.token, { ...code, newPassword: GOOD })).body).toEqual({ result: "INVALID_CODE" });
    expect((await reset(w.token, { emailAuthCode: link, newPassword: GOOD })).body.result).toBe("PASSWORD_UPDATED");
  });

  it("only the same user's: another user's request leaves this user's code alive", async () => {
    const w = await world();
    await createUser(w, "mine@example.com", "old password 1");
    await createUser(w, "yours@example.com", "old password 1");
    const mine = await emailAuthCode(w, "mine@example.com");
    await emailAuthCode(w, "yours@example.com");
    expect((await reset(w.token, { emailAuthCode: mine, newPassword: GOOD })).body.result).toBe("PASSWORD_UPDATED");
  });
});

describe("admin links", () => {
  it("a new admin link invalidates the earlier one", async () => {
    const w = await world();
    const user = await createUser(w, "admin-admin@example.com", "old password 1");
    const first = await adminLinkCode(w, user.id);
    const second = await adminLinkCode(w, user.id);
    expect((await reset(w.token, { passwordResetCode: first, newPassword: GOOD })).body).toEqual({ result: "INVALID_CODE" });
    expect((await reset(w.token, { passwordResetCode: second, newPassword: GOOD })).body.result).toBe("PASSWORD_UPDATED");
  });

  it("an email request does not kill an admin link: the admin link still works after it", async () => {
    const w = await world();
    const user = await createUser(w, "admin-then-email@example.com", "old password 1");
    const link = await adminLinkCode(w, user.id);
    const emailed = await emailAuthCode(w, "admin-then-email@example.com");
    expect((await reset(w.token, { passwordResetCode: link, newPassword: GOOD })).body.result).toBe("PASSWORD_UPDATED");
    // The password change did kill the email request.
    expect((await reset(w.token, { emailAuthCode: emailed, newPassword: "another good password" })).body).toEqual({ result: "INVALID_CODE" });
    expect((await login(w, "admin-then-email@example.com", GOOD)).body.result).toBe("SUCCESS");
  });

  it("an admin link survives an email request until the email code changes the password", async () => {
    const w = await world();
    await setStrategy(w, "OTP");
    const user = await createUser(w, "email-kills-admin@example.com", "old password 1");
    const link = await adminLinkCode(w, user.id);
    const code = await otp(w, "email-kills-admin@example.com");
    expect((await reset(w.token, { ...code, newPassword: GOOD })).body.result).toBe("PASSWORD_UPDATED");
    expect((await reset(w.token, { passwordResetCode: link, newPassword: "another good password" })).body).toEqual({ result: "INVALID_CODE" });
    expect((await login(w, "email-kills-admin@example.com", GOOD)).body.result).toBe("SUCCESS");
  });

  it("a new admin link does not kill an email request", async () => {
    const w = await world();
    const user = await createUser(w, "email-then-admin@example.com", "old password 1");
    const emailed = await emailAuthCode(w, "email-then-admin@example.com");
    await adminLinkCode(w, user.id);
    expect((await reset(w.token, { emailAuthCode: emailed, newPassword: GOOD })).body.result).toBe("PASSWORD_UPDATED");
  });
});
