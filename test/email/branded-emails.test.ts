// Reset emails wear the tenant's branding and speak its default language.
import { describe, expect, it } from "vitest";
import { callJson } from "../support/api";
import { type World, createUser, world } from "../support/fixtures";
import { waitForMail } from "../support/mailbox";
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
