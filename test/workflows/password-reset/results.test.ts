// Every `result` the Reset Password API answers, and what a PASSWORD_UPDATED leaves behind.
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { HOUR, clockAt, setPolicy, wrongCode } from "../../support/codes";
import { createUser, world } from "../../support/fixtures";
import { adminLinkCode, emailAuthCode, otp, reset, setStrategy } from "../../support/reset";
import { login } from "../../support/sessions";

afterEach(() => {
  vi.useRealTimers();
});

const GOOD = "a new good password";

describe("result PASSWORD_UPDATED", () => {
  it("names the user and the tenant, and nothing else when the policy has no loginUrl", async () => {
    const w = await world();
    const user = await createUser(w, "updated@example.com", "old password 1");
    const code = await adminLinkCode(w, user.id);
    const res = await reset(w.token, { passwordResetCode: code, newPassword: GOOD });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ result: "PASSWORD_UPDATED", userId: user.id, tenantId: w.tenantId });
  });

  it("carries the tenant policy's loginUrl when it is set", async () => {
    const w = await world();
    await setPolicy(w, { loginUrl: "https://app.example.com/login" });
    const user = await createUser(w, "loginurl@example.com", "old password 1");
    const code = await emailAuthCode(w, "loginurl@example.com");
    const res = await reset(w.token, { emailAuthCode: code, newPassword: GOOD });
    expect(res.body).toEqual({
      result: "PASSWORD_UPDATED",
      userId: user.id,
      tenantId: w.tenantId,
      loginUrl: "https://app.example.com/login",
    });
  });

  it("makes the old password fail at login and the new one work", async () => {
    const w = await world();
    const user = await createUser(w, "relogin@example.com", "old password 1");
    expect((await login(w, "relogin@example.com", "old password 1")).body.result).toBe("SUCCESS");
    const code = await adminLinkCode(w, user.id);
    expect((await reset(w.token, { passwordResetCode: code, newPassword: GOOD })).body.result).toBe("PASSWORD_UPDATED");
    expect((await login(w, "relogin@example.com", "old password 1")).body).toEqual({ result: "INVALID_CREDENTIALS" });
    expect((await login(w, "relogin@example.com", GOOD)).body.result).toBe("SUCCESS");
  });

  it("kills the user's other outstanding codes: an OTP request issued before an admin-link reset", async () => {
    const w = await world();
    await setStrategy(w, "OTP");
    const user = await createUser(w, "others1@example.com", "old password 1");
    const link = await adminLinkCode(w, user.id);
    const earlier = await otp(w, "others1@example.com");
    expect((await reset(w.token, { passwordResetCode: link, newPassword: GOOD })).body.result).toBe("PASSWORD_UPDATED");
    const res = await reset(w.token, { ...earlier, newPassword: "yet another password" });
    expect(res.body).toEqual({ result: "INVALID_CODE" });
    expect((await login(w, "others1@example.com", GOOD)).body.result).toBe("SUCCESS");
  });

  it("kills the user's other outstanding codes: an admin link issued before an OTP reset", async () => {
    const w = await world();
    await setStrategy(w, "OTP");
    const user = await createUser(w, "others2@example.com", "old password 1");
    const link = await adminLinkCode(w, user.id);
    const { requestCode, verificationCode } = await otp(w, "others2@example.com");
    expect((await reset(w.token, { requestCode, verificationCode, newPassword: GOOD })).body.result).toBe("PASSWORD_UPDATED");
    const res = await reset(w.token, { passwordResetCode: link, newPassword: "yet another password" });
    expect(res.body).toEqual({ result: "INVALID_CODE" });
    expect((await login(w, "others2@example.com", GOOD)).body.result).toBe("SUCCESS");
  });

  it("kills them by the credential version alone, before any policy check, even if D1 bookkeeping never ran", async () => {
    const w = await world();
    const user = await createUser(w, "others3@example.com", "old password 1");
    const link = await adminLinkCode(w, user.id);
    const mailed = await emailAuthCode(w, "others3@example.com");
    expect((await reset(w.token, { emailAuthCode: mailed, newPassword: GOOD })).body.result).toBe("PASSWORD_UPDATED");
    // As if the after-answer bookkeeping had failed: the admin link's row looks open again.
    await env.DB.prepare("UPDATE reset_codes SET superseded_at = NULL WHERE user_id = ? AND kind = 'ADMIN_LINK'").bind(user.id).run();
    // One at a time, the link died with the first reset: a short password changes nothing about that.
    expect((await reset(w.token, { passwordResetCode: link, newPassword: "short" })).body).toEqual({ result: "INVALID_CODE" });
    expect((await reset(w.token, { passwordResetCode: link, newPassword: "yet another password" })).body).toEqual({ result: "INVALID_CODE" });
  });
});

describe("result INVALID_CODE", () => {
  it("for a code the service never issued, in each of the three modes", async () => {
    const w = await world();
    await createUser(w, "unknown-code@example.com", "old password 1");
    const bogus = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
    for (const body of [
      { emailAuthCode: bogus },
      { passwordResetCode: bogus },
      { requestCode: bogus, verificationCode: "123456" },
    ]) {
      const res = await reset(w.token, { ...body, newPassword: GOOD });
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ result: "INVALID_CODE" });
    }
  });

  it("for a real code presented in another mode: an OTP requestCode is no emailAuthCode, an admin code no OTP", async () => {
    const w = await world();
    await setStrategy(w, "OTP");
    const user = await createUser(w, "wrong-mode@example.com", "old password 1");
    const link = await adminLinkCode(w, user.id);
    const { requestCode, verificationCode } = await otp(w, "wrong-mode@example.com");
    for (const body of [
      { emailAuthCode: requestCode },
      { passwordResetCode: requestCode },
      { emailAuthCode: link },
      { requestCode: link, verificationCode },
    ]) {
      expect((await reset(w.token, { ...body, newPassword: GOOD })).body).toEqual({ result: "INVALID_CODE" });
    }
    expect((await login(w, "wrong-mode@example.com", "old password 1")).body.result).toBe("SUCCESS");
    // Both codes are still good in their own mode.
    expect((await reset(w.token, { requestCode, verificationCode, newPassword: "short" })).body.result).toBe("PASSWORD_POLICY_VIOLATION");
    expect((await reset(w.token, { passwordResetCode: link, newPassword: GOOD })).body.result).toBe("PASSWORD_UPDATED");
  });

  it("for a consumed emailAuthCode used again", async () => {
    const w = await world();
    await createUser(w, "consumed-link@example.com", "old password 1");
    const code = await emailAuthCode(w, "consumed-link@example.com");
    expect((await reset(w.token, { emailAuthCode: code, newPassword: GOOD })).body.result).toBe("PASSWORD_UPDATED");
    expect((await reset(w.token, { emailAuthCode: code, newPassword: "another good password" })).body).toEqual({ result: "INVALID_CODE" });
    expect((await login(w, "consumed-link@example.com", GOOD)).body.result).toBe("SUCCESS");
  });

  it("for a consumed OTP request used again with its right verificationCode", async () => {
    const w = await world();
    await setStrategy(w, "OTP");
    await createUser(w, "consumed-otp@example.com", "old password 1");
    const code = await otp(w, "consumed-otp@example.com");
    expect((await reset(w.token, { ...code, newPassword: GOOD })).body.result).toBe("PASSWORD_UPDATED");
    expect((await reset(w.token, { ...code, newPassword: "another good password" })).body).toEqual({ result: "INVALID_CODE" });
  });

  it("for a wrong verificationCode, and the password is unchanged", async () => {
    const w = await world();
    await setStrategy(w, "OTP");
    await createUser(w, "wrong-otp@example.com", "old password 1");
    const { requestCode, verificationCode } = await otp(w, "wrong-otp@example.com");
    const res = await reset(w.token, { requestCode, verificationCode: wrongCode(verificationCode), newPassword: GOOD });
    expect(res.body).toEqual({ result: "INVALID_CODE" });
    expect((await login(w, "wrong-otp@example.com", "old password 1")).body.result).toBe("SUCCESS");
    expect((await login(w, "wrong-otp@example.com", GOOD)).body.result).toBe("INVALID_CREDENTIALS");
  });
});

describe("result EXPIRED_CODE", () => {
  it("for an admin link past its lifetime, and the password is unchanged", async () => {
    const w = await world();
    const user = await createUser(w, "expired@example.com", "old password 1");
    const code = await adminLinkCode(w, user.id);
    const token = await clockAt(w, Date.now() + 25 * HOUR);
    const res = await reset(token, { passwordResetCode: code, newPassword: GOOD });
    expect(res.body).toEqual({ result: "EXPIRED_CODE" });
    vi.useRealTimers();
    expect((await login(w, "expired@example.com", "old password 1")).body.result).toBe("SUCCESS");
  });
});

describe("result TOO_MANY_ATTEMPTS", () => {
  it("for the right verificationCode after otpMaxAttempts wrong ones", async () => {
    const w = await world();
    await setStrategy(w, "OTP");
    await createUser(w, "locked@example.com", "old password 1");
    const { requestCode, verificationCode } = await otp(w, "locked@example.com");
    for (let i = 0; i < 5; i++) {
      await reset(w.token, { requestCode, verificationCode: wrongCode(verificationCode), newPassword: GOOD });
    }
    const res = await reset(w.token, { requestCode, verificationCode, newPassword: GOOD });
    expect(res.body).toEqual({ result: "TOO_MANY_ATTEMPTS" });
    expect((await login(w, "locked@example.com", "old password 1")).body.result).toBe("SUCCESS");
  });
});

describe("result PASSWORD_POLICY_VIOLATION", () => {
  it("too_short below the default minimum of 8", async () => {
    const w = await world();
    const user = await createUser(w, "short@example.com", "old password 1");
    const code = await adminLinkCode(w, user.id);
    const res = await reset(w.token, { passwordResetCode: code, newPassword: "1234567" });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      result: "PASSWORD_POLICY_VIOLATION",
      violations: [{ code: "too_short", constraintAttributes: { min: 8 } }],
    });
  });

  it("too_long above the default maximum of 256 (257 characters)", async () => {
    const w = await world();
    const user = await createUser(w, "long@example.com", "old password 1");
    const code = await adminLinkCode(w, user.id);
    const res = await reset(w.token, { passwordResetCode: code, newPassword: "x".repeat(257) });
    expect(res.body).toEqual({
      result: "PASSWORD_POLICY_VIOLATION",
      violations: [{ code: "too_long", constraintAttributes: { max: 256 } }],
    });
    // 256 is still allowed.
    expect((await reset(w.token, { passwordResetCode: code, newPassword: "x".repeat(256) })).body.result).toBe("PASSWORD_UPDATED");
  });

  it("too_long with maxBytes above 1024 bytes of UTF-8, even when the policy allows more code points", async () => {
    const w = await world();
    await setPolicy(w, { passwordMaxLength: 1024 });
    const user = await createUser(w, "bytes@example.com", "old password 1");
    const code = await adminLinkCode(w, user.id);
    const res = await reset(w.token, { passwordResetCode: code, newPassword: "\u20AC".repeat(342) });
    expect(res.body).toEqual({
      result: "PASSWORD_POLICY_VIOLATION",
      violations: [{ code: "too_long", constraintAttributes: { maxBytes: 1024 } }],
    });
    expect((await reset(w.token, { passwordResetCode: code, newPassword: "\u20AC".repeat(341) })).body.result).toBe("PASSWORD_UPDATED");
  });

  it("contains_email when the new password contains the local part of the user's email", async () => {
    const w = await world();
    const user = await createUser(w, "marguerite.lane@example.com", "old password 1");
    const code = await emailAuthCode(w, "marguerite.lane@example.com");
    const res = await reset(w.token, { emailAuthCode: code, newPassword: "marguerite.lane2026" });
    expect(res.body).toEqual({
      result: "PASSWORD_POLICY_VIOLATION",
      violations: [{ code: "contains_email", constraintAttributes: {} }],
    });
    expect((await reset(w.token, { emailAuthCode: code, newPassword: GOOD })).body).toEqual({
      result: "PASSWORD_UPDATED",
      userId: user.id,
      tenantId: w.tenantId,
    });
  });

  it("same_as_current for the present password typed in another Unicode form (NFKC)", async () => {
    const w = await world();
    await createUser(w, "same-nfkc@example.com", "five apples a day");
    const code = await emailAuthCode(w, "same-nfkc@example.com");
    const res = await reset(w.token, { emailAuthCode: code, newPassword: "\uFB01ve \uFF41pples a day" });
    expect(res.body).toEqual({
      result: "PASSWORD_POLICY_VIOLATION",
      violations: [{ code: "same_as_current", constraintAttributes: {} }],
    });
  });

  it("same_as_current when the new password is the user's present one", async () => {
    const w = await world();
    const user = await createUser(w, "present@example.com", "the same password");
    const code = await emailAuthCode(w, "present@example.com");
    const res = await reset(w.token, { emailAuthCode: code, newPassword: "the same password" });
    expect(res.body).toEqual({
      result: "PASSWORD_POLICY_VIOLATION",
      violations: [{ code: "same_as_current", constraintAttributes: {} }],
    });
    // The code survived the violation.
    const retry = await reset(w.token, { emailAuthCode: code, newPassword: GOOD });
    expect(retry.body).toEqual({ result: "PASSWORD_UPDATED", userId: user.id, tenantId: w.tenantId });
  });

  it("leaves an admin link's code usable: a retry with a good password updates it", async () => {
    const w = await world();
    const user = await createUser(w, "retry-link@example.com", "old password 1");
    const code = await adminLinkCode(w, user.id);
    expect((await reset(w.token, { passwordResetCode: code, newPassword: "short" })).body.result).toBe("PASSWORD_POLICY_VIOLATION");
    expect((await reset(w.token, { passwordResetCode: code, newPassword: GOOD })).body.result).toBe("PASSWORD_UPDATED");
    expect((await login(w, "retry-link@example.com", GOOD)).body.result).toBe("SUCCESS");
  });

  it("leaves an OTP request usable and spends none of its attempts, however often it is violated", async () => {
    const w = await world();
    await setStrategy(w, "OTP");
    await createUser(w, "retry-otp@example.com", "old password 1");
    const code = await otp(w, "retry-otp@example.com");
    // More violations than otpMaxAttempts (5): a right verificationCode costs nothing.
    for (let i = 0; i < 7; i++) {
      expect((await reset(w.token, { ...code, newPassword: "short" })).body.result).toBe("PASSWORD_POLICY_VIOLATION");
    }
    expect((await reset(w.token, { ...code, newPassword: GOOD })).body.result).toBe("PASSWORD_UPDATED");
  });
});
