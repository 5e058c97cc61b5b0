// GET /applications/{applicationId}/audit-events and GET /users/{userId}/audit-events: the
// audit-event:read permission, the caller's boundary, filters by type and time, cursor pagination.
import { describe, expect, it } from "vitest";
import { ADMIN, callJson } from "../support/api";
import { createUser, scopedToken, world } from "../support/fixtures";
import { type AuditEventView, auditEvents, waitForAuditEvents } from "../support/audit";
import { setPolicy } from "../support/codes";

const appEvents = (applicationId: string) => `/api/v1/applications/${applicationId}/audit-events`;
const userEvents = (userId: string) => `/api/v1/users/${userId}/audit-events`;

/** Follows nextCursor from the first page to the last. */
async function allPages(path: string, token: string, query: string): Promise<{ pages: number; items: AuditEventView[] }> {
  const items: AuditEventView[] = [];
  let cursor: string | null = null;
  let pages = 0;
  do {
    const page = await auditEvents(path, token, `${query}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`);
    items.push(...page.items);
    cursor = page.nextCursor;
    pages++;
  } while (cursor);
  return { pages, items };
}

describe("listing audit events", () => {
  it("pages newest first with an opaque cursor, and filters by type and time range", async () => {
    const w = await world();
    for (const length of [9, 10, 11, 12, 13]) await setPolicy(w, { passwordMinLength: length });
    const everything = await waitForAuditEvents(w.applicationId, w.token, "policy.changed", 5);
    const full = (await auditEvents(appEvents(w.applicationId), w.token, "limit=100")).items;
    expect(full.length).toBe(6); // five policy changes and the creation of the world's client

    const paged = await allPages(appEvents(w.applicationId), w.token, "limit=2");
    expect(paged.pages).toBe(3);
    expect(paged.items.map((e) => e.id)).toEqual(full.map((e) => e.id));
    const times = full.map((e) => Date.parse(e.occurredAt));
    expect(times).toEqual([...times].sort((a, b) => b - a));
    expect(full.map((e) => e.detail.fields)).toContainEqual(["passwordMinLength"]);

    const typed = await allPages(appEvents(w.applicationId), w.token, "type=policy.changed&limit=2");
    expect(typed.items.map((e) => e.id)).toEqual(everything.map((e) => e.id));

    // from is inclusive, to exclusive.
    const from = everything[3]!.occurredAt;
    const to = everything[1]!.occurredAt;
    const ranged = await allPages(appEvents(w.applicationId), w.token, `type=policy.changed&limit=1&from=${from}&to=${to}`);
    const expected = everything.filter((e) => e.occurredAt >= from && e.occurredAt < to).map((e) => e.id);
    expect(ranged.items.map((e) => e.id)).toEqual(expected);
    expect(expected.length).toBeGreaterThan(0);
  });

  it("lists only the user's own events on the user route", async () => {
    const w = await world();
    const [alice, bob] = [await createUser(w, "alice@example.com"), await createUser(w, "bob@example.com")];
    for (const u of [alice, alice, bob]) expect((await callJson("POST", `/api/v1/users/${u.id}/sessions/revoke`, { token: w.token })).status).toBe(204);
    await waitForAuditEvents(w.applicationId, w.token, "sessions.revoked", 3);
    const own = await auditEvents(userEvents(alice.id), w.token, "");
    // Alice's creation and her two revocations; none of Bob's.
    expect(own.items.map((e) => e.type).sort()).toEqual(["sessions.revoked", "sessions.revoked", "user.created"]);
    expect(own.items.every((e) => e.userId === alice.id)).toBe(true);
  });

  it("needs audit-event:read, keeps to the caller's boundary, and bounds the page size", async () => {
    const w = await world();
    const other = await world("other");
    const user = await createUser(w, "bounded@example.com");
    const secondTenant = await callJson("POST", "/api/v1/tenants", { token: ADMIN, body: { applicationId: w.applicationId, name: "second" } });

    const withoutPermission = await scopedToken(w, ["user:read", "application:read"]);
    for (const path of [appEvents(w.applicationId), userEvents(user.id)]) {
      const res = await callJson("GET", path, { token: withoutPermission });
      expect(res.status).toBe(403);
      expect(res.body.message).toContain("audit-event:read");
    }

    const reader = await scopedToken(w, ["audit-event:read"]);
    expect((await callJson("GET", appEvents(w.applicationId), { token: reader })).status).toBe(200);
    expect((await callJson("GET", appEvents(other.applicationId), { token: reader })).status).toBe(404);
    expect((await callJson("GET", appEvents(w.applicationId), { token: ADMIN })).status).toBe(200);

    // A tenant-scoped reader acts only inside its tenant: not on the whole application, not on another tenant's user.
    const tenantReader = await scopedToken(w, ["audit-event:read"], w.tenantId);
    expect((await callJson("GET", appEvents(w.applicationId), { token: tenantReader })).status).toBe(403);
    expect((await callJson("GET", userEvents(user.id), { token: tenantReader })).status).toBe(200);
    const elsewhere = await createUser(w, "elsewhere@example.com", undefined, secondTenant.body.id);
    expect((await callJson("GET", userEvents(elsewhere.id), { token: tenantReader })).status).toBe(404);

    for (const query of ["limit=101", "limit=0", "cursor=not-a-cursor", "type=no.such.event", "from=yesterday"]) {
      expect((await callJson("GET", `${appEvents(w.applicationId)}?${query}`, { token: reader })).status, query).toBe(400);
    }
  });
});
