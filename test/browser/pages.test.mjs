// The hosted pages in a real browser (Debian's Chromium through playwright-core) against
// `npm start`: each flow end to end from the email in the development mailbox, the failure
// pages, the second language, an axe-core check and a desktop and 360 px screenshot of each page.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdirSync } from "node:fs";
import { after, before, describe, it } from "node:test";
import { Api, chromiumPath, launchBrowser, linkIn, otpIn, seriousAccessibilityViolations, startService } from "./harness.mjs";

const SHOTS = new URL("../../test-results/screenshots/", import.meta.url).pathname;
const DEMO_TENANT = "demotenant0000000000000000";
let service;
let browser;
let api;

before(
  async () => {
    chromiumPath(); // fails first, with how to install it
    mkdirSync(SHOTS, { recursive: true });
    service = await startService();
    browser = await launchBrowser();
    api = new Api(service.base);
  },
  { timeout: 240_000 },
);

after(async () => {
  await browser?.close();
  await service?.stop();
});

const unique = (name) => `${name}-${Date.now()}-${Math.random().toString(36).slice(2, 6)}@example.com`;

async function newPage(options = {}) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, ...options });
  return context.newPage();
}

/** The page's checks that hold everywhere: no serious axe violation, fits 360 px; and its two screenshots. */
async function check(page, name) {
  assert.equal(await page.evaluate(() => document.compatMode), "CSS1Compat", `${name}: rendered in quirks mode`);
  // The username field for password managers is there, but never shown.
  for (const field of await page.locator('input[autocomplete="username"]').all()) assert.equal(await field.isVisible(), false, `${name}: username field visible`);
  assert.deepEqual(await seriousAccessibilityViolations(page), [], `${name}: serious accessibility violations`);
  await page.screenshot({ path: `${SHOTS}${name}-desktop.png`, fullPage: true });
  const desktop = page.viewportSize();
  await page.setViewportSize({ width: 360, height: 740 });
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= 360, `${name}: ${width} px wide on a 360 px screen`);
  await page.screenshot({ path: `${SHOTS}${name}-360.png`, fullPage: true });
  await page.setViewportSize(desktop);
}

async function choosePassword(page, password, repeat = password) {
  await page.getByLabel(/^New password$|^Neues Passwort$/).fill(password);
  await page.getByLabel(/New password, again|Neues Passwort wiederholen/).fill(repeat);
  await page.getByRole("button").click();
}

async function askForEmail(page, tenantId, email) {
  await page.goto(`${service.base}/forgot-password?tenantId=${tenantId}`);
  await page.getByLabel(/Email address|E-Mail-Adresse/).fill(email);
  await page.getByRole("button").click();
}

/**
 * Opens the email as a webmail on another site would show it (127.0.0.1 is another site than
 * localhost), and follows its button: the SameSite=Strict cookie must still carry the code.
 */
async function clickEmailLink(page, mail) {
  await page.goto(`${service.base.replace("localhost", "127.0.0.1")}/.well-known/jwks.json`);
  await page.setContent(mail.html);
  await page.locator("a", { hasText: /Choose a new password|Neues Passwort wählen/ }).click();
  await page.waitForURL(/\/reset-password/);
}

describe("npm start", () => {
  it("prints a demo reset link that completes a reset in a browser", async () => {
    const page = await newPage();
    await page.goto(service.demoResetLink);
    assert.equal(new URL(page.url()).search, "", "the code left the address bar");
    await choosePassword(page, "the demo's new password");
    await page.getByRole("heading", { name: "Your password is changed" }).waitFor();
    assert.equal(await api.loginResult(DEMO_TENANT, "alice@example.com", "the demo's new password"), "SUCCESS");
  });
});

describe("link flow", () => {
  it("forgot-password, the emailed link, a new password, signed in", async () => {
    const tenant = await api.tenant("link", { loginUrl: "https://app.example/login" }, { displayName: "Acme", primaryColor: "#0f766e", supportEmail: "help@acme.example" });
    const email = unique("ann");
    await api.user(tenant.id, email, "old password 1");
    const page = await newPage();

    await page.goto(`${service.base}/forgot-password?tenantId=${tenant.id}`);
    await check(page, "forgot-password");
    await askForEmail(page, tenant.id, email);
    await page.getByRole("heading", { name: "Check your email" }).waitFor();
    await check(page, "check-email");

    await clickEmailLink(page, await api.mail(email, "PASSWORD_RESET_LINK"));
    assert.equal(new URL(page.url()).pathname, "/reset-password");
    // The code left the address bar for a cookie; only the language the reset was asked in stays.
    assert.deepEqual([...new URL(page.url()).searchParams.keys()], ["lang"]);
    await page.getByRole("heading", { name: "Choose a new password" }).waitFor();
    assert.equal(await page.evaluate(() => document.activeElement?.id), "newPassword", "focus starts in the new password");
    assert.equal(await page.getByLabel("New password", { exact: true }).getAttribute("autocomplete"), "new-password");
    assert.equal(await page.locator('form input[autocomplete="username"]').inputValue(), email, "the account for password managers");
    await check(page, "reset-password");

    await choosePassword(page, "new password 2");
    await page.getByRole("heading", { name: "Your password is changed" }).waitFor();
    assert.equal(await page.getByRole("link", { name: "Continue to sign in" }).getAttribute("href"), "https://app.example/login");
    await check(page, "password-changed");
    assert.equal(await api.loginResult(tenant.id, email, "new password 2"), "SUCCESS");
    assert.notEqual(await api.loginResult(tenant.id, email, "old password 1"), "SUCCESS");
    await api.mail(email, "PASSWORD_UPDATED");
  });

  it("ten loads of the link spend nothing; the eleventh resets", async () => {
    const tenant = await api.tenant("ten");
    const email = unique("bob");
    await api.user(tenant.id, email, "old password 1");
    await api.call("POST", "/password-reset/request-password-reset", { tenantId: tenant.id, email });
    const link = linkIn(await api.mail(email, "PASSWORD_RESET_LINK"));
    for (let i = 0; i < 10; i++) {
      const scanner = await newPage();
      await scanner.goto(link);
      await scanner.getByRole("heading", { name: "Choose a new password" }).waitFor();
      await scanner.context().close();
    }
    const page = await newPage();
    await page.goto(link);
    await choosePassword(page, "new password 2");
    await page.getByRole("heading", { name: "Your password is changed" }).waitFor();
    assert.equal(await api.loginResult(tenant.id, email, "new password 2"), "SUCCESS");
  });

  it("states a policy violation next to the field, focused, and the code still works", async () => {
    const tenant = await api.tenant("policy");
    const email = unique("cat");
    await api.user(tenant.id, email, "old password 1");
    await api.call("POST", "/password-reset/request-password-reset", { tenantId: tenant.id, email });
    const page = await newPage();
    await page.goto(linkIn(await api.mail(email, "PASSWORD_RESET_LINK")));

    await choosePassword(page, "short");
    const field = page.getByLabel("New password", { exact: true });
    assert.equal(await page.locator("#newPassword-error").textContent(), "Too short: use at least 8 characters.");
    assert.equal(await field.getAttribute("aria-invalid"), "true");
    assert.match(await field.getAttribute("aria-describedby"), /newPassword-error/);
    assert.equal(await page.evaluate(() => document.activeElement?.id), "newPassword", "focus on the first error");
    await check(page, "reset-password-violation");

    await choosePassword(page, "old password 1");
    assert.equal(await page.locator("#newPassword-error").textContent(), "This is your current password. Choose a different one.");
    await choosePassword(page, "new password 2");
    await page.getByRole("heading", { name: "Your password is changed" }).waitFor();
  });

  it("shows an expired link as expired at once, with a way to ask again", async () => {
    const tenant = await api.tenant("expired");
    const email = unique("dan");
    await api.user(tenant.id, email, "old password 1");
    await api.call("POST", "/password-reset/request-password-reset", { tenantId: tenant.id, email });
    const link = linkIn(await api.mail(email, "PASSWORD_RESET_LINK"));
    // Time travel in storage: local wrangler dev has no clock to move. Codes are on shards (docs/shards.md).
    for (const binding of ["DB", "DB_SHARD_0", "DB_SHARD_1"]) {
      const sql = spawnSync("npx", ["wrangler", "d1", "execute", binding, "--local", "--persist-to", service.state, "--command", `UPDATE reset_codes SET expires_at = 1 WHERE tenant_id = '${tenant.id}'`], {
        encoding: "utf8",
        env: { ...process.env, CI: "true", WRANGLER_SEND_METRICS: "false" },
      });
      assert.equal(sql.status, 0, sql.stderr);
    }
    const page = await newPage();
    await page.goto(link);
    await page.getByRole("heading", { name: "This link has expired" }).waitFor();
    await check(page, "link-expired");
    await page.getByRole("link", { name: "Email me a new link" }).click();
    await page.getByRole("heading", { name: "Forgot your password?" }).waitFor();
  });

  it("shows a spent link as no longer working", async () => {
    const tenant = await api.tenant("spent");
    const email = unique("eve");
    await api.user(tenant.id, email, "old password 1");
    await api.call("POST", "/password-reset/request-password-reset", { tenantId: tenant.id, email });
    const link = linkIn(await api.mail(email, "PASSWORD_RESET_LINK"));
    const page = await newPage();
    await page.goto(link);
    await choosePassword(page, "new password 2");
    await page.getByRole("heading", { name: "Your password is changed" }).waitFor();
    await page.goto(link);
    await page.getByRole("heading", { name: "This link no longer works" }).waitFor();
    await check(page, "link-spent");
  });
});

describe("OTP flow", () => {
  it("forgot-password leads to the code form; a wrong code is stated and focused; the right one resets", async () => {
    const tenant = await api.tenant("otp", { emailVerificationStrategy: "OTP" });
    const email = unique("fay");
    await api.user(tenant.id, email, "old password 1");
    const page = await newPage();
    await askForEmail(page, tenant.id, email);
    await page.getByRole("heading", { name: "Enter your verification code" }).waitFor();
    assert.equal(new URL(page.url()).pathname, "/reset-password/otp");
    await check(page, "reset-password-otp");

    const code = otpIn(await api.mail(email, "PASSWORD_RESET_OTP"));
    const wrong = code.slice(0, -1) + String((Number(code.at(-1)) + 1) % 10);
    await page.getByLabel("Verification code").fill(wrong);
    await choosePassword(page, "new password 2");
    assert.equal(await page.locator("#verificationCode-error").textContent(), "This code is not right. Check the email and type it again.");
    assert.equal(await page.evaluate(() => document.activeElement?.id), "verificationCode");
    await check(page, "reset-password-otp-wrong-code");

    await page.getByLabel("Verification code").fill(code);
    await choosePassword(page, "new password 2");
    await page.getByRole("heading", { name: "Your password is changed" }).waitFor();
    assert.equal(await api.loginResult(tenant.id, email, "new password 2"), "SUCCESS");
  });
});

describe("admin link flow", () => {
  it("an admin link from the API resets the password", async () => {
    const tenant = await api.tenant("admin");
    const email = unique("gus");
    const user = await api.user(tenant.id, email, "old password 1");
    const { passwordResetLink } = await api.call("POST", "/password-reset/create-password-reset-link", { userId: user.id });
    const page = await newPage();
    await page.goto(passwordResetLink);
    assert.equal(new URL(page.url()).search, "");
    await choosePassword(page, "new password 2");
    await page.getByRole("heading", { name: "Your password is changed" }).waitFor();
    assert.equal(await api.loginResult(tenant.id, email, "new password 2"), "SUCCESS");
  });
});

describe("second language", () => {
  it("speaks German to a German browser, in the page and the email, and switches back to English", async () => {
    const tenant = await api.tenant("de");
    const email = unique("hal");
    await api.user(tenant.id, email, "old password 1");
    const page = await newPage({ locale: "de-DE" });
    await askForEmail(page, tenant.id, email);
    await page.getByRole("heading", { name: "Sehen Sie in Ihr Postfach" }).waitFor();

    const mail = await api.mail(email, "PASSWORD_RESET_LINK");
    assert.match(mail.subject, /Setzen Sie Ihr .*-Passwort zurück/);
    await clickEmailLink(page, mail);
    await page.getByRole("heading", { name: "Neues Passwort wählen" }).waitFor();
    assert.equal(await page.getAttribute("html", "lang"), "de");
    await check(page, "reset-password-de");

    await choosePassword(page, "kurz");
    assert.equal(await page.locator("#newPassword-error").textContent(), "Zu kurz: Verwenden Sie mindestens 8 Zeichen.");

    await page.getByRole("link", { name: "English" }).click();
    await page.getByRole("heading", { name: "Choose a new password" }).waitFor();
    await choosePassword(page, "neues Passwort 2");
    await page.getByRole("heading", { name: "Your password is changed" }).waitFor();
  });
});

describe("API reference", () => {
  it("renders /docs from the Scalar static asset, without Ask AI, MCP, Share, Deploy or outside requests", async () => {
    const script = await fetch(`${service.base}/docs/scalar.js`);
    assert.equal(script.status, 200);
    assert.match(script.headers.get("Content-Type") ?? "", /javascript/);
    await script.arrayBuffer();

    const page = await newPage();
    const elsewhere = [];
    page.on("request", (request) => {
      if (new URL(request.url()).origin !== service.base && !request.url().startsWith("data:") && !request.url().startsWith("blob:")) elsewhere.push(request.url());
    });
    await page.goto(`${service.base}/docs`);
    await page.getByRole("heading", { name: /Edge password reset/ }).first().waitFor({ timeout: 60_000 });
    const text = await page.locator("body").innerText();
    for (const extra of ["Ask AI", "MCP", "Deploy", "Share"]) assert.doesNotMatch(text, new RegExp(`\\b${extra}\\b`), `/docs shows ${extra}`);
    assert.deepEqual(elsewhere, []);
  });
});
