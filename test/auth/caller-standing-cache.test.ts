// Issue 19 (capacity): the caller's standing (its client's row and its token's deny-list entry) and
// the client row that client authentication reads are kept in the isolate for a few seconds
// (src/directory/caller-standing.ts), so a host app's stream of requests with one client token or
// one client secret does not read the directory replica on every request. A revocation made in
// this isolate clears its copies at once; one made elsewhere is honoured here within
// DIRECTORY_CACHE_TTL_MS (docs/data.md, "How stale a read may be").
import { createExecutionContext, createMessageBatch, getQueueResult, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { decodeJwt } from "jose";
import { describe, expect, it } from "vitest";
import worker from "../../src/index";
import { DIRECTORY_CACHE_TTL_MS } from "../../src/directory/isolate-cache";
import type { EmailJob } from "../../src/email/message";
import { ADMIN, callJson, form } from "../support/api";
import { countingD1 } from "../support/d1-round-trips";
import { EMAIL_QUEUE, recordingQueue } from "../support/email-queue";
import { type World, clientToken, createUser, world } from "../support/fixtures";
import { HTTP_PROVIDER } from "../support/email-provider";
import { withEveryQueue } from "../support/every-queue";
import { REPEATED_EMAILS, emailAuthCode, resetRequest, setStrategy } from "../support/reset";
import { loginOk, revokeToken } from "../support/sessions";
import { waitForAuditEvents } from "../support/audit";

type Database = "DB" | "DB_SHARD_0" | "DB_SHARD_1";
/** One D1 round trip (a statement, or a batch), and the database it went to. */
interface Trip {
  database: Database;
  sql: string[];
  answered: boolean;
}

/** The directory and every shard, each recording its round trips into `trips`. */
function countedDatabases(trips: Trip[], state: { answered: boolean }): Pick<Env, Database> {
  const counted = (database: Database) => countingD1(env[database], (sql) => trips.push({ database, sql, answered: state.answered }));
  return { DB: counted("DB"), DB_SHARD_0: counted("DB_SHARD_0"), DB_SHARD_1: counted("DB_SHARD_1") };
}

/** One request through the Worker with counted D1; its round trips, before and after the answer. */
async function tripsOf(request: Request, extra: Partial<Env> = {}) {
  const trips: Trip[] = [];
  const state = { answered: false };
  const ctx = createExecutionContext();
  const res = await worker.fetch(request, { ...env, ...extra, ...countedDatabases(trips, state) }, ctx);
  state.answered = true;
  const body = await res.text();
  await waitOnExecutionContext(ctx);
  return { res, body, trips };
}

/** The email consumer's round trips for one job, delivered alone. */
async function consumerTripsOf(job: EmailJob) {
  const trips: Trip[] = [];
  const batch = createMessageBatch<EmailJob>(EMAIL_QUEUE, [{ id: `msg-${job.id}`, timestamp: Date.now(), attempts: 1, body: job }]);
  const ctx = createExecutionContext();
  await worker.queue(batch, { ...env, ...HTTP_PROVIDER, ...countedDatabases(trips, { answered: true }) } as Env);
  expect((await getQueueResult(batch, ctx)).explicitAcks).toHaveLength(1);
  return trips;
}

const directory = (trips: Trip[]) => trips.filter((t) => t.database === "DB");

function requestReset(w: World, email: string) {
  return new Request("http://localhost/api/v1/password-reset/request-password-reset", {
    method: "POST",
    headers: { Authorization: `Bearer ${w.token}`, "Content-Type": "application/json" },
    body: JSON.stringify({ tenantId: w.tenantId, email }),
  });
}

function refreshRequest(w: World, refreshToken: string) {
  return new Request("http://localhost/api/v1/oauth2/token", {
    method: "POST",
    headers: { Authorization: `Basic ${btoa(`${w.clientId}:${w.clientSecret}`)}`, "Content-Type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ grant_type: "refresh_token", refresh_token: refreshToken }),
  });
}

const readTenant = (w: World, token: string) => callJson("GET", `/api/v1/tenants/${w.tenantId}`, { token });

describe("the caller's standing is kept in the isolate", () => {
  it("a second request-password-reset with the same client token reads nothing from the directory, nor does its email's delivery", async () => {
    const w = await world("standing-rr");
    await setStrategy(w, "LINK", REPEATED_EMAILS);
    await createUser(w, "standing-rr@example.com", "an old password 1");
    const queue = recordingQueue(false);
    const queues = withEveryQueue({ EMAIL_QUEUE: queue.binding });
    const first = await tripsOf(requestReset(w, "standing-rr@example.com"), queues);
    expect(first.res.status).toBe(200);
    const second = await tripsOf(requestReset(w, "standing-rr@example.com"), queues);
    expect(second.res.status).toBe(200);
    expect(queue.jobs).toHaveLength(2);
    // The first delivery reads the application's name and branding, which the isolate then keeps.
    await consumerTripsOf(queue.jobs[0]!);
    const consumer = await consumerTripsOf(queue.jobs[1]!);
    console.info(
      `D1 round trips request-password-reset: first ${first.trips.length} (directory ${directory(first.trips).length}), ` +
        `then ${second.trips.length} (directory ${directory(second.trips).length}); its consumer ${consumer.length}`,
    );
    expect(directory(second.trips)).toEqual([]);
    expect(directory(consumer)).toEqual([]);
  });

  it("a request-password-reset with its email's delivery makes at most 3 D1 round trips in all, and its audit event still names the user", async () => {
    const w = await world("standing-rr-total");
    await setStrategy(w, "LINK", REPEATED_EMAILS);
    const user = await createUser(w, "standing-rr-total@example.com", "an old password 1");
    const queue = recordingQueue(false);
    const queues = withEveryQueue({ EMAIL_QUEUE: queue.binding });
    await tripsOf(requestReset(w, "standing-rr-total@example.com"), queues);
    await consumerTripsOf(queue.jobs[0]!);
    const request = await tripsOf(requestReset(w, "standing-rr-total@example.com"), queues);
    expect(request.res.status).toBe(200);
    const consumer = await consumerTripsOf(queue.jobs[1]!);
    console.info(`D1 round trips request-password-reset and its delivery: ${request.trips.length} + ${consumer.length}`);
    // Issue 19's target: the request, after its answer too, and the consumer's share together.
    expect(request.trips.length + consumer.length).toBeLessThanOrEqual(3);
    const events = await waitForAuditEvents(w.applicationId, w.token, "password_reset.requested", 2);
    expect(events.map((e) => [e.userId, e.detail.outcome])).toEqual([
      [user.id, "email_queued"],
      [user.id, "email_queued"],
    ]);
  });

  it("a refresh by a client that authenticated a moment ago makes at most 1 D1 round trip, none in the directory", async () => {
    const w = await world("standing-refresh");
    await createUser(w, "standing-refresh@example.com", "the right password");
    const { refreshToken } = await loginOk(w, "standing-refresh@example.com", "the right password");
    const first = await tripsOf(refreshRequest(w, refreshToken));
    expect(first.res.status).toBe(200);
    const second = await tripsOf(refreshRequest(w, JSON.parse(first.body).refresh_token));
    expect(second.res.status).toBe(200);
    console.info(`D1 round trips refresh: first ${first.trips.length} (directory ${directory(first.trips).length}), then ${second.trips.length} (directory ${directory(second.trips).length})`);
    expect(directory(second.trips)).toEqual([]);
    expect(second.trips.length).toBeLessThanOrEqual(1);
  });

  it("a link reset with a client token in use reads nothing from the directory: at most 2 D1 round trips in all", async () => {
    const w = await world("standing-link");
    await setStrategy(w, "LINK", REPEATED_EMAILS);
    await createUser(w, "standing-link@example.com", "an old password 1");
    const code = await emailAuthCode(w, "standing-link@example.com");
    const s = await tripsOf(resetRequest(w.token, { emailAuthCode: code, newPassword: "a new good password" }));
    expect(JSON.parse(s.body).result).toBe("PASSWORD_UPDATED");
    const before = s.trips.filter((t) => !t.answered);
    console.info(`D1 round trips link reset: ${before.length} before the answer (directory ${directory(before).length}), ${s.trips.length - before.length} after`);
    expect(directory(s.trips)).toEqual([]);
    expect(s.trips.length).toBeLessThanOrEqual(2);
  });
});

describe("a revocation in this isolate is not held back by its cache", () => {
  it("a revoked token, a disabled client's token and secret are refused at once, though each was just in use", async () => {
    const w = await world("standing-revoke");
    const other = await clientToken(w.clientId, w.clientSecret);
    expect((await readTenant(w, other)).status).toBe(200);
    expect((await revokeToken(w, other)).status).toBe(200);
    expect((await readTenant(w, other)).status).toBe(401);

    const made = await callJson("POST", `/api/v1/applications/${w.applicationId}/clients`, { token: ADMIN, body: { name: "standing-made", permissions: ["tenant:read"] } });
    const token = await clientToken(made.body.id, made.body.clientSecret);
    expect((await readTenant(w, token)).status).toBe(200);
    expect((await callJson("PATCH", `/api/v1/applications/${w.applicationId}/clients/${made.body.id}`, { token: ADMIN, body: { disabled: true } })).status).toBe(200);
    expect((await readTenant(w, token)).status).toBe(401);
    expect((await form("/api/v1/oauth2/token", { grant_type: "client_credentials" }, { id: made.body.id, secret: made.body.clientSecret })).status).toBe(401);
  });
});

describe("a revocation made in another isolate is honoured within the cache's lifetime", () => {
  it("a client disabled behind this isolate's back (a direct D1 write, as another isolate's would be): its token still works from the isolate's copy, and answers 401 once the copy expired", async () => {
    const w = await world("standing-elsewhere");
    const made = await callJson("POST", `/api/v1/applications/${w.applicationId}/clients`, { token: ADMIN, body: { name: "standing-elsewhere", permissions: ["tenant:read"] } });
    const token = await clientToken(made.body.id, made.body.clientSecret);
    expect((await readTenant(w, token)).status).toBe(200);
    const at = Date.now();
    await env.DB.prepare("UPDATE m2m_clients SET disabled_at = ?, tokens_valid_after = ? WHERE id = ?").bind(at, at, made.body.id).run();
    // Within the lifetime: the isolate's copy, and no D1 read.
    const cached = await tripsOf(new Request(`http://localhost/api/v1/tenants/${w.tenantId}`, { headers: { Authorization: `Bearer ${token}` } }));
    expect(cached.res.status).toBe(200);
    expect(directory(cached.trips).filter((t) => t.sql.some((q) => /"m2m_clients"/.test(q)))).toEqual([]);
    await new Promise((r) => setTimeout(r, DIRECTORY_CACHE_TTL_MS + 50));
    expect((await readTenant(w, token)).status).toBe(401);
    expect(decodeJwt(token).client_id).toBe(made.body.id);
  });
});
