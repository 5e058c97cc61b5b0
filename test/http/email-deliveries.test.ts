// GET /applications/{applicationId}/email-deliveries: what was sent to whom and how it went,
// never the body. Reset emails and the Password Updated email both show up there, because both
// travel through the email queue.
import { describe, expect, it } from "vitest";
import { callJson } from "../support/api";
import { createUser, scopedToken, world } from "../support/fixtures";
import { waitForMail } from "../support/mailbox";
import { emailAuthCode, reset } from "../support/reset";

const deliveries = (applicationId: string, token: string, query = "") => callJson("GET", `/api/v1/applications/${applicationId}/email-deliveries${query}`, { token });

async function waitForDeliveries(applicationId: string, token: string, count: number) {
  for (let i = 0; i < 250; i++) {
    const res = await deliveries(applicationId, token, "?status=sent");
    if (res.body.items.length >= count) return res.body.items;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`fewer than ${count} sent deliveries`);
}

describe("email deliveries", () => {
  it("lists the reset email and the Password Updated email as sent, newest first, without bodies", async () => {
    const w = await world();
    const user = await createUser(w, "listed@example.com");
    const code = await emailAuthCode(w, "listed@example.com");
    expect((await reset(w.token, { emailAuthCode: code, newPassword: "a brand new password" })).body.result).toBe("PASSWORD_UPDATED");
    await waitForMail("listed@example.com", "PASSWORD_UPDATED");

    const items = await waitForDeliveries(w.applicationId, w.token, 2);
    expect(items.map((d: { template: string }) => d.template)).toEqual(["PASSWORD_UPDATED", "PASSWORD_RESET_LINK"]);
    for (const d of items) {
      expect(d).toEqual({
        id: expect.stringMatching(/^[a-z0-9]{26}$/),
        tenantId: user.tenantId,
        template: d.template,
        to: "listed@example.com",
        status: "sent",
        attempts: 1,
        lastError: null,
        nextAttemptAt: null,
        provider: "dev-mailbox",
        createdAt: expect.any(String),
        updatedAt: expect.any(String),
      });
      expect(JSON.stringify(d)).not.toContain(code);
    }
    expect((await deliveries(w.applicationId, w.token, "?status=failed")).body.items).toEqual([]);
    expect((await deliveries(w.applicationId, w.token, "?limit=1")).body.items).toHaveLength(1);
  });

  it("needs email-delivery:read at Application boundary, and shows nothing of another application", async () => {
    const w = await world();
    const other = await world("other");
    const withoutPermission = await scopedToken(w, ["user:read"]);
    expect((await deliveries(w.applicationId, withoutPermission)).status).toBe(403);
    const reader = await scopedToken(w, ["email-delivery:read"]);
    expect((await deliveries(w.applicationId, reader)).status).toBe(200);
    expect((await deliveries(other.applicationId, reader)).status).toBe(404);
    const tenantReader = await scopedToken(w, ["email-delivery:read"], w.tenantId);
    expect((await deliveries(w.applicationId, tenantReader)).status).toBe(403);
  });

  it("refuses an unknown status or a limit out of range with 400", async () => {
    const w = await world();
    for (const query of ["?status=lost", "?limit=0", "?limit=201"]) {
      const res = await deliveries(w.applicationId, w.token, query);
      expect(res.status).toBe(400);
      expect(res.body.code).toBe("query_parameter_constraint_violations");
    }
  });
});
