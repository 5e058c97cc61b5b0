// The hosted reset page: a GET only moves the code out of the address bar and reads its standing;
// only a POST with a typed new password spends it, through the same workflow as the API.
import { afterEach, describe, expect, it, vi } from "vitest";
import { createUser, world } from "../../support/fixtures";
import { codeRowsOfUser, clockAt, HOUR } from "../../support/codes";
import { waitForMail } from "../../support/mailbox";
import { ORIGIN, PageClient, formTokenOf, textOf } from "../../support/page-client";
import { REPEATED_EMAILS, adminLinkCode, emailAuthCode, reset, setStrategy } from "../../support/reset";
import { loginOk, login } from "../../support/sessions";

afterEach(() => vi.useRealTimers());

async function linkUser(name: string) {
  const w = await world(name);
  const user = await createUser(w, `${name}@example.com`, "old password 1");
  return { w, user, code: await emailAuthCode(w, `${name}@example.com`) };
}

async function openLink(browser: PageClient, query: string) {
  const first = await browser.get(`/reset-password?${query}`);
  expect(first.status).toBe(303);
  return { first, page: await browser.follow(first) };
}

describe("GET /reset-password?emailAuthCode=…", () => {
  it("answers 303 to a clean URL with the code in a short-lived HttpOnly, Secure, SameSite=Strict cookie", async () => {
    const { code } = await linkUser("ann");
    const browser = new PageClient();
    const { first, page } = await openLink(browser, `emailAuthCode=${code}`);
    expect(first.location).toBe("/reset-password");
    const cookie = browser.cookies.get("reset_code")!;
    expect(cookie.value).toBe(`link.${code}`);
    expect(cookie.attributes).toMatch(/Max-Age=900/);
    expect(cookie.attributes).toMatch(/Path=\/reset-password/);
    expect(cookie.attributes).toMatch(/HttpOnly/);
    expect(cookie.attributes).toMatch(/Secure/);
    expect(cookie.attributes).toMatch(/SameSite=Strict/);
    expect(page.status).toBe(200);
    expect(page.html).not.toContain(code);
  });

  it("sends no-referrer, a nonce-only CSP that forbids framing, and no-store on every response", async () => {
    const { code } = await linkUser("bob");
    const browser = new PageClient();
    const { first, page } = await openLink(browser, `emailAuthCode=${code}`);
    for (const res of [first, page]) {
      expect(res.headers.get("Referrer-Policy")).toBe("no-referrer");
      expect(res.headers.get("Cache-Control")).toBe("no-store");
      expect(res.headers.get("X-Frame-Options")).toBe("DENY");
      const csp = res.headers.get("Content-Security-Policy")!;
      expect(csp).toContain("default-src 'none'");
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).toMatch(/style-src 'nonce-[A-Za-z0-9+/=]+'/);
      expect(csp).not.toContain("unsafe-inline");
    }
    const nonce = /'nonce-([^']+)'/.exec(page.headers.get("Content-Security-Policy")!)![1];
    expect(page.html).toContain(`<style nonce="${nonce}">`);
    expect(page.html).not.toContain("<script");
  });

  it("renders an accessible form: labels, new-password autocomplete, the rule as a hint", async () => {
    const { code } = await linkUser("cat");
    const { page } = await openLink(new PageClient(), `emailAuthCode=${code}`);
    expect(page.html).toContain('<html lang="en">');
    expect(page.html).toContain('<label for="newPassword">New password</label>');
    expect(page.html).toMatch(/<input id="newPassword" name="newPassword" type="password" autocomplete="new-password"/);
    expect(textOf(page.html, "newPassword-hint")).toBe("Use 8 to 256 characters. Longer is stronger.");
    expect(page.html).toContain('aria-describedby="newPassword-hint"');
    expect(page.html).toContain('aria-live="assertive"');
  });

  it("spends nothing on ten GETs of the link and its page; then a POST resets the password", async () => {
    const { w, user, code } = await linkUser("dan");
    const before = await codeRowsOfUser(user.id);
    let browser = new PageClient();
    for (let i = 0; i < 10; i++) {
      browser = new PageClient(); // a new scanner each time
      await openLink(browser, `emailAuthCode=${code}`);
      await browser.get("/reset-password");
    }
    expect(await codeRowsOfUser(user.id)).toEqual(before);

    const page = await browser.get("/reset-password");
    const done = await browser.post("/reset-password", { formToken: formTokenOf(page.html), newPassword: "new password 2", confirmPassword: "new password 2" });
    expect(done.status).toBe(200);
    expect(done.html).toContain("Your password is changed");
    expect(browser.cookies.has("reset_code")).toBe(false);
    await loginOk(w, "dan@example.com", "new password 2");
    expect((await login(w, "dan@example.com", "old password 1")).body.result).not.toBe("SUCCESS");
    await waitForMail("dan@example.com", "PASSWORD_UPDATED");
  });

  it("links to the login page after success when the policy sets loginUrl", async () => {
    const w = await world("eve");
    await createUser(w, "eve@example.com", "old password 1");
    const { callJson } = await import("../../support/api");
    await callJson("PATCH", `/api/v1/tenants/${w.tenantId}/password-reset-policy`, { token: w.token, body: { loginUrl: "https://app.example/login" } });
    const code = await emailAuthCode(w, "eve@example.com");
    const browser = new PageClient();
    const { page } = await openLink(browser, `emailAuthCode=${code}`);
    const done = await browser.post("/reset-password", { formToken: formTokenOf(page.html), newPassword: "new password 2", confirmPassword: "new password 2" });
    expect(done.html).toContain('<a class="button" href="https://app.example/login">Continue to sign in</a>');
  });

  it("shows each policy violation next to the new password, stating the rule, and keeps the code usable", async () => {
    const { w, code } = await linkUser("fay");
    const browser = new PageClient();
    const { page } = await openLink(browser, `emailAuthCode=${code}`);
    const token = formTokenOf(page.html);
    const short = await browser.post("/reset-password", { formToken: token, newPassword: "short", confirmPassword: "short" });
    expect(short.status).toBe(422);
    expect(textOf(short.html, "newPassword-error")).toBe("Too short: use at least 8 characters.");
    expect(short.html).toMatch(/aria-invalid="true" aria-describedby="newPassword-hint newPassword-error" autofocus/);

    const same = await browser.post("/reset-password", { formToken: token, newPassword: "old password 1", confirmPassword: "old password 1" });
    expect(textOf(same.html, "newPassword-error")).toBe("This is your current password. Choose a different one.");

    const email = await browser.post("/reset-password", { formToken: token, newPassword: "fay's new secret", confirmPassword: "fay's new secret" });
    expect(textOf(email.html, "newPassword-error")).toBe("Do not use your email address in your password.");

    // "password123456" is breached in the range API of test/fixtures/host-app.js.
    const breached = await browser.post("/reset-password", { formToken: token, newPassword: "password123456", confirmPassword: "password123456" });
    expect(textOf(breached.html, "newPassword-error")).toBe("This password has appeared in a data breach. Choose a different one.");
    const breachedDe = await browser.post("/reset-password?lang=de", { formToken: token, newPassword: "password123456", confirmPassword: "password123456" });
    expect(textOf(breachedDe.html, "newPassword-error")).toBe("Dieses Passwort ist in einem Datenleck aufgetaucht. Wählen Sie ein anderes.");

    const { callJson } = await import("../../support/api");
    await callJson("PATCH", `/api/v1/tenants/${w.tenantId}/password-reset-policy`, { token: w.token, body: { passwordMaxLength: 1024 } });
    const bytes = "\u20AC".repeat(342); // 342 code points, 1026 bytes of UTF-8
    const tooManyBytes = await browser.post("/reset-password", { formToken: token, newPassword: bytes, confirmPassword: bytes });
    expect(textOf(tooManyBytes.html, "newPassword-error")).toBe("Too long: use a shorter password.");

    const mismatch = await browser.post("/reset-password", { formToken: token, newPassword: "new password 2", confirmPassword: "new password 3" });
    expect(textOf(mismatch.html, "confirmPassword-error")).toMatch(/not the same/);

    const done = await browser.post("/reset-password", { formToken: token, newPassword: "new password 2", confirmPassword: "new password 2" });
    expect(done.html).toContain("Your password is changed");
    await loginOk(w, "fay@example.com", "new password 2");
  });

  it("shows a spent code at once on GET, with a way to ask for a new email", async () => {
    const { w, code } = await linkUser("gus");
    expect((await reset(w.token, { emailAuthCode: code, newPassword: "new password 2" })).body.result).toBe("PASSWORD_UPDATED");
    const { page } = await openLink(new PageClient(), `emailAuthCode=${code}`);
    expect(page.html).toContain("This link no longer works");
    expect(page.html).toContain(`href="/forgot-password?tenantId=${w.tenantId}"`);
    expect(page.html).not.toContain('name="newPassword"');
  });

  it("shows a superseded code as no longer working", async () => {
    const { w, code } = await linkUser("hal");
    await setStrategy(w, "LINK", REPEATED_EMAILS);
    await emailAuthCode(w, "hal@example.com", 2);
    const { page } = await openLink(new PageClient(), `emailAuthCode=${code}`);
    expect(page.html).toContain("This link no longer works");
  });

  it("shows an expired code as expired on GET", async () => {
    const { w, code } = await linkUser("ida");
    await clockAt(w, Date.now() + 2 * HOUR);
    const { page } = await openLink(new PageClient(), `emailAuthCode=${code}`);
    expect(page.html).toContain("This link has expired");
    expect(page.html).toContain(`/forgot-password?tenantId=${w.tenantId}`);
  });

  it("shows an unknown code as not working, with no tenant to name", async () => {
    const { page } = await openLink(new PageClient(), "emailAuthCode=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");
    expect(page.html).toContain("This link no longer works");
    expect(page.html).toContain("ask for a new password reset email where you signed in");
  });

  it("resets with an admin link's passwordResetCode", async () => {
    const w = await world("jo");
    const user = await createUser(w, "jo@example.com", "old password 1");
    const code = await adminLinkCode(w, user.id);
    const browser = new PageClient();
    const { first, page } = await openLink(browser, `passwordResetCode=${code}`);
    expect(first.location).toBe("/reset-password");
    const done = await browser.post("/reset-password", { formToken: formTokenOf(page.html), newPassword: "new password 2", confirmPassword: "new password 2" });
    expect(done.html).toContain("Your password is changed");
    await loginOk(w, "jo@example.com", "new password 2");
  });
});

describe("a link followed from another site", () => {
  it("reloads the clean URL from the page itself, since browsers hold SameSite=Strict cookies back on a cross-site redirect", async () => {
    const { code } = await linkUser("ria");
    const browser = new PageClient();
    const first = await browser.get(`/reset-password?emailAuthCode=${code}&lang=de`, { "Sec-Fetch-Site": "cross-site" });
    const cookie = browser.cookies.get("reset_code")!;
    browser.cookies.clear(); // what the browser sends on the redirect of a cross-site navigation
    const bounce = await browser.get(first.location!, { "Sec-Fetch-Site": "cross-site" });
    expect(bounce.status).toBe(200);
    expect(bounce.html).toContain('<meta http-equiv="refresh" content="0;url=/reset-password?lang=de"/>');
    expect(bounce.html).toContain('<a href="/reset-password?lang=de">Weiter</a>');

    browser.cookies.set("reset_code", cookie); // the reload is same-site: the cookie comes along
    const form = await browser.get("/reset-password?lang=de", { "Sec-Fetch-Site": "same-origin" });
    expect(form.html).toContain('name="newPassword"');
  });

  it("says the page expired when a same-site request has no cookie", async () => {
    const res = await new PageClient().get("/reset-password", { "Sec-Fetch-Site": "same-origin" });
    expect(res.html).toContain("Open the link from your email again");
    expect(res.html).not.toContain("http-equiv");
  });
});

describe("POST /reset-password refuses forged submissions and changes nothing", () => {
  async function ready(name: string) {
    const { w, code } = await linkUser(name);
    const browser = new PageClient();
    const { page } = await openLink(browser, `emailAuthCode=${code}`);
    return { w, browser, token: formTokenOf(page.html) };
  }
  const fields = (token: string) => ({ formToken: token, newPassword: "new password 2", confirmPassword: "new password 2" });

  it("from another site (Origin and Sec-Fetch-Site), even with a forged Host", async () => {
    const { w, browser, token } = await ready("kim");
    const res = await browser.post("/reset-password", fields(token), { Origin: "https://evil.example", "Sec-Fetch-Site": "cross-site", Host: "evil.example" });
    expect(res.status).toBe(403);
    await loginOk(w, "kim@example.com", "old password 1");
  });

  it("without the per-form token, or with another form's", async () => {
    const { w, browser } = await ready("lou");
    expect((await browser.post("/reset-password", fields(""))).status).toBe(403);
    expect((await browser.post("/reset-password", fields("x".repeat(43)))).status).toBe(403);
    await loginOk(w, "lou@example.com", "old password 1");
  });

  it("without the code cookie: asks to open the link again", async () => {
    const { w, browser, token } = await ready("max");
    browser.cookies.delete("reset_code");
    const res = await browser.post("/reset-password", fields(token));
    expect(res.html).toContain("Open the link from your email again");
    await loginOk(w, "max@example.com", "old password 1");
  });

  it(`when the public origin is ${ORIGIN} and the request claims another`, async () => {
    const { w, browser, token } = await ready("ned");
    const res = await browser.post("/reset-password", fields(token), { Origin: "http://localhost", "Sec-Fetch-Site": "same-site" });
    expect(res.status).toBe(403);
    await loginOk(w, "ned@example.com", "old password 1");
  });
});

describe("language", () => {
  it("follows ?lang=, then Accept-Language, then the application's default", async () => {
    const { w, code } = await linkUser("ola");
    const de = new PageClient({ "Accept-Language": "de-DE,de;q=0.9,en;q=0.5" });
    const { page } = await openLink(de, `emailAuthCode=${code}`);
    expect(page.html).toContain('<html lang="de">');
    expect(page.html).toContain("Neues Passwort wählen");

    const en = await de.get("/reset-password?lang=en");
    expect(en.html).toContain('<html lang="en">');
    expect(en.html).toContain('action="/reset-password?lang=en"');

    const { callJson } = await import("../../support/api");
    await callJson("PATCH", `/api/v1/applications/${w.applicationId}/branding`, { token: w.token, body: { defaultLanguage: "de" } });
    const plain = new PageClient();
    const { page: byDefault } = await openLink(plain, `emailAuthCode=${code}`);
    expect(byDefault.html).toContain('<html lang="de">');
    expect((await plain.get("/reset-password", { "Accept-Language": "fr-FR, en;q=0.8" })).html).toContain('<html lang="en">');
  });

  it("keeps ?lang= across the redirect that cleans the URL", async () => {
    const { code } = await linkUser("pia");
    const browser = new PageClient();
    const first = await browser.get(`/reset-password?emailAuthCode=${code}&lang=de`);
    expect(first.location).toBe("/reset-password?lang=de");
    expect((await browser.follow(first)).html).toContain("Verwenden Sie 8 bis 256 Zeichen.");
  });
});

describe("branding", () => {
  it("wears the tenant's name, logo, colour and support address", async () => {
    const { w, code } = await linkUser("quin");
    const { callJson } = await import("../../support/api");
    await callJson("PATCH", `/api/v1/tenants/${w.tenantId}/branding`, {
      token: w.token,
      body: { displayName: "Initech", logoUrl: "https://cdn.initech.example/logo.png", primaryColor: "#facc15", supportEmail: "help@initech.example" },
    });
    const { page } = await openLink(new PageClient(), `emailAuthCode=${code}`);
    expect(page.html).toContain('<img src="https://cdn.initech.example/logo.png" alt="Initech"/>');
    expect(page.html).toContain("<title>Choose a new password – Initech</title>");
    expect(page.html).toContain("background:#facc15;color:#000000");
    expect(page.html).toContain('href="mailto:help@initech.example"');
  });
});

describe("the page as a browser reads it", () => {
  it("starts every page with <!doctype html>, so browsers render in standards mode, not quirks mode", async () => {
    const { w, code } = await linkUser("rita");
    const browser = new PageClient();
    const { page } = await openLink(browser, `emailAuthCode=${code}`);
    const ended = await new PageClient().get("/reset-password");
    const forgot = await new PageClient().get(`/forgot-password?tenantId=${w.tenantId}`);
    const unknownTenant = await new PageClient().get("/forgot-password?tenantId=nosuchtenant");
    for (const res of [page, ended, forgot, unknownTenant]) expect(res.html.startsWith("<!doctype html><html")).toBe(true);
  });

  it("gives password managers the account: a hidden username field with the user's email, once the link is proven valid", async () => {
    const { code } = await linkUser("sam");
    const { page } = await openLink(new PageClient(), `emailAuthCode=${code}`);
    expect(page.html).toMatch(/<input[^>]* name="username"[^>]* autocomplete="username"[^>]* value="sam@example.com"[^>]* hidden=""[^>]*\/>/);
    // Inside the form, before the new password, where password managers look for it.
    const form = page.html.slice(page.html.indexOf("<form"), page.html.indexOf("</form>"));
    expect(form.indexOf('name="username"')).toBeGreaterThan(-1);
    expect(form.indexOf('name="username"')).toBeLessThan(form.indexOf('name="newPassword"'));
  });

  it("names no account where the code is not proven: an unknown code, or an OTP request before its code is typed", async () => {
    const w = await world("tom");
    await createUser(w, "tom@example.com", "old password 1");
    const unknown = await openLink(new PageClient(), "emailAuthCode=notARealCode123");
    expect(unknown.page.html).not.toContain('name="username"');
    await setStrategy(w, "OTP");
    const browser = new PageClient();
    const path = `/forgot-password?tenantId=${w.tenantId}`;
    const form = await browser.get(path);
    const otp = await browser.follow(await browser.post(path, { formToken: formTokenOf(form.html), email: "tom@example.com" }));
    expect(otp.html).toContain('name="verificationCode"');
    expect(otp.html).not.toContain("tom@example.com");
  });
});
