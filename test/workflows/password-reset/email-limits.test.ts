// Reset emails per address: a cooldown (default 60 s) and a window cap (default 3 per 15 minutes),
// counted by the tenant-and-email subject so unknown addresses count exactly like real ones.
// Over the limit the API still answers 200 with the same body, and nothing goes on the email queue.
import { afterEach, describe, expect, it, vi } from "vitest";
import type { EmailJob } from "../../../src/email/message";
import { allAddressRows } from "../../support/address-object";
import { callJson } from "../../support/api";
import { MINUTE, clockAt } from "../../support/codes";
import { waitForAuditEvents } from "../../support/audit";
import { consume, recordingQueue } from "../../support/email-queue";
import { type World, createUser, world } from "../../support/fixtures";
import { emailAuthCodeOf, mailbox } from "../../support/mailbox";
import { reset, setStrategy } from "../../support/reset";

const REQUEST = "/api/v1/password-reset/request-password-reset";

/** Requests a reset, recording what it puts on the email queue (the consumer never sees it). */
function request(w: World, email: string, queue: Queue, token = w.token) {
  return callJson("POST", REQUEST, { token, body: { tenantId: w.tenantId, email }, env: { EMAIL_QUEUE: queue } });
}

/** Slots taken, over every address (the address objects hold them; D1's reset_email_sends is no longer written). */
function sendRows(): Promise<number> {
  return allAddressRows("email_sends");
}

afterEach(() => {
  vi.useRealTimers();
});

describe("reset emails per address", () => {
  it("defaults to a 60 s cooldown and 3 emails per 15 minutes", async () => {
    const w = await world();
    const res = await callJson("GET", `/api/v1/tenants/${w.tenantId}/password-reset-policy`, { token: w.token });
    expect(res.body).toMatchObject({ resetEmailCooldownSeconds: 60, resetEmailsPerWindow: 3, resetEmailWindowSeconds: 900 });
  });

  it("20 parallel requests for one address queue one email under the default cooldown, all answered alike", async () => {
    const w = await world();
    await createUser(w, "burst@example.com", "old password 1");
    const queue = recordingQueue(false);
    const answers = await Promise.all(Array.from({ length: 20 }, () => request(w, "burst@example.com", queue.binding)));
    for (const a of answers) expect([a.status, a.body]).toEqual([200, { emailVerificationStrategy: "LINK" }]);
    expect(queue.jobs).toHaveLength(1);
  });

  it("20 parallel requests queue exactly 3 emails when only the window cap holds (no cooldown)", async () => {
    const w = await world();
    await setStrategy(w, "LINK", { resetEmailCooldownSeconds: 0 });
    await createUser(w, "cap@example.com", "old password 1");
    const queue = recordingQueue(false);
    await Promise.all(Array.from({ length: 20 }, () => request(w, "cap@example.com", queue.binding)));
    expect(queue.jobs).toHaveLength(3);
  });

  it("counts an unknown address exactly like a real one (OTP), with the same answer shape", async () => {
    const w = await world();
    await setStrategy(w, "OTP", { resetEmailCooldownSeconds: 0 });
    const before = await sendRows();
    const queue = recordingQueue(false);
    const answers = await Promise.all(Array.from({ length: 20 }, () => request(w, "nobody-burst@example.com", queue.binding)));
    for (const a of answers) {
      expect(a.status).toBe(200);
      expect(Object.keys(a.body).sort()).toEqual(["emailVerificationStrategy", "requestCode"]);
    }
    expect(queue.jobs).toHaveLength(3);
    expect((await sendRows()) - before).toBe(3);
  });

  it("within the cooldown queues nothing and keeps the delivered code alive; after it, queues again", async () => {
    const w = await world();
    await createUser(w, "cool@example.com", "old password 1");
    const t0 = Date.UTC(2031, 0, 1);
    const token = await clockAt(w, t0);
    const queue = recordingQueue(false);
    await request(w, "cool@example.com", queue.binding, token);
    expect(queue.jobs).toHaveLength(1);
    await consume(queue.jobs[0] as EmailJob);
    const first = emailAuthCodeOf((await mailbox("cool@example.com"))[0]!);
    vi.setSystemTime(t0 + 59_000);
    expect((await request(w, "cool@example.com", queue.binding, token)).body).toEqual({ emailVerificationStrategy: "LINK" });
    expect(queue.jobs).toHaveLength(1);
    // A held request supersedes nothing: the code already in the owner's inbox still works.
    expect((await reset(token, { emailAuthCode: first, newPassword: "a new good password" })).body.result).toBe("PASSWORD_UPDATED");
    vi.setSystemTime(t0 + 61_000);
    await request(w, "cool@example.com", queue.binding, token);
    expect(queue.jobs).toHaveLength(2);
  });

  it("caps the window at 3, then queues again once the 15 minutes have passed", async () => {
    const w = await world();
    await createUser(w, "window@example.com", "old password 1");
    const t0 = Date.UTC(2031, 0, 2);
    const token = await clockAt(w, t0);
    const queue = recordingQueue(false);
    for (let i = 0; i < 5; i++) {
      vi.setSystemTime(t0 + i * 2 * MINUTE);
      await request(w, "window@example.com", queue.binding, token);
    }
    expect(queue.jobs).toHaveLength(3);
    const later = await clockAt(w, t0 + 15 * MINUTE + 1000);
    await request(w, "window@example.com", queue.binding, later);
    expect(queue.jobs).toHaveLength(4);
  });

  it("records a held request in the audit trail as limit_held, with no email job", async () => {
    const w = await world();
    const user = await createUser(w, "held@example.com", "old password 1");
    const queue = recordingQueue(false);
    await request(w, "held@example.com", queue.binding);
    await request(w, "held@example.com", queue.binding);
    expect(queue.jobs).toHaveLength(1);
    // The queued request's event rides on its job and is recorded at delivery (the consumer finds the user).
    expect((await consume(queue.jobs[0]!)).retryMessages).toEqual([]);
    const events = await waitForAuditEvents(w.applicationId, w.token, "password_reset.requested", 2);
    expect(events.map((e) => e.detail).sort((a, b) => String(a.outcome).localeCompare(String(b.outcome)))).toEqual([
      { strategy: "LINK", outcome: "email_queued", deliveryId: queue.jobs[0]!.id },
      { strategy: "LINK", outcome: "limit_held", deliveryId: null },
    ]);
    expect(events.every((e) => e.userId === user.id)).toBe(true);
  });

  it("is configurable per tenant, within documented bounds", async () => {
    const w = await world();
    const patch = (body: Record<string, unknown>) =>
      callJson("PATCH", `/api/v1/tenants/${w.tenantId}/password-reset-policy`, { token: w.token, body });
    expect((await patch({ resetEmailCooldownSeconds: 120, resetEmailsPerWindow: 5, resetEmailWindowSeconds: 3600 })).body).toMatchObject({
      resetEmailCooldownSeconds: 120,
      resetEmailsPerWindow: 5,
      resetEmailWindowSeconds: 3600,
    });
    expect((await patch({ resetEmailsPerWindow: 0 })).status).toBe(400);
    expect((await patch({ resetEmailWindowSeconds: 86401 })).status).toBe(400);
  });
});
