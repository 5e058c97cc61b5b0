// Issue 16 item 2: refresh and revocation are bound to the client the token was issued to
// (RFC 6749 §6, RFC 7009 §2.1). Another client of the same application, even one holding every
// permission, gets invalid_grant for a refresh and a 200 that revokes nothing, and its attempt
// counts as nothing: no rotation, no reuse detection. Introspection stays open within the
// boundary (RFC 7662 §2.1: any authorised protected resource may ask).
import { describe, expect, it } from "vitest";
import { PERMISSIONS } from "../../../src/config/permissions";
import { ADMIN, callJson } from "../../support/api";
import { type World, clientToken, createUser, world } from "../../support/fixtures";
import { boundWorld, failed, rpc, succeeded } from "../../support/rpc";
import { introspect, loginOk, refresh, revokeToken } from "../../support/sessions";

/** Another client of w's application, as a World of its own (same application and tenant). */
async function sibling(w: World, permissions: string[] = []): Promise<World> {
  const created = await callJson("POST", `/api/v1/applications/${w.applicationId}/clients`, { token: ADMIN, body: { name: "sibling", permissions } });
  if (created.status !== 201) throw new Error(`client: ${created.status}`);
  const { id, clientSecret } = created.body as { id: string; clientSecret: string };
  return { ...w, clientId: id, clientSecret, token: await clientToken(id, clientSecret) };
}

describe("a refresh token presented by another client of the same application", () => {
  it("answers invalid_grant, and neither rotates the token nor ends the rightful client's session", async () => {
    const w = await world();
    await createUser(w, "bound@example.com", "password one");
    const s = await loginOk(w, "bound@example.com", "password one");
    const other = await sibling(w);

    const stolen = await refresh(other, s.refreshToken);
    expect(stolen.status).toBe(400);
    expect(stolen.body.error).toBe("invalid_grant");

    // Counted as nothing: the rightful client's token is still the current one, its session alive.
    const r1 = await refresh(w, s.refreshToken);
    expect(r1.status).toBe(200);
    expect((await callJson("GET", `/api/v1/users/${s.userId}/sessions`, { token: w.token })).body.items).toHaveLength(1);
    // Even the successor, presented by the other client, is refused and counts for nothing.
    expect((await refresh(other, r1.body.refresh_token)).status).toBe(400);
    expect((await refresh(w, r1.body.refresh_token)).status).toBe(200);
  });

  it("is refused even to a client holding every permission", async () => {
    const w = await world();
    await createUser(w, "bound-all@example.com", "password one");
    const s = await loginOk(w, "bound-all@example.com", "password one");
    const other = await sibling(w, [...PERMISSIONS]);
    expect((await refresh(other, s.refreshToken)).body.error).toBe("invalid_grant");
    expect((await refresh(w, s.refreshToken)).status).toBe(200);
  });

  it("is not triggered into reuse detection by a rotated token presented by another client", async () => {
    const w = await world();
    await createUser(w, "bound-reuse@example.com", "password one");
    const s = await loginOk(w, "bound-reuse@example.com", "password one");
    const r1 = await refresh(w, s.refreshToken);
    const r2 = await refresh(w, r1.body.refresh_token);
    expect(r2.status).toBe(200);
    // The first token is spent: presented by its own client this would end the session (RFC 9700).
    const other = await sibling(w);
    expect((await refresh(other, s.refreshToken)).body.error).toBe("invalid_grant");
    expect((await refresh(w, r2.body.refresh_token)).status).toBe(200);
  });
});

describe("revocation by another client of the same application", () => {
  it("answers 200 and leaves a refresh token, an end user's access token and a client's access token alone", async () => {
    const w = await world();
    await createUser(w, "bound-revoke@example.com", "password one");
    const s = await loginOk(w, "bound-revoke@example.com", "password one");
    const own = await clientToken(w.clientId, w.clientSecret);
    const other = await sibling(w, [...PERMISSIONS]);

    expect((await revokeToken(other, s.refreshToken)).status).toBe(200);
    expect((await revokeToken(other, s.accessToken)).status).toBe(200);
    expect((await revokeToken(other, own)).status).toBe(200);

    expect((await introspect(w, s.accessToken)).active).toBe(true);
    expect((await callJson("GET", `/api/v1/tenants/${w.tenantId}`, { token: own })).status).toBe(200);
    expect((await refresh(w, s.refreshToken)).status).toBe(200);
  });

  it("still revokes when the rightful client asks", async () => {
    const w = await world();
    await createUser(w, "bound-own@example.com", "password one");
    const s = await loginOk(w, "bound-own@example.com", "password one");
    expect((await revokeToken(w, s.refreshToken)).status).toBe(200);
    expect((await refresh(w, s.refreshToken)).body.error).toBe("invalid_grant");
  });
});

describe("introspection by another client of the same application", () => {
  it("stays allowed within the boundary, naming the client the token was issued to", async () => {
    const w = await world();
    await createUser(w, "bound-intro@example.com", "password one");
    const s = await loginOk(w, "bound-intro@example.com", "password one");
    const other = await sibling(w);
    expect(await introspect(other, s.accessToken)).toMatchObject({ active: true, client_id: w.clientId });
    expect(await introspect(other, s.refreshToken)).toMatchObject({ active: true, client_id: w.clientId });
  });
});

describe("over RPC", () => {
  it("the bound client can neither refresh nor revoke tokens issued to another client, and still can its own", async () => {
    const w = await boundWorld();
    const other = await sibling(w, ["login:execute"]);
    await createUser(w, "bound-rpc@example.com", "password one");
    const foreign = await loginOk(other, "bound-rpc@example.com", "password one");

    const refused = await failed(rpc.refresh({ refreshToken: foreign.refreshToken }));
    expect(refused).toMatchObject({ status: 400, code: "invalid_grant" });
    await succeeded(rpc.revoke({ token: foreign.refreshToken }));
    await succeeded(rpc.revoke({ token: foreign.accessToken }));
    expect((await introspect(other, foreign.accessToken)).active).toBe(true);
    expect((await refresh(other, foreign.refreshToken)).status).toBe(200);

    const own = await succeeded(rpc.login({ tenantId: w.tenantId, email: "bound-rpc@example.com", password: "password one" }));
    if (own.result !== "SUCCESS") throw new Error("login failed");
    const rotated = await succeeded(rpc.refresh({ refreshToken: own.refreshToken }));
    await succeeded(rpc.revoke({ token: rotated.refresh_token! }));
    expect((await refresh(w, rotated.refresh_token!)).body.error).toBe("invalid_grant");
  });
});
