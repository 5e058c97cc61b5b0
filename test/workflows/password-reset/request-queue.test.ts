// Request Password Reset hands its work to the email queue before it answers: one message per
// request, the same for known, unknown and inactive emails, so a crash after the answer loses
// nothing and the answer reveals nothing.
import { describe, expect, it } from "vitest";
import { callJson } from "../../support/api";
import { createUserWithStatus } from "../../support/codes";
import { recordingQueue } from "../../support/email-queue";
import { type World, createUser, world } from "../../support/fixtures";
import { setStrategy } from "../../support/reset";

async function request(w: World, email: string, queue: Queue) {
  return callJson("POST", "/api/v1/password-reset/request-password-reset", { token: w.token, body: { tenantId: w.tenantId, email }, env: { EMAIL_QUEUE: queue } });
}

/** An EMAIL_QUEUE that refuses every message, as a queue outage would. */
const refusing = {
  send: () => Promise.reject(new Error("queue unavailable")),
  sendBatch: () => Promise.reject(new Error("queue unavailable")),
} as unknown as Queue;

/**
 * A job with what differs by nature (its id, time and the requestCode's hash, and its audit event's
 * id, time, request id and job id) blanked out. The event itself must not differ: it is drawn
 * without the user, whom only the consumer looks up.
 */
function shape(job: Record<string, unknown>) {
  const requested = job.requested as Record<string, unknown> & { detail: Record<string, unknown> };
  const event = { ...requested, id: "<id>", occurredAt: "<time>", requestId: "<request>", detail: { ...requested.detail, deliveryId: "<id>" } };
  return { ...job, id: "<id>", createdAt: "<time>", to: "<to>", requestCodeHash: job.requestCodeHash === null ? null : "<hash>", requested: event };
}

describe("the hand-off of Request Password Reset", () => {
  for (const strategy of ["LINK", "OTP"] as const) {
    it(`sends exactly one queue message before answering, of one shape for known, unknown and inactive emails (${strategy})`, async () => {
      const w = await world();
      await setStrategy(w, strategy);
      await createUser(w, "known@example.com");
      await createUserWithStatus(w, "inactive@example.com", "INACTIVE");
      const shapes = [];
      for (const email of ["known@example.com", "unknown@example.com", "inactive@example.com"]) {
        const queue = recordingQueue(false);
        const res = await request(w, email, queue.binding);
        expect(res.status).toBe(200);
        expect(queue.jobs).toHaveLength(1);
        expect(queue.jobs[0]).toMatchObject({ kind: "PASSWORD_RESET", to: email, tenantId: w.tenantId, applicationId: w.applicationId });
        shapes.push(shape(queue.jobs[0] as unknown as Record<string, unknown>));
      }
      expect(shapes[1]).toEqual(shapes[0]);
      expect(shapes[2]).toEqual(shapes[0]);
      expect(shapes[0]).toMatchObject({ template: strategy === "OTP" ? "PASSWORD_RESET_OTP" : "PASSWORD_RESET_LINK", requestCodeHash: strategy === "OTP" ? "<hash>" : null });
      expect(shapes[0]!.requested).toMatchObject({ type: "password_reset.requested", userId: null });
    });
  }

  it("answers 503 with Retry-After when the queue refuses the message, promising nothing", async () => {
    const w = await world();
    await createUser(w, "queue-down@example.com");
    const res = await request(w, "queue-down@example.com", refusing);
    expect(res.status).toBe(503);
    expect(res.body).toMatchObject({ type: "base_error", code: "service_unavailable" });
    expect(res.res.headers.get("Retry-After")).toMatch(/^\d+$/);
  });

  it("gives the per-address slot back when the queue refuses, so a retry within the cooldown queues the email", async () => {
    const w = await world();
    await createUser(w, "queue-flap@example.com");
    expect((await request(w, "queue-flap@example.com", refusing)).status).toBe(503);
    // The caller retries at once, well within the 60 s cooldown: the email is queued this time.
    const queue = recordingQueue(false);
    expect((await request(w, "queue-flap@example.com", queue.binding)).status).toBe(200);
    expect(queue.jobs).toHaveLength(1);
    expect(queue.jobs[0]).toMatchObject({ kind: "PASSWORD_RESET", to: "queue-flap@example.com" });
  });
});
