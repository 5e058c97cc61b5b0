// Turnstile on the hosted forgot-password form, where the policy turns it on. Siteverify is served
// by the host-app Worker (outboundService) with the behaviour of Cloudflare's test keys.
import { describe, expect, it } from "vitest";
import { createUser, world } from "../../support/fixtures";
import { setPolicy } from "../../support/codes";
import { mailbox, waitForMail } from "../../support/mailbox";
import { PageClient, formTokenOf, textOf } from "../../support/page-client";

async function turnstileTenant(name: string) {
  const w = await world(name);
  await setPolicy(w, { forgotPasswordTurnstile: true });
  const email = `${name}@example.com`;
  await createUser(w, email, "old password 1");
  const browser = new PageClient();
  const form = await browser.get(`/forgot-password?tenantId=${w.tenantId}`);
  const submit = (extra: Record<string, string>) => browser.post(`/forgot-password?tenantId=${w.tenantId}`, { formToken: formTokenOf(form.html), email, ...extra });
  return { w, email, form, submit };
}

describe("Turnstile on the forgot-password form", () => {
  it("is off by default: no widget, no script allowed", async () => {
    const w = await world("plain");
    const form = await new PageClient().get(`/forgot-password?tenantId=${w.tenantId}`);
    expect(form.html).not.toContain(`class="cf-turnstile"`);
    expect(form.html).not.toContain("<script");
  });

  it("is off by default: the forgot-password CSP lets no script or frame in, Turnstile's neither", async () => {
    const w = await world("plain-csp");
    const browser = new PageClient();
    const form = await browser.get(`/forgot-password?tenantId=${w.tenantId}`);
    const refused = await browser.post(`/forgot-password?tenantId=${w.tenantId}`, { formToken: formTokenOf(form.html), email: "not-an-email" });
    for (const res of [form, refused]) {
      const csp = res.headers.get("Content-Security-Policy")!;
      expect(csp).toContain("default-src 'none'");
      expect(csp).not.toContain("challenges.cloudflare.com");
      expect(csp).not.toMatch(/script-src|frame-src/);
    }
  });

  it("shows the widget with the site key, and lets only Turnstile's script and frame in", async () => {
    const { form } = await turnstileTenant("widget");
    expect(form.html).toContain('<div class="cf-turnstile" data-sitekey="1x00000000000000000000AA" data-language="en"></div>');
    const nonce = /'nonce-([^']+)'/.exec(form.headers.get("Content-Security-Policy")!)![1];
    expect(form.html).toContain(`<script src="https://challenges.cloudflare.com/turnstile/v0/api.js" async="" defer="" nonce="${nonce}"></script>`);
    const csp = form.headers.get("Content-Security-Policy")!;
    expect(csp).toMatch(/script-src 'nonce-[^']+' https:\/\/challenges\.cloudflare\.com/);
    expect(csp).toContain("frame-src https://challenges.cloudflare.com");
  });

  it("sends the email when siteverify passes the widget's token", async () => {
    const { email, submit } = await turnstileTenant("verified");
    const res = await submit({ "cf-turnstile-response": "XXXX.DUMMY.TOKEN.XXXX" });
    expect(res.html).toContain("Check your email");
    await waitForMail(email, "PASSWORD_RESET_LINK");
  });

  it("refuses a missing or failing token next to the widget, and sends nothing", async () => {
    const { email, submit } = await turnstileTenant("fail");
    for (const extra of [{}, { "cf-turnstile-response": "forged" }] as Record<string, string>[]) {
      const res = await submit(extra);
      expect(res.status).toBe(422);
      expect(textOf(res.html, "turnstile-error")).toBe("We could not confirm that you are a person. Please try again.");
    }
    expect(await mailbox(email)).toEqual([]);
  });

  it("fails closed with 503 when siteverify is down", async () => {
    const { email, submit } = await turnstileTenant("down");
    const res = await submit({ "cf-turnstile-response": "siteverify-down" });
    expect(res.status).toBe(503);
    expect(res.headers.get("Retry-After")).not.toBeNull();
    expect(await mailbox(email)).toEqual([]);
  });
});
