// Guessing budgets of OTP requests: otpMaxAttempts wrong verificationCodes lock a request, and a
// user may enter 10^(otpLength - 5) wrong codes a day across all their requests (10 at 6 digits),
// so that guessing succeeds at most 1 in 100,000 per account per day. Parallel guesses cannot
// exceed either budget. Whoever locks the OTP, the link in the same email still resets once.
import { afterEach, describe, expect, it, vi } from "vitest";
import { addressObject, addressRows, otpAttemptsOf } from "../../support/address-object";
import { HOUR, MINUTE, clockAt, codeRowsOfUser, wrongCode } from "../../support/codes";
import { databaseOfId } from "../../support/shards";
import { type World, createUser, world } from "../../support/fixtures";
import { emailAuthCodeOf, verificationCodeOf, waitForMail } from "../../support/mailbox";
import { REPEATED_EMAILS, otp, reset, setStrategy } from "../../support/reset";
import { login } from "../../support/sessions";

const GOOD = "a new good password";

/** Two OTP requests, 5 wrong codes each: a 6-digit day's budget, as an attacker who knows only the email spends it. */
async function tenWrongCodes(w: World, token: string, email: string) {
  const results: string[] = [];
  for (let n = 1; n <= 2; n++) {
    const { requestCode, verificationCode } = await otp({ ...w, token }, email, n);
    for (let i = 0; i < 5; i++) results.push((await reset(token, { requestCode, verificationCode: wrongCode(verificationCode), newPassword: GOOD })).body.result);
  }
  return results;
}

describe("one OTP request", () => {
  it("locks after the default otpMaxAttempts (5) wrong codes: then even the right code is TOO_MANY_ATTEMPTS", async () => {
    const w = await world();
    await setStrategy(w, "OTP");
    await createUser(w, "five@example.com", "old password 1");
    const { requestCode, verificationCode } = await otp(w, "five@example.com");
    for (let i = 0; i < 5; i++) {
      const res = await reset(w.token, { requestCode, verificationCode: wrongCode(verificationCode), newPassword: GOOD });
      expect(res.body).toEqual({ result: "INVALID_CODE" });
    }
    expect((await reset(w.token, { requestCode, verificationCode, newPassword: GOOD })).body).toEqual({ result: "TOO_MANY_ATTEMPTS" });
    expect((await login(w, "five@example.com", "old password 1")).body.result).toBe("SUCCESS");
  });

  it("still accepts the right code after otpMaxAttempts - 1 wrong ones", async () => {
    const w = await world();
    await setStrategy(w, "OTP");
    await createUser(w, "four@example.com", "old password 1");
    const { requestCode, verificationCode } = await otp(w, "four@example.com");
    for (let i = 0; i < 4; i++) {
      await reset(w.token, { requestCode, verificationCode: wrongCode(verificationCode), newPassword: GOOD });
    }
    expect((await reset(w.token, { requestCode, verificationCode, newPassword: GOOD })).body.result).toBe("PASSWORD_UPDATED");
  });

  it("locks after 3 when the policy sets otpMaxAttempts 3", async () => {
    const w = await world();
    await setStrategy(w, "OTP", { otpMaxAttempts: 3 });
    await createUser(w, "three@example.com", "old password 1");
    const { requestCode, verificationCode } = await otp(w, "three@example.com");
    for (let i = 0; i < 3; i++) {
      const res = await reset(w.token, { requestCode, verificationCode: wrongCode(verificationCode), newPassword: GOOD });
      expect(res.body).toEqual({ result: "INVALID_CODE" });
    }
    expect((await reset(w.token, { requestCode, verificationCode, newPassword: GOOD })).body).toEqual({ result: "TOO_MANY_ATTEMPTS" });
  });
});

describe("the per-user limit across requests", () => {
  it("10 wrong codes in a day (2 requests x 5) make a fresh request's right code TOO_MANY_ATTEMPTS", async () => {
    const w = await world();
    await setStrategy(w, "OTP", REPEATED_EMAILS);
    await createUser(w, "ten@example.com", "old password 1");
    await createUser(w, "bystander@example.com", "old password 1");
    expect(await tenWrongCodes(w, w.token, "ten@example.com")).toEqual(Array(10).fill("INVALID_CODE"));
    const fresh = await otp(w, "ten@example.com", 3);
    expect((await reset(w.token, { ...fresh, newPassword: GOOD })).body).toEqual({ result: "TOO_MANY_ATTEMPTS" });
    expect((await login(w, "ten@example.com", "old password 1")).body.result).toBe("SUCCESS");
    // The limit is the user's: another user of the same tenant is not held back.
    const other = await otp(w, "bystander@example.com");
    expect((await reset(w.token, { ...other, newPassword: GOOD })).body.result).toBe("PASSWORD_UPDATED");
  });

  it("scales with otpLength: at 7 digits, 10 wrong codes leave a fresh request usable", async () => {
    const w = await world();
    await setStrategy(w, "OTP", { otpLength: 7, ...REPEATED_EMAILS });
    await createUser(w, "seven@example.com", "old password 1");
    await tenWrongCodes(w, w.token, "seven@example.com");
    const fresh = await otp(w, "seven@example.com", 3);
    expect((await reset(w.token, { ...fresh, newPassword: GOOD })).body.result).toBe("PASSWORD_UPDATED");
  });

  it("right codes do not count: 2 requests each with 4 wrong codes then a policy violation leave a third usable", async () => {
    const w = await world();
    await setStrategy(w, "OTP", REPEATED_EMAILS);
    await createUser(w, "refunds@example.com", "old password 1");
    // 8 wrong codes, plus 2 right ones that meet a policy violation: 10 if right codes counted.
    for (let n = 1; n <= 2; n++) {
      const { requestCode, verificationCode } = await otp(w, "refunds@example.com", n);
      for (let i = 0; i < 4; i++) {
        await reset(w.token, { requestCode, verificationCode: wrongCode(verificationCode), newPassword: GOOD });
      }
      expect((await reset(w.token, { requestCode, verificationCode, newPassword: "short" })).body.result).toBe("PASSWORD_POLICY_VIOLATION");
    }
    const fresh = await otp(w, "refunds@example.com", 3);
    expect((await reset(w.token, { ...fresh, newPassword: GOOD })).body.result).toBe("PASSWORD_UPDATED");
  });
});

describe("the owner of a locked OTP", () => {
  it("still resets, once, with the link the OTP email carries, and the OTP dies with it", async () => {
    const w = await world();
    await setStrategy(w, "OTP", REPEATED_EMAILS);
    await createUser(w, "owner@example.com", "old password 1");
    await tenWrongCodes(w, w.token, "owner@example.com");
    const mine = await otp(w, "owner@example.com", 3);
    expect((await reset(w.token, { ...mine, newPassword: GOOD })).body).toEqual({ result: "TOO_MANY_ATTEMPTS" });
    const emailAuthCode = emailAuthCodeOf(await waitForMail("owner@example.com", "PASSWORD_RESET_OTP", 3));
    expect((await reset(w.token, { emailAuthCode, newPassword: GOOD })).body.result).toBe("PASSWORD_UPDATED");
    expect((await reset(w.token, { emailAuthCode, newPassword: "another password 2" })).body).toEqual({ result: "INVALID_CODE" });
    expect((await login(w, "owner@example.com", GOOD)).body.result).toBe("SUCCESS");
  });

  it("has one email whose code and link are alternatives: spending the code kills the link", async () => {
    const w = await world();
    await setStrategy(w, "OTP");
    await createUser(w, "either@example.com", "old password 1");
    const { requestCode, verificationCode } = await otp(w, "either@example.com");
    const emailAuthCode = emailAuthCodeOf(await waitForMail("either@example.com", "PASSWORD_RESET_OTP"));
    expect((await reset(w.token, { requestCode, verificationCode, newPassword: GOOD })).body.result).toBe("PASSWORD_UPDATED");
    expect((await reset(w.token, { emailAuthCode, newPassword: "another password 2" })).body).toEqual({ result: "INVALID_CODE" });
  });
});

describe("the per-user limit's window", () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it("is a day: 23 h 59 min after 10 wrong codes still TOO_MANY_ATTEMPTS, 24 h 1 min after a fresh code works", async () => {
    const w = await world();
    await setStrategy(w, "OTP", REPEATED_EMAILS);
    await createUser(w, "window@example.com", "old password 1");
    const T0 = Math.floor(Date.now() / 1000) * 1000 - 48 * HOUR;
    let token = await clockAt(w, T0);
    await tenWrongCodes(w, token, "window@example.com");
    token = await clockAt(w, T0 + 24 * HOUR - MINUTE);
    const within = await otp({ ...w, token }, "window@example.com", 3);
    expect((await reset(token, { ...within, newPassword: GOOD })).body).toEqual({ result: "TOO_MANY_ATTEMPTS" });
    token = await clockAt(w, T0 + 24 * HOUR + MINUTE);
    const after = await otp({ ...w, token }, "window@example.com", 4);
    expect((await reset(token, { ...after, newPassword: GOOD })).body.result).toBe("PASSWORD_UPDATED");
  });
});

describe("parallel guesses", () => {
  it("12 parallel wrong codes on one request use at most otpMaxAttempts (5) attempts", async () => {
    const w = await world();
    await setStrategy(w, "OTP");
    const user = await createUser(w, "parallel@example.com", "old password 1");
    const { requestCode, verificationCode } = await otp(w, "parallel@example.com");
    const answers = await Promise.all(
      Array.from({ length: 12 }, () => reset(w.token, { requestCode, verificationCode: wrongCode(verificationCode), newPassword: GOOD })),
    );
    for (const a of answers) expect(a.status).toBe(200);
    const results = answers.map((a) => a.body.result as string);
    for (const r of results) expect(["INVALID_CODE", "TOO_MANY_ATTEMPTS"]).toContain(r);

    const [row] = (await codeRowsOfUser(user.id)).filter((r) => r.kind === "EMAIL_OTP");
    // The request's attempts and the address's allowance are both taken in the address's object,
    // named by the subject the code was issued under.
    const subject = await databaseOfId(row!.id).prepare("SELECT subject_key FROM reset_codes WHERE id = ?").bind(row!.id).first<string>("subject_key");
    const attempts = await otpAttemptsOf(addressObject(subject!), row!.id);
    expect(attempts).toBeLessThanOrEqual(5);
    // Each INVALID_CODE was one reserved attempt; the rest were turned away.
    expect(results.filter((r) => r === "INVALID_CODE").length).toBe(attempts);
    expect(await addressRows(addressObject(subject!), "otp_failures")).toBe(attempts);
    expect((await reset(w.token, { requestCode, verificationCode, newPassword: GOOD })).body).toEqual({ result: "TOO_MANY_ATTEMPTS" });
  });
});

describe("otpLength", () => {
  it("8 gives 8-digit codes, shown as one run of digits in the text and the html of the email", async () => {
    const w = await world();
    await setStrategy(w, "OTP", { otpLength: 8 });
    await createUser(w, "eight@example.com", "old password 1");
    const { requestCode, verificationCode } = await otp(w, "eight@example.com");
    expect(verificationCode).toMatch(/^\d{8}$/);
    const mail = await waitForMail("eight@example.com", "PASSWORD_RESET_OTP");
    expect(verificationCodeOf(mail)).toBe(verificationCode);
    // One run: no other digit right next to it, no spaces or dashes splitting it.
    expect(mail.text).toMatch(new RegExp(`(^|\\D)${verificationCode}(\\D|$)`));
    expect(mail.html).toMatch(new RegExp(`(^|\\D)${verificationCode}(\\D|$)`));
    expect((await reset(w.token, { requestCode, verificationCode, newPassword: GOOD })).body.result).toBe("PASSWORD_UPDATED");
  });

  it("defaults to 6 digits", async () => {
    const w = await world();
    await setStrategy(w, "OTP");
    await createUser(w, "six@example.com", "old password 1");
    const { verificationCode } = await otp(w, "six@example.com");
    expect(verificationCode).toMatch(/^\d{6}$/);
    const mail = await waitForMail("six@example.com", "PASSWORD_RESET_OTP");
    expect(mail.html).toMatch(new RegExp(`(^|\\D)${verificationCode}(\\D|$)`));
  });
});
