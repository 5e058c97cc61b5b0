// GET /dev/mailbox?wait=N: the quickstart's last step asks right after request-password-reset,
// while the email is still on the queue, so the mailbox can wait (bounded) for the first message.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { database } from "../../src/db/client";
import { devMailboxProvider } from "../../src/email/providers/dev-mailbox";
import { call, callJson } from "../support/api";

const unique = (name: string) => `${name}-${crypto.randomUUID()}@example.com`;

function deliverLater(to: string, ms: number): Promise<unknown> {
  return new Promise((r) => setTimeout(r, ms)).then(() =>
    devMailboxProvider(env, database(env)).send({ applicationId: "app", to, from: "dev@example.com", template: "PASSWORD_UPDATED", subject: "s", text: "t", html: "<p>h</p>" } as never),
  );
}

describe("GET /dev/mailbox?wait=", () => {
  it("waits for mail that lands during the wait", async () => {
    const to = unique("waited");
    const delivered = deliverLater(to, 400);
    const { status, body } = await callJson<{ items: { to: string }[] }>("GET", `/dev/mailbox?to=${encodeURIComponent(to)}&wait=5`);
    await delivered;
    expect(status).toBe(200);
    expect(body.items.map((m) => m.to)).toEqual([to]);
  });

  it("answers at once without wait (the default is 0), and after the wait with nothing", async () => {
    const started = Date.now();
    const { body } = await callJson<{ items: unknown[] }>("GET", `/dev/mailbox?to=${encodeURIComponent(unique("none"))}`);
    expect(body.items).toEqual([]);
    expect(Date.now() - started).toBeLessThan(500);

    const waited = Date.now();
    expect((await callJson<{ items: unknown[] }>("GET", `/dev/mailbox?to=${encodeURIComponent(unique("none"))}&wait=1`)).body.items).toEqual([]);
    expect(Date.now() - waited).toBeGreaterThanOrEqual(900);
  });

  it("refuses a wait over 10 seconds or not a whole number", async () => {
    for (const wait of ["11", "-1", "1.5", "x", "1e3", ""]) {
      const res = await call("GET", `/dev/mailbox?wait=${wait}`);
      expect(res.status, `wait=${wait}`).toBe(400);
    }
  });
});
