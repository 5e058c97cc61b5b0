// The hosted forgot-password form and the OTP form it leads to.
import { describe, expect, it } from "vitest";
import { createUser, world } from "../../support/fixtures";
import { setPolicy, wrongCode } from "../../support/codes";
import { mailbox, verificationCodeOf, waitForMail } from "../../support/mailbox";
import { PageClient, formTokenOf, textOf } from "../../support/page-client";
import { setStrategy } from "../../support/reset";
import { loginOk } from "../../support/sessions";

/** The page without the values that differ per response by design (nonce, form token). */
const stable = (html: string) => html.replace(/nonce="[^"]+"/g, "").replace(/name="formToken" value="[^"]+"/g, "");

async function askFor(browser: PageClient, tenantId: string, email: string, lang = "") {
  const path = `/forgot-password?tenantId=${tenantId}${lang ? `&lang=${lang}` : ""}`;
  const form = await browser.get(path);
  expect(form.status).toBe(200);
  return browser.post(path, { formToken: formTokenOf(form.html), email });
}

describe("GET /forgot-password?tenantId=…", () => {
  it("gives the same answer for a known and an unknown email, and mails only the known one", async () => {
    const w = await world("acme");
    await createUser(w, "ann@example.com", "old password 1");
    const known = await askFor(new PageClient(), w.tenantId, "ann@example.com");
    const unknown = await askFor(new PageClient(), w.tenantId, "nobody@example.com");
    expect(known.status).toBe(200);
    expect(unknown.status).toBe(known.status);
    expect(stable(unknown.html)).toBe(stable(known.html));
    expect(known.html).toContain("Check your email");
    await waitForMail("ann@example.com", "PASSWORD_RESET_LINK");
    expect(await mailbox("nobody@example.com")).toEqual([]);
  });

  it("leads to the OTP form under the OTP strategy, identically for unknown emails", async () => {
    const w = await world("otp");
    await setStrategy(w, "OTP");
    await createUser(w, "bob@example.com", "old password 1");
    const browser = new PageClient();
    const known = await askFor(browser, w.tenantId, "bob@example.com");
    const unknown = await askFor(new PageClient(), w.tenantId, "nobody@example.com");
    expect(known.status).toBe(303);
    expect(known.location).toBe("/reset-password/otp");
    expect(unknown.status).toBe(303);
    expect(unknown.location).toBe(known.location);
    expect(browser.cookies.get("reset_code")!.value).toMatch(/^otp\./);

    const form = await browser.follow(known);
    expect(form.html).toContain('autocomplete="one-time-code"');
    expect(textOf(form.html, "verificationCode-hint")).toBe("The 6 digits from the email.");
    const code = verificationCodeOf(await waitForMail("bob@example.com", "PASSWORD_RESET_OTP"));
    const token = formTokenOf(form.html);

    const wrong = await browser.post("/reset-password/otp", { formToken: token, verificationCode: wrongCode(code), newPassword: "new password 2", confirmPassword: "new password 2" });
    expect(wrong.status).toBe(422);
    expect(textOf(wrong.html, "verificationCode-error")).toBe("This code is not right. Check the email and type it again.");

    const done = await browser.post("/reset-password/otp", { formToken: token, verificationCode: code, newPassword: "new password 2", confirmPassword: "new password 2" });
    expect(done.html).toContain("Your password is changed");
    await loginOk(w, "bob@example.com", "new password 2");
  });

  it("locks the OTP form after otpMaxAttempts wrong codes, with a way to ask again", async () => {
    const w = await world("lock");
    await setPolicy(w, { emailVerificationStrategy: "OTP", otpMaxAttempts: 2 });
    await createUser(w, "cat@example.com", "old password 1");
    const browser = new PageClient();
    const form = await browser.follow(await askFor(browser, w.tenantId, "cat@example.com"));
    const code = verificationCodeOf(await waitForMail("cat@example.com", "PASSWORD_RESET_OTP"));
    const token = formTokenOf(form.html);
    const guess = (verificationCode: string) => browser.post("/reset-password/otp", { formToken: token, verificationCode, newPassword: "new password 2", confirmPassword: "new password 2" });
    expect((await guess(wrongCode(code))).status).toBe(422);
    const locked = await guess(wrongCode(code));
    expect(locked.html).toContain("Too many wrong codes");
    expect(locked.html).toContain(`/forgot-password?tenantId=${w.tenantId}`);
    expect((await browser.get("/reset-password/otp")).html).toContain("Open the link from your email again");
    await loginOk(w, "cat@example.com", "old password 1");
  });

  it("moves a requestCode from the address bar into the cookie", async () => {
    const browser = new PageClient();
    const res = await browser.get("/reset-password/otp?requestCode=abcDEF123_-");
    expect(res.status).toBe(303);
    expect(res.location).toBe("/reset-password/otp");
    expect(browser.cookies.get("reset_code")!.value).toBe("otp.abcDEF123_-");
    expect((await browser.follow(res)).html).toContain("This link no longer works");
  });

  it("shows the OTP form of a request whose row is not stored yet, and reads a guess as wrong", async () => {
    const w = await world("pending");
    const browser = new PageClient();
    const form = await browser.follow(await browser.get(`/reset-password/otp?requestCode=notStoredYet123&tenantId=${w.tenantId}`));
    expect(form.status).toBe(200);
    expect(form.html).toContain('name="verificationCode"');
    const guess = await browser.post("/reset-password/otp", { formToken: formTokenOf(form.html), verificationCode: "123456", newPassword: "new password 2", confirmPassword: "new password 2" });
    expect(guess.status).toBe(422);
    expect(textOf(guess.html, "verificationCode-error")).toBe("This code is not right. Check the email and type it again.");
  });

  it("states a malformed email next to the field and sends nothing", async () => {
    const w = await world("bad");
    const res = await askFor(new PageClient(), w.tenantId, "not-an-email");
    expect(res.status).toBe(422);
    expect(textOf(res.html, "email-error")).toBe("Enter an email address, such as name@example.com.");
    expect(res.html).toContain('value="not-an-email"');
  });

  it("refuses a POST without the form's token", async () => {
    const w = await world("tok");
    await createUser(w, "dan@example.com", "old password 1");
    const res = await new PageClient().post(`/forgot-password?tenantId=${w.tenantId}`, { email: "dan@example.com" });
    expect(res.status).toBe(422);
    expect(textOf(res.html, "email-error")).toBe("This form expired. Please try again.");
  });

  it("answers 404 for an unknown tenant", async () => {
    expect((await new PageClient().get("/forgot-password?tenantId=unknowntenant00000000000000")).status).toBe(404);
    expect((await new PageClient().get("/forgot-password")).status).toBe(404);
  });

  it("mails in the page's language", async () => {
    const w = await world("de");
    await createUser(w, "eva@example.com", "old password 1");
    const res = await askFor(new PageClient(), w.tenantId, "eva@example.com", "de");
    expect(res.html).toContain("Sehen Sie in Ihr Postfach");
    const mail = await waitForMail("eva@example.com", "PASSWORD_RESET_LINK");
    expect(mail.subject).toBe("Setzen Sie Ihr de-Passwort zurück");
  });
});
