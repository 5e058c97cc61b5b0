// The three providers behind one interface, chosen by configuration, each driven through the real
// queue consumer: the HTTP provider (served by the host-app Worker), Cloudflare Email Service (the
// send_email binding, which the local runtime simulates) and the development mailbox.
import { describe, expect, it } from "vitest";
import { env } from "cloudflare:workers";
import { database } from "../../../src/db/client";
import { cloudflareDeliveryError } from "../../../src/email/providers/cloudflare";
import { devMailboxProvider } from "../../../src/email/providers/dev-mailbox";
import { httpDeliveryError } from "../../../src/email/providers/http";
import { HTTP_PROVIDER, providerInbox } from "../../support/email-provider";
import { consume, deliveryOf, resetJob } from "../../support/email-queue";
import { createUser, world } from "../../support/fixtures";
import { mailbox } from "../../support/mailbox";

describe("email providers", () => {
  it("http: posts Resend's JSON with the sender's name quoted or encoded", async () => {
    const w = await world("Café Ünïcode");
    await createUser(w, "http-encoded@example.com");
    const job = await resetJob(w, "http-encoded@example.com");
    await consume(job, { env: HTTP_PROVIDER });
    const [mail] = (await providerInbox("http-encoded@example.com")).items;
    expect(mail!.to).toEqual(["http-encoded@example.com"]);
    expect(mail!.from).toMatch(/^=\?UTF-8\?B\?[A-Za-z0-9+/=]+\?= <no-reply@reset\.example>$/);
    expect(mail!.subject).toMatch(/^=\?UTF-8\?B\?/);
    expect(mail!.text).toContain("Café Ünïcode");
    expect(await deliveryOf(w, job.id)).toMatchObject({ status: "sent", provider: "http" });
  });

  it("refuses a sender name with control characters: the job fails at once and nothing is sent", async () => {
    // The API refuses such a name at input (test/http/branding.test.ts); this is the last line of
    // defence for a name stored before that rule, written here straight into D1.
    const w = await world();
    await env.DB.prepare("UPDATE applications SET name = ? WHERE id = ?").bind("Acme\r\nBcc: victim@evil.example", w.applicationId).run();
    await createUser(w, "header-injection@example.com");
    const job = await resetJob(w, "header-injection@example.com");
    const result = await consume(job, { env: HTTP_PROVIDER });
    expect(result.retryMessages).toEqual([]);
    expect(await deliveryOf(w, job.id)).toMatchObject({ status: "failed", lastError: "invalid_sender_name" });
    expect((await providerInbox("header-injection@example.com")).requests).toBe(0);
  });

  it("cloudflare: sends through the send_email binding", async () => {
    const w = await world();
    await createUser(w, "cloudflare@example.com");
    const job = await resetJob(w, "cloudflare@example.com");
    const result = await consume(job, { env: { EMAIL_PROVIDER: "cloudflare", EMAIL_FROM: "no-reply@reset.example" } });
    expect(result.explicitAcks).toHaveLength(1);
    expect(await deliveryOf(w, job.id)).toMatchObject({ status: "sent", provider: "cloudflare", lastError: null });
  });

  it("cloudflare: a suppressed recipient or another message-level code is permanent; limits and internal errors retry", () => {
    const codeError = (code: string) => Object.assign(new Error("send failed"), { code });
    expect(cloudflareDeliveryError(codeError("E_RECIPIENT_SUPPRESSED"))).toMatchObject({ code: "E_RECIPIENT_SUPPRESSED", permanent: true });
    expect(cloudflareDeliveryError(codeError("E_SENDER_NOT_VERIFIED"))).toMatchObject({ permanent: true });
    expect(cloudflareDeliveryError(codeError("E_RATE_LIMIT_EXCEEDED"))).toMatchObject({ code: "E_RATE_LIMIT_EXCEEDED", permanent: false });
    expect(cloudflareDeliveryError(codeError("E_DAILY_LIMIT_EXCEEDED"))).toMatchObject({ permanent: false });
    expect(cloudflareDeliveryError(new TypeError("network"))).toMatchObject({ code: "TypeError", permanent: false });
  });

  it("http: 4xx are permanent except 408, 409 and 429; 5xx retry", () => {
    expect([400, 401, 403, 422].map((s) => httpDeliveryError(s).permanent)).toEqual([true, true, true, true]);
    expect([408, 409, 429, 500, 503].map((s) => httpDeliveryError(s).permanent)).toEqual([false, false, false, false, false]);
  });

  it("defaults to the development mailbox under ENVIRONMENT=development", async () => {
    const w = await world();
    await createUser(w, "dev-default@example.com");
    const job = await resetJob(w, "dev-default@example.com");
    await consume(job);
    expect(await deliveryOf(w, job.id)).toMatchObject({ status: "sent", provider: "dev-mailbox" });
    expect((await mailbox("dev-default@example.com")).length).toBeGreaterThanOrEqual(1);
  });

  it("never uses the development mailbox outside development, even when configured to", async () => {
    const w = await world();
    await createUser(w, "dev-in-production@example.com");
    const job = await resetJob(w, "dev-in-production@example.com");
    const production = { ENVIRONMENT: "production", PUBLIC_BASE_URL: "https://reset.example.com" };
    await consume(job, { env: { ...production, EMAIL_PROVIDER: "dev-mailbox" } });
    expect(await deliveryOf(w, job.id)).toMatchObject({ status: "retrying", lastError: "misconfigured:EMAIL_PROVIDER" });
    // Unset, production means Cloudflare Email Service, which needs a sender.
    await consume(job, { env: { ...production, EMAIL_PROVIDER: "", EMAIL_FROM: "" }, attempts: 2 });
    expect(await deliveryOf(w, job.id)).toMatchObject({ status: "retrying", lastError: "misconfigured:EMAIL_FROM" });
    expect(await mailbox("dev-in-production@example.com")).toEqual([]);
  });

  it("the development mailbox itself refuses to store mail outside development", async () => {
    const provider = devMailboxProvider({ ENVIRONMENT: "production" }, database(env));
    const mail = { deliveryId: "d", applicationId: "a", template: "PASSWORD_UPDATED" as const, to: "x@example.com", fromName: "x", subject: "s", text: "t", html: "h" };
    await expect(provider.send(mail)).rejects.toMatchObject({ code: "dev_mailbox_outside_development", permanent: true });
    expect(await mailbox("x@example.com")).toEqual([]);
  });
});
