// A deployment that cannot send mail says so: request-password-reset checks the email settings
// before it promises an email, answering 503 `misconfigured` (logged once, never the value) and
// queuing nothing. And the consumer logs each outcome as a JSON event with the delivery id only.
import { afterEach, describe, expect, it, vi } from "vitest";
import { callJson } from "../../support/api";
import { HTTP_PROVIDER, PRODUCTION_HTTP } from "../../support/email-provider";
import { DEAD_LETTER_QUEUE, consume, recordingQueue, resetJob } from "../../support/email-queue";
import { type World, clientTokenUnder, createUser, world } from "../../support/fixtures";

const PRODUCTION = { ENVIRONMENT: "production", PUBLIC_BASE_URL: "https://reset.example.com" };

/** Every case runs with PUBLIC_BASE_URL set, so tokens are issued under it (it is their `iss`). */
async function request(w: World, email: string, overrides: Partial<Env>, queue: Queue) {
  const token = await clientTokenUnder(overrides, w.clientId, w.clientSecret);
  return callJson("POST", "/api/v1/password-reset/request-password-reset", { token, body: { tenantId: w.tenantId, email }, env: { ...overrides, EMAIL_QUEUE: queue } });
}

/** The JSON lines a console method printed, parsed (other lines skipped). */
function events(spy: { mock: { calls: unknown[][] } }): Record<string, unknown>[] {
  return spy.mock.calls.flatMap((args) => {
    try {
      const parsed = JSON.parse(String(args[0]));
      return typeof parsed === "object" && parsed !== null ? [parsed as Record<string, unknown>] : [];
    } catch {
      return [];
    }
  });
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe("email settings are checked before an email is promised", () => {
  const cases: [string, Partial<Env>, string, string | null][] = [
    ["EMAIL_FROM missing (Cloudflare Email Service, the production default)", { ...PRODUCTION, EMAIL_PROVIDER: "", EMAIL_FROM: "" }, "EMAIL_FROM", null],
    ["the HTTP provider's key missing", { ...PRODUCTION_HTTP, EMAIL_HTTP_API_KEY: "" }, "EMAIL_HTTP_API_KEY", null],
    ["an unknown EMAIL_PROVIDER", { ...PRODUCTION, EMAIL_PROVIDER: "sendgrid-v9", EMAIL_FROM: "no-reply@reset.example" }, "EMAIL_PROVIDER", "sendgrid-v9"],
    ["the development mailbox in production", { ...PRODUCTION, EMAIL_PROVIDER: "dev-mailbox" }, "EMAIL_PROVIDER", null],
  ];
  for (const [name, overrides, variable, value] of cases) {
    it(`answers 503 misconfigured and queues nothing with ${name}, logged once`, async () => {
      const w = await world();
      await createUser(w, "settings@example.com");
      const errors = vi.spyOn(console, "error");
      const queue = recordingQueue(false);
      for (let i = 0; i < 2; i++) {
        const res = await request(w, "settings@example.com", overrides, queue.binding);
        expect(res.status).toBe(503);
        expect(res.body).toMatchObject({ code: "misconfigured" });
      }
      expect(queue.jobs).toEqual([]);
      const logged = events(errors).filter((e) => e.event === "misconfigured" && e.variable === variable);
      expect(logged).toHaveLength(1);
      if (value) expect(JSON.stringify(errors.mock.calls)).not.toContain(value);
    });
  }

  it("answers 200 and queues the email with working settings", async () => {
    const w = await world();
    await createUser(w, "settings-ok@example.com");
    const queue = recordingQueue(false);
    expect((await request(w, "settings-ok@example.com", PRODUCTION_HTTP, queue.binding)).status).toBe(200);
    expect((await request(w, "settings-ok-cf@example.com", { ...PRODUCTION, EMAIL_PROVIDER: "cloudflare", EMAIL_FROM: "no-reply@reset.example" }, queue.binding)).status).toBe(200);
    expect(queue.jobs).toHaveLength(2);
  });
});

describe("delivery outcomes are logged", () => {
  it("logs sent, failed and dead as JSON events with the delivery id, never the address or the code", async () => {
    const w = await world();
    const logs = vi.spyOn(console, "log");
    const errors = vi.spyOn(console, "error");
    const sent = "logged-sent@example.com";
    const failed = "suppressed-logged@example.com";
    const dead = "down-logged@example.com";
    for (const email of [sent, failed, dead]) await createUser(w, email);
    const sentJob = await resetJob(w, sent);
    const failedJob = await resetJob(w, failed);
    const deadJob = await resetJob(w, dead);
    await consume(sentJob, { env: HTTP_PROVIDER });
    await consume(failedJob, { env: HTTP_PROVIDER });
    await consume(deadJob, { env: HTTP_PROVIDER });
    await consume(deadJob, { env: HTTP_PROVIDER, queue: DEAD_LETTER_QUEUE });

    const all = [...events(logs), ...events(errors)];
    expect(all).toContainEqual(expect.objectContaining({ event: "email.sent", deliveryId: sentJob.id, template: "PASSWORD_RESET_LINK", provider: "http" }));
    expect(all).toContainEqual(expect.objectContaining({ event: "email.failed", deliveryId: failedJob.id, failure: "http_422" }));
    expect(all).toContainEqual(expect.objectContaining({ event: "email.dead", deliveryId: deadJob.id }));
    const printed = JSON.stringify([logs.mock.calls, errors.mock.calls]);
    for (const email of [sent, failed, dead]) expect(printed).not.toContain(email);
    expect(printed).not.toMatch(/emailAuthCode|verificationCode|h1:/);
  });
});
