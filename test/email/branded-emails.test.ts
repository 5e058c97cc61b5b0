// Reset emails wear the tenant's branding and speak its default language.
import { describe, expect, it } from "vitest";
import { callJson } from "../support/api";
import { type World, createUser, world } from "../support/fixtures";
import { type Mail, waitForMail } from "../support/mailbox";
import { PageClient, formTokenOf } from "../support/page-client";
import { adminLinkCode, requestReset, reset, setStrategy } from "../support/reset";

async function brand(w: World, body: Record<string, unknown>) {
  const res = await callJson("PATCH", `/api/v1/tenants/${w.tenantId}/branding`, { token: w.token, body });
  if (res.status !== 200) throw new Error(`branding: ${res.status} ${JSON.stringify(res.body)}`);
}

const BRAND = { displayName: "Initech", logoUrl: "https://cdn.initech.example/logo.png", primaryColor: "#0f766e", supportEmail: "help@initech.example" };

describe("branded emails", () => {
  it("puts the tenant's name, logo, colour and support address in the reset link email", async () => {
    const w = await world();
    await brand(w, BRAND);
    await createUser(w, "ann@example.com", "old password 1");
    await requestReset(w, "ann@example.com");
    const mail = await waitForMail("ann@example.com", "PASSWORD_RESET_LINK");
    expect(mail.subject).toBe("Reset your Initech password");
    expect(mail.html).toContain('<html lang="en">');
    expect(mail.html).toContain('src="https://cdn.initech.example/logo.png" alt="Initech"');
    expect(mail.html).toContain("background:#0f766e;color:#ffffff");
    expect(mail.html).toContain('href="mailto:help@initech.example"');
    expect(mail.text).toMatch(/emailAuthCode=/);
    expect(mail.text).toContain("Questions? Write to help@initech.example");
  });

  it("writes in the tenant's default language: a German OTP email and a German Password Updated email", async () => {
    const w = await world();
    await brand(w, { ...BRAND, defaultLanguage: "de" });
    await setStrategy(w, "OTP");
    await createUser(w, "bea@example.com", "old password 1");
    const { body } = await requestReset(w, "bea@example.com");
    const mail = await waitForMail("bea@example.com", "PASSWORD_RESET_OTP");
    expect(mail.subject).toBe("Ihr Initech-Code zum Zurücksetzen des Passworts");
    expect(mail.html).toContain('<html lang="de">');
    const verificationCode = /Ihr Bestätigungscode lautet: (\d{6})/.exec(mail.text)![1]!;
    expect(mail.html).toContain(`>${verificationCode}</p>`);

    const done = await reset(w.token, { requestCode: body.requestCode, verificationCode, newPassword: "new password 2" });
    expect(done.body.result).toBe("PASSWORD_UPDATED");
    const updated = await waitForMail("bea@example.com", "PASSWORD_UPDATED");
    expect(updated.subject).toBe("Ihr Initech-Passwort wurde geändert");
    expect(updated.text).toContain("Fragen? Schreiben Sie an help@initech.example");
  });

  it("escapes a display name that looks like markup", async () => {
    const w = await world();
    await brand(w, { displayName: `<img src=x onerror="alert(1)">` });
    const user = await createUser(w, "cid@example.com", "old password 1");
    const code = await adminLinkCode(w, user.id);
    await reset(w.token, { passwordResetCode: code, newPassword: "new password 2" });
    const mail = await waitForMail("cid@example.com", "PASSWORD_UPDATED");
    expect(mail.html).not.toContain("<img src=x");
    expect(mail.html).toContain("&lt;img src=x onerror=&quot;alert(1)&quot;&gt;");
  });

  it("escapes markup and quotes from the display name everywhere in the HTML, which starts with a doctype", async () => {
    const w = await world();
    const displayName = `Evil <script>alert("x")</script> & Co's`;
    const escaped = "Evil &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; Co&#39;s";
    await brand(w, { displayName, logoUrl: "https://cdn.evil.example/logo.png" });
    await createUser(w, "dot@example.com", "old password 1");
    await requestReset(w, "dot@example.com");
    const mail = await waitForMail("dot@example.com", "PASSWORD_RESET_LINK");
    expect(mail.subject).toBe(`Reset your ${displayName} password`);
    expect(mail.html.startsWith("<!doctype html>")).toBe(true);
    expect(mail.html).not.toContain("<script>");
    expect(mail.html).not.toContain('alert("x")');
    expect(mail.html).toContain(`<title>Reset your ${escaped} password</title>`);
    expect(mail.html).toContain(`alt="${escaped}"`);
    expect(mail.html).toContain(`password of your ${escaped} account.`);
  });
});

/** The emailed link, as the mail's button carries it (the HTML escapes its `&`). */
function buttonLink(mail: Mail): string {
  const m = /<a href="(http[^"]+)"/.exec(mail.html);
  if (!m) throw new Error("no link in mail");
  return m[1]!.replaceAll("&amp;", "&");
}

/** Opens an emailed link in a browser that names no language, following the page's redirect. */
async function openLink(link: string) {
  const url = new URL(link);
  const browser = new PageClient();
  const res = await browser.get(`${url.pathname}${url.search}`);
  return res.status === 303 ? browser.follow(res) : res;
}

describe("emailed links keep the language the reset was asked for in", () => {
  async function askInGerman(tenantId: string, email: string) {
    const path = `/forgot-password?tenantId=${tenantId}&lang=de`;
    const browser = new PageClient();
    const form = await browser.get(path);
    await browser.post(path, { formToken: formTokenOf(form.html), email });
  }

  it("a German link email opens a German page", async () => {
    const w = await world();
    await createUser(w, "fay@example.com", "old password 1");
    await askInGerman(w.tenantId, "fay@example.com");
    const mail = await waitForMail("fay@example.com", "PASSWORD_RESET_LINK");
    expect(mail.html).toContain('<html lang="de">');
    const page = await openLink(buttonLink(mail));
    expect(page.status).toBe(200);
    expect(page.html).toContain('<html lang="de">');
    expect(page.html).toContain("Neues Passwort speichern");
  });

  it("the link in a German OTP email opens a German page", async () => {
    const w = await world();
    await setStrategy(w, "OTP");
    await createUser(w, "gus@example.com", "old password 1");
    await askInGerman(w.tenantId, "gus@example.com");
    const mail = await waitForMail("gus@example.com", "PASSWORD_RESET_OTP");
    expect(mail.html).toContain('<html lang="de">');
    const link = /(http\S+emailAuthCode=\S+)/.exec(mail.text)![1]!;
    expect(buttonLink(mail)).toBe(link);
    const page = await openLink(link);
    expect(page.status).toBe(200);
    expect(page.html).toContain('<html lang="de">');
    expect(page.html).toContain("Neues Passwort speichern");
  });

  it("a reset asked for without a language links to the page without one: the reader's browser decides", async () => {
    const w = await world();
    await createUser(w, "hal@example.com", "old password 1");
    await requestReset(w, "hal@example.com");
    const mail = await waitForMail("hal@example.com", "PASSWORD_RESET_LINK");
    expect(new URL(buttonLink(mail)).searchParams.has("lang")).toBe(false);
  });
});
