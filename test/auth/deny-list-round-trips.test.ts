// The access-token deny-list costs no D1 round trip of its own (issue 17 item 4, "the deny-list
// with the caller's first read"): a client token of this service is checked in the one read that
// also loads its client's standing (src/directory/revoked-access-tokens.ts, clientTokenStanding),
// and an end user's token is checked against its session in the user's object, not the deny-list.
import { describe, expect, it } from "vitest";
import { type RoundTrip, roundTripsOf } from "../support/d1-round-trips";
import { type World, createUser, world } from "../support/fixtures";
import { loginOk, revokeToken } from "../support/sessions";

const names = (table: string) => (t: RoundTrip) => t.sql.some((q) => new RegExp(`"${table}"`).test(q));
const readsDenyList = names("revoked_access_tokens");
const readsClients = names("m2m_clients");

function loginRequest(w: World, token: string) {
  return new Request("http://localhost/api/v1/login", {
    method: "POST",
    headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
    body: JSON.stringify({ tenantId: w.tenantId, email: "nobody@example.com", password: "a wrong password" }),
  });
}

describe("the access-token deny-list is read with the caller's client", () => {
  it("a client token: one round trip reads the client and the token's deny-list entry together, live or revoked", async () => {
    const w = await world("deny-rt");
    const live = await roundTripsOf(loginRequest(w, w.token));
    expect(live.res.status).toBe(200);
    expect(live.before.filter(readsDenyList)).toHaveLength(1);
    expect(live.before.filter(readsDenyList).every(readsClients)).toBe(true);
    // The first round trip of the request: nothing is read before the caller is known.
    expect(readsDenyList(live.before[0]!)).toBe(true);

    expect((await revokeToken(w, w.token)).status).toBe(200);
    const revoked = await roundTripsOf(loginRequest(w, w.token));
    expect(revoked.res.status).toBe(401);
    expect(revoked.before).toHaveLength(1);
    expect(readsDenyList(revoked.before[0]!) && readsClients(revoked.before[0]!)).toBe(true);
  });

  it("an end user's token: its session is checked in the user's object, and no round trip reads the deny-list", async () => {
    const w = await world("deny-rt-user");
    const user = await createUser(w, "deny-rt@example.com", "a good password 1");
    const { accessToken } = await loginOk(w, "deny-rt@example.com", "a good password 1");
    const s = await roundTripsOf(
      new Request("http://localhost/api/v1/change-password", {
        method: "POST",
        headers: { Authorization: `Bearer ${accessToken}`, "Content-Type": "application/json" },
        body: JSON.stringify({ userId: user.id, currentPassword: "a wrong password", newPassword: "a brand new password" }),
      }),
    );
    expect(s.res.status).toBe(200);
    expect(s.before.filter(readsDenyList)).toEqual([]);
  });
});
