import { describe, expect, it } from "vitest";
import { createUser, world } from "../../support/fixtures";
import { waitForMail } from "../../support/mailbox";
import { adminLinkCode, emailAuthCode, otp, reset, setStrategy } from "../../support/reset";

describe("each way of calling Reset Password updates the password", () => {
  it("by emailed link (emailAuthCode)", async () => {
    const w = await world();
    const user = await createUser(w, "link@example.com", "old password 1");
    const code = await emailAuthCode(w, "link@example.com");
    const res = await reset(w.token, { emailAuthCode: code, newPassword: "new password 1" });
    expect(res.body).toEqual({ result: "PASSWORD_UPDATED", userId: user.id, tenantId: w.tenantId });
    await waitForMail("link@example.com", "PASSWORD_UPDATED");
  });

  it("by emailed OTP (requestCode + verificationCode)", async () => {
    const w = await world();
    await setStrategy(w, "OTP");
    await createUser(w, "otp@example.com", "old password 1");
    const { requestCode, verificationCode } = await otp(w, "otp@example.com");
    expect(verificationCode).toMatch(/^\d{6}$/);
    const res = await reset(w.token, { requestCode, verificationCode, newPassword: "new password 1" });
    expect(res.body.result).toBe("PASSWORD_UPDATED");
  });

  it("by admin link (passwordResetCode)", async () => {
    const w = await world();
    const user = await createUser(w, "admin@example.com", "old password 1");
    const code = await adminLinkCode(w, user.id);
    const res = await reset(w.token, { passwordResetCode: code, newPassword: "new password 1" });
    expect(res.body.result).toBe("PASSWORD_UPDATED");
    const again = await reset(w.token, { passwordResetCode: code, newPassword: "new password 2" });
    expect(again.body).toEqual({ result: "INVALID_CODE" });
  });
});
