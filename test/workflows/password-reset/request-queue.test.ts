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

/** A job with what differs by nature (its id, time and the requestCode's hash) blanked out. */
function shape(job: Record<string, unknown>) {
  return { ...job, id: "<id>", createdAt: "<time>", to: "<to>", requestCodeHash: job.requestCodeHash === null ? null : "<hash>" };
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
    });
  }

  it("answers 503 with Retry-After when the queue refuses the message, promising nothing", async () => {
    const w = await world();
    await createUser(w, "queue-down@example.com");
    const refusing = {
      send: () => Promise.reject(new Error("queue unavailable")),
      sendBatch: () => Promise.reject(new Error("queue unavailable")),
    } as unknown as Queue;
    const res = await request(w, "queue-down@example.com", refusing);
    expect(res.status).toBe(503);
    expect(res.body).toMatchObject({ type: "base_error", code: "service_unavailable" });
    expect(res.res.headers.get("Retry-After")).toMatch(/^\d+$/);
  });
});
