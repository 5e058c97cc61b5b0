// GET /applications/{applicationId}/email-deliveries: what was sent to whom and how it went,
// never the body. Reset emails and the Password Updated email both show up there, because both
// travel through the email queue.
import { env } from "cloudflare:workers";
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

describe("paging email deliveries", () => {
  /** 450 deliveries, seven to a millisecond so that the id must break ties; every third one dead. */
  async function seed(applicationId: string, tenantId: string, tag: string): Promise<{ id: string; status: string; createdAt: number }[]> {
    const base = Date.now() - 60_000;
    const rows = Array.from({ length: 450 }, (_, i) => ({
      id: `${tag.padEnd(22, "0")}${String(i).padStart(4, "0")}`,
      status: ["dead", "sent", "failed"][i % 3]!,
      createdAt: base - Math.floor(i / 7),
    }));
    const insert = env.DB.prepare(
      "INSERT INTO email_deliveries (id, application_id, tenant_id, template, to_address, status, attempts, created_at, updated_at) VALUES (?, ?, ?, 'PASSWORD_RESET_LINK', ?, ?, 1, ?, ?)",
    );
    // Inserted out of order, so that the answer's order is the query's, not the table's.
    const shuffled = rows.map((_, i) => rows[(i * 7) % rows.length]!);
    await env.DB.batch(shuffled.map((r) => insert.bind(r.id, applicationId, tenantId, `${r.id}@example.com`, r.status, r.createdAt, r.createdAt)));
    return rows;
  }

  /** Newest first, the id breaking ties (descending), as the API promises. */
  const newestFirst = (rows: { id: string; createdAt: number }[]) => [...rows].sort((a, b) => b.createdAt - a.createdAt || (a.id < b.id ? 1 : -1)).map((r) => r.id);

  async function allPages(applicationId: string, token: string, query: string): Promise<{ pages: number; ids: string[] }> {
    const ids: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const res = await deliveries(applicationId, token, `?${query}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`);
      expect(res.status).toBe(200);
      ids.push(...res.body.items.map((d: { id: string }) => d.id));
      cursor = res.body.nextCursor;
      pages++;
    } while (cursor);
    return { pages, ids };
  }

  it("pages 450 deliveries newest first with an opaque cursor: no duplicate, no gap, with and without a status filter", async () => {
    const w = await world();
    const rows = await seed(w.applicationId, w.tenantId, "pg");

    const all = await allPages(w.applicationId, w.token, "limit=50");
    expect(all.pages).toBe(9);
    expect(new Set(all.ids).size).toBe(450);
    expect(all.ids).toEqual(newestFirst(rows));

    const big = await allPages(w.applicationId, w.token, "limit=200");
    expect(big.pages).toBe(3);
    expect(big.ids).toEqual(all.ids);

    const dead = await allPages(w.applicationId, w.token, "status=dead&limit=40");
    expect(dead.pages).toBe(4);
    expect(dead.ids).toEqual(newestFirst(rows.filter((r) => r.status === "dead")));
  });

  it("refuses a garbled cursor with 400; a cursor of another application's list shows only this application's deliveries", async () => {
    const w = await world();
    const other = await world("other");
    await seed(w.applicationId, w.tenantId, "mine");
    await seed(other.applicationId, other.tenantId, "theirs");
    const garbled = [
      "not-a-cursor",
      Buffer.from("[1,2,3]").toString("base64url"),
      Buffer.from('["yesterday","x"]').toString("base64url"),
      Buffer.from(`[1,"${"x".repeat(65)}"]`).toString("base64url"),
      "A".repeat(257),
    ];
    for (const cursor of garbled) {
      const res = await deliveries(w.applicationId, w.token, `?cursor=${encodeURIComponent(cursor)}`);
      expect(res.status).toBe(400);
      expect(res.body.code).toBe("query_parameter_constraint_violations");
    }
    const theirs = (await deliveries(other.applicationId, other.token, "?limit=10")).body.nextCursor as string;
    const res = await deliveries(w.applicationId, w.token, `?limit=200&cursor=${encodeURIComponent(theirs)}`);
    expect(res.status).toBe(200);
    expect(res.body.items.length).toBeGreaterThan(0);
    for (const d of res.body.items) expect(d.id.startsWith("mine")).toBe(true);
  });
});
