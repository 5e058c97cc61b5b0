// Login answers alike for a known, an unknown and an inactive email (issue 17, Targets): the same
// calls to D1, to a Durable Object and to the queues, in the same order, so neither the calls nor
// their time tell whether an account exists. The bindings are the real ones, recorded as they pass
// (test/support/binding-calls.ts). A known email's single object call goes to the user's object,
// where its counter and hash live; an email with no active user makes that one call to its
// address's object, where its counter lives (src/workflows/sessions/decoy-failures.ts): both are
// one Durable Object call, compared as such.
import { describe, expect, it } from "vitest";
import { type BindingCall, bindingCallsOf } from "../../support/binding-calls";
import { waitForAuditEvents } from "../../support/audit";
import { createUserWithStatus, setPolicy } from "../../support/codes";
import { type World, createUser, world } from "../../support/fixtures";

const RIGHT = "the right password";
const WRONG = "a wrong password";

function loginRequest(w: World, email: string, password: string) {
  return new Request("http://localhost/api/v1/login", {
    method: "POST",
    headers: { Authorization: `Bearer ${w.token}`, "Content-Type": "application/json" },
    body: JSON.stringify({ tenantId: w.tenantId, email, password }),
  });
}

/** What an observer of the round trips could tell apart: the service and kind of each call, in order. */
const sequence = (calls: BindingCall[]) =>
  calls.map((c) => (c.binding === "DB" ? `D1 ${c.kind}` : c.binding === "USERS" || c.binding === "ADDRESSES" ? "Durable Object call" : `${c.binding} ${c.kind}`));

/** `result`: the login's result, or the error code of a refusal (429). */
async function loginCalls(w: World, email: string, password: string, result: string) {
  const s = await bindingCallsOf(loginRequest(w, email, password));
  const body = JSON.parse(s.body);
  expect([s.res.status, body.result ?? body.code]).toEqual([result === "too_many_attempts" ? 429 : 200, result]);
  // Locally the work after the answer (waitUntil) runs alongside it: the whole request's calls are compared.
  return [...s.before, ...s.after];
}

describe("login makes the same calls for a known, an unknown and an inactive email", () => {
  it("a wrong password, an unknown email and an inactive user's email: the same D1, Durable Object and queue calls in the same order", async () => {
    const w = await world("parity");
    await createUser(w, "known@example.com", RIGHT);
    await createUserWithStatus(w, "inactive@example.com", "INACTIVE", RIGHT);
    // The tenant, its policy and the caller's standing are kept 5 s in the isolate (isolate-cache.ts,
    // caller-standing.ts): read them once first. The one D1 read left is the user's, by email.
    await loginCalls(w, "warm-up@example.com", WRONG, "INVALID_CREDENTIALS");
    const known = await loginCalls(w, "known@example.com", WRONG, "INVALID_CREDENTIALS");
    const unknown = await loginCalls(w, "nobody@example.com", WRONG, "INVALID_CREDENTIALS");
    const inactive = await loginCalls(w, "inactive@example.com", RIGHT, "INVALID_CREDENTIALS");
    expect(sequence(known)).toEqual(["D1 read", "Durable Object call", "AUDIT_QUEUE send"]);
    expect(sequence(unknown)).toEqual(sequence(known));
    expect(sequence(inactive)).toEqual(sequence(known));
    // The one object call: the user's login, or the address's count of an attempt with no user.
    expect([known, unknown, inactive].map((calls) => calls.filter((c) => c.kind === "call").map((c) => `${c.binding}.${c.detail}`))).toEqual([
      ["USERS.login"],
      ["ADDRESSES.countPasswordAttempt"],
      ["ADDRESSES.countPasswordAttempt"],
    ]);
  });

  it("a right password makes those calls too; its one extra, the user's key-id report, is a D1 write after the answer, once a day per user", async () => {
    const w = await world("parity-ok");
    await createUser(w, "signin@example.com", RIGHT);
    await loginCalls(w, "warm-up@example.com", WRONG, "INVALID_CREDENTIALS");
    const unknown = await loginCalls(w, "nobody@example.com", RIGHT, "INVALID_CREDENTIALS");
    const first = await loginCalls(w, "signin@example.com", RIGHT, "SUCCESS");
    const again = await loginCalls(w, "signin@example.com", RIGHT, "SUCCESS");
    expect(sequence(again)).toEqual(sequence(unknown));
    // The first session of the day changes what the user's object reports (src/user-object/key-ids.ts).
    const extra = first.filter((c) => c.binding === "DB" && c.kind === "write");
    expect(extra.map((c) => c.detail)).toEqual([expect.stringMatching(/^update "users" set "password_key_id" = \?, "refresh_key_ids" = \?/)]);
    expect(sequence(first.filter((c) => !extra.includes(c)))).toEqual(sequence(unknown));
  });

  it("a login held back for wrong passwords in a row: the same calls, and each is recorded (userId null for an unknown email)", async () => {
    const w = await world("parity-held");
    await setPolicy(w, { passwordFailuresBeforeDelay: 1 });
    const known = await createUser(w, "held@example.com", RIGHT);
    const inactive = await createUserWithStatus(w, "held-inactive@example.com", "INACTIVE", RIGHT);
    const emails = ["held@example.com", "nobody-held@example.com", "held-inactive@example.com"];
    // One free failure each; the next attempt waits (429 with Retry-After).
    for (const email of emails) await loginCalls(w, email, WRONG, "INVALID_CREDENTIALS");
    const held = [];
    for (const email of emails) held.push(await loginCalls(w, email, WRONG, "too_many_attempts"));
    expect(sequence(held[0]!)).toEqual(["D1 read", "Durable Object call", "AUDIT_QUEUE send"]);
    expect(sequence(held[1]!)).toEqual(sequence(held[0]!));
    expect(sequence(held[2]!)).toEqual(sequence(held[0]!));
    const events = await waitForAuditEvents(w.applicationId, w.token, "password_failures.exceeded", 3);
    expect(events.map((e) => e.userId).sort()).toEqual([known.id, inactive.id, null].sort());
    for (const e of events) expect(e).toMatchObject({ tenantId: w.tenantId, detail: { via: "login", resetRequired: false, retryAfterSeconds: 1 } });
  });
});
