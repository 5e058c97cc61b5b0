// Issue 16 item 1: a leaked client can be cut off. Clients are listed, read, changed (name,
// permissions, disabled) and deleted; a secret rotates with an overlap and the replaced one can be
// retired early. A disabled or deleted client's tokens, and every token issued before an explicit
// retirement, answer 401 at once; client authentication refuses a disabled or deleted client and a
// retired secret. Every change is audited in its own batch.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { PERMISSIONS } from "../../src/config/permissions";
import { ADMIN, call, callJson, form } from "../support/api";
import { auditEvents, expectNoSecretInAuditRows } from "../support/audit";
import { type World, clientToken, world } from "../support/fixtures";
import { boundWorld, failed, rpc } from "../support/rpc";
import { introspect } from "../support/sessions";

interface Made {
  id: string;
  secret: string;
}

async function makeClient(w: World, body: Record<string, unknown>, token = ADMIN): Promise<Made> {
  const res = await callJson("POST", `/api/v1/applications/${w.applicationId}/clients`, { token, body: { name: "made", ...body } });
  if (res.status !== 201) throw new Error(`client: ${res.status} ${JSON.stringify(res.body)}`);
  return { id: res.body.id, secret: res.body.clientSecret };
}

const path = (w: World, id: string, rest = "") => `/api/v1/applications/${w.applicationId}/clients/${id}${rest}`;
const readTenant = (w: World, token: string) => call("GET", `/api/v1/tenants/${w.tenantId}`, { token });
const basicToken = (id: string, secret: string) => form("/api/v1/oauth2/token", { grant_type: "client_credentials" }, { id, secret });
const postToken = (id: string, secret: string) => form("/api/v1/oauth2/token", { grant_type: "client_credentials", client_id: id, client_secret: secret });
const rotate = (w: World, id: string, body: Record<string, unknown> = {}, token = ADMIN) => callJson("POST", path(w, id, "/secrets"), { token, body });
const retire = (w: World, id: string, token = ADMIN) => callJson("DELETE", path(w, id, "/secrets/previous"), { token });
const patch = (w: World, id: string, body: unknown, token = ADMIN) => callJson("PATCH", path(w, id), { token, body });

async function typesOf(w: World): Promise<string[]> {
  const { items } = await auditEvents(`/api/v1/applications/${w.applicationId}/audit-events`, w.token, "limit=100");
  return items.map((e) => e.type);
}

describe("listing and reading clients", () => {
  it("pages an application's clients with a cursor, never showing a secret", async () => {
    const w = await world("list");
    const created = await callJson("POST", `/api/v1/applications/${w.applicationId}/clients`, { token: ADMIN, body: { name: "shown", permissions: [] } });
    expect(Object.keys(created.body).sort()).toEqual(["applicationId", "clientSecret", "createdAt", "id", "name", "permissions", "tenantId"]);
    for (let i = 0; i < 3; i++) await makeClient(w, { permissions: [] });
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { status: number; body: { items: Record<string, unknown>[]; nextCursor: string | null } } = await callJson(
        "GET",
        `/api/v1/applications/${w.applicationId}/clients?limit=2${cursor ? `&cursor=${cursor}` : ""}`,
        { token: w.token },
      );
      expect(page.status).toBe(200);
      expect(page.body.items.length).toBeLessThanOrEqual(2);
      for (const item of page.body.items) {
        expect(Object.keys(item).sort()).toEqual(["applicationId", "createdAt", "disabled", "id", "name", "permissions", "previousSecretRetiresAt", "tenantId"]);
        seen.push(item.id as string);
      }
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(seen).toHaveLength(5);
    expect(new Set(seen).size).toBe(5);
    expect(seen).toContain(w.clientId);
  });

  it("shows a tenant-scoped caller its own tenant's clients only, and reads one client", async () => {
    const w = await world("list-tenant");
    const tenantClient = await makeClient(w, { permissions: ["client:read"], tenantId: w.tenantId });
    const tenantToken = await clientToken(tenantClient.id, tenantClient.secret);
    const listed = await callJson("GET", `/api/v1/applications/${w.applicationId}/clients`, { token: tenantToken });
    expect(listed.body.items.map((c: { id: string }) => c.id)).toEqual([tenantClient.id]);
    expect((await callJson("GET", path(w, w.clientId), { token: tenantToken })).status).toBe(404);
    const one = await callJson("GET", path(w, tenantClient.id), { token: w.token });
    expect(one.body).toMatchObject({ id: tenantClient.id, tenantId: w.tenantId, permissions: ["client:read"], disabled: false, previousSecretRetiresAt: null });
  });

  it("needs client:read, and keeps other applications' clients out of sight", async () => {
    const w = await world("read-perm");
    const other = await world("read-other");
    const noRead = await makeClient(w, { permissions: ["client:write"] });
    const token = await clientToken(noRead.id, noRead.secret);
    expect((await callJson("GET", `/api/v1/applications/${w.applicationId}/clients`, { token })).status).toBe(403);
    expect((await callJson("GET", path(w, w.clientId), { token })).status).toBe(403);
    expect((await callJson("GET", path(w, other.clientId), { token: w.token })).status).toBe(404);
    expect((await callJson("GET", `/api/v1/applications/${other.applicationId}/clients`, { token: w.token })).status).toBe(404);
  });
});

describe("changing a client", () => {
  it("renames it and sets its permissions; a token already issued loses a dropped permission at once", async () => {
    const w = await world("patch");
    const c = await makeClient(w, { permissions: ["tenant:read", "user:read"] });
    const token = await clientToken(c.id, c.secret);
    expect((await readTenant(w, token)).status).toBe(200);
    const res = await patch(w, c.id, { name: "renamed", permissions: ["user:read"] });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: c.id, name: "renamed", permissions: ["user:read"], disabled: false });
    expect((await readTenant(w, token)).status).toBe(403);
    expect((await introspect(w, token)).scope).toBe("user:read");
    const [updated] = (await auditEvents(`/api/v1/applications/${w.applicationId}/audit-events`, w.token, "type=client.updated")).items;
    expect(updated).toMatchObject({ actor: { kind: "admin" }, detail: { clientId: c.id, fields: ["name", "permissions"], permissions: ["user:read"] } });
  });

  it("disabling makes every token of the client answer 401 at once and refuses its authentication; enabling again brings no old token back", async () => {
    const w = await world("disable");
    const c = await makeClient(w, { permissions: ["tenant:read"] });
    const token = await clientToken(c.id, c.secret);
    expect((await readTenant(w, token)).status).toBe(200);

    expect((await patch(w, c.id, { disabled: true }, w.token)).body.disabled).toBe(true);
    expect((await readTenant(w, token)).status).toBe(401);
    expect(await introspect(w, token)).toEqual({ active: false });
    expect((await basicToken(c.id, c.secret)).status).toBe(401);
    expect((await postToken(c.id, c.secret)).status).toBe(401);
    expect(await typesOf(w)).toEqual(expect.arrayContaining(["client.disabled", "client.updated"]));

    expect((await patch(w, c.id, { disabled: false })).body.disabled).toBe(false);
    expect((await readTenant(w, token)).status).toBe(401);
    expect((await readTenant(w, await clientToken(c.id, c.secret))).status).toBe(200);
  });

  it("deleting makes its tokens answer 401 at once and its secret authenticate nothing", async () => {
    const w = await world("delete");
    const c = await makeClient(w, { permissions: ["tenant:read"] });
    const token = await clientToken(c.id, c.secret);
    const res = await call("DELETE", path(w, c.id), { token: w.token });
    expect(res.status).toBe(204);
    expect((await readTenant(w, token)).status).toBe(401);
    expect((await basicToken(c.id, c.secret)).status).toBe(401);
    expect((await callJson("GET", path(w, c.id), { token: w.token })).status).toBe(404);
    expect((await call("DELETE", path(w, c.id), { token: w.token })).status).toBe(404);
    const [deleted] = (await auditEvents(`/api/v1/applications/${w.applicationId}/audit-events`, w.token, "type=client.deleted")).items;
    expect(deleted).toMatchObject({ actor: { kind: "client", id: w.clientId }, detail: { clientId: c.id } });
  });

  it("concurrent deletes of one client record one client.deleted event", async () => {
    const w = await world("delete-race");
    const c = await makeClient(w, { permissions: [] });
    const statuses = (await Promise.all(Array.from({ length: 10 }, () => call("DELETE", path(w, c.id), { token: ADMIN })))).map((r) => r.status);
    expect(statuses.every((s) => s === 204 || s === 404)).toBe(true);
    expect(statuses).toContain(204);
    expect((await auditEvents(`/api/v1/applications/${w.applicationId}/audit-events`, w.token, "type=client.deleted")).items).toHaveLength(1);
  });

  it("a disabled bound client is refused over RPC", async () => {
    const w = await boundWorld();
    expect(await failed(rpc.getUser({ userId: "0".repeat(26) }))).toMatchObject({ status: 404 });
    expect((await patch(w, w.clientId, { disabled: true })).status).toBe(200);
    expect(await failed(rpc.getUser({ userId: "0".repeat(26) }))).toMatchObject({ status: 401 });
  });
});

describe("rotating a secret", () => {
  it("the new secret works at once and the old one until retireOldAt, then answers 401", async () => {
    const w = await world("rotate");
    const c = await makeClient(w, { permissions: ["tenant:read"] });
    const retireOldAt = new Date(Date.now() + 1500).toISOString();
    const rotated = await rotate(w, c.id, { retireOldAt });
    expect(rotated.status).toBe(201);
    expect(rotated.body).toEqual({ clientId: c.id, clientSecret: expect.any(String), previousSecretRetiresAt: retireOldAt });
    expect((await basicToken(c.id, rotated.body.clientSecret)).status).toBe(200);
    expect((await basicToken(c.id, c.secret)).status).toBe(200);
    expect((await callJson("GET", path(w, c.id), { token: w.token })).body.previousSecretRetiresAt).toBe(retireOldAt);

    await new Promise((r) => setTimeout(r, Date.parse(retireOldAt) - Date.now() + 50));
    expect((await basicToken(c.id, c.secret)).status).toBe(401);
    expect((await postToken(c.id, c.secret)).status).toBe(401);
    expect((await basicToken(c.id, rotated.body.clientSecret)).status).toBe(200);
    expect((await callJson("GET", path(w, c.id), { token: w.token })).body.previousSecretRetiresAt).toBeNull();
    // The overlap is over: another rotation may start.
    expect((await rotate(w, c.id)).status).toBe(201);
  });

  it("retiring the old secret ends it and every token issued before, at once; the new secret's next token works", async () => {
    const w = await world("retire");
    const c = await makeClient(w, { permissions: ["tenant:read"] });
    const leaked = await clientToken(c.id, c.secret);
    const rotated = await rotate(w, c.id);
    expect(Date.parse(rotated.body.previousSecretRetiresAt) - Date.now()).toBeGreaterThan(23 * 3600 * 1000);
    const beforeRetire = await clientToken(c.id, rotated.body.clientSecret);
    expect((await readTenant(w, leaked)).status).toBe(200);

    expect((await retire(w, c.id)).status).toBe(204);
    expect((await basicToken(c.id, c.secret)).status).toBe(401);
    expect((await readTenant(w, leaked)).status).toBe(401);
    expect((await readTenant(w, beforeRetire)).status).toBe(401);
    // Issued in the same second as the retirement: still live.
    expect((await readTenant(w, await clientToken(c.id, rotated.body.clientSecret))).status).toBe(200);
    expect((await retire(w, c.id)).status).toBe(404);

    const trail = `/api/v1/applications/${w.applicationId}/audit-events`;
    expect((await auditEvents(trail, w.token, "type=client.secret_rotated")).items[0]!.detail).toEqual({ clientId: c.id, previousSecretRetiresAt: rotated.body.previousSecretRetiresAt });
    expect((await auditEvents(trail, w.token, "type=client.secret_retired")).items[0]).toMatchObject({ actor: { kind: "admin" }, detail: { clientId: c.id } });
    await expectNoSecretInAuditRows([c.secret, rotated.body.clientSecret]);
  });

  it("allows at most two live secrets: a rotation during an overlap answers 409, and 20 parallel rotations make exactly one", async () => {
    const w = await world("rotate-race");
    const c = await makeClient(w, { permissions: [] });
    const results = await Promise.all(Array.from({ length: 20 }, () => rotate(w, c.id)));
    const won = results.filter((r) => r.status === 201);
    expect(won).toHaveLength(1);
    expect(results.filter((r) => r.status === 409).every((r) => r.body.code === "conflict")).toBe(true);
    expect(results.filter((r) => r.status === 409)).toHaveLength(19);
    expect((await basicToken(c.id, c.secret)).status).toBe(200);
    expect((await basicToken(c.id, won[0]!.body.clientSecret)).status).toBe(200);
    const rotatedEvents = (await auditEvents(`/api/v1/applications/${w.applicationId}/audit-events`, w.token, "type=client.secret_rotated")).items;
    expect(rotatedEvents).toHaveLength(1);

    // After a retirement, one rotation again; parallel retirements retire once.
    const retired = await Promise.all(Array.from({ length: 5 }, () => retire(w, c.id)));
    expect(retired.map((r) => r.status).sort()).toEqual([204, 404, 404, 404, 404]);
    expect((await auditEvents(`/api/v1/applications/${w.applicationId}/audit-events`, w.token, "type=client.secret_retired")).items).toHaveLength(1);
    expect((await rotate(w, c.id)).status).toBe(201);
    const rows = await env.DB.prepare("SELECT secret_hash, previous_secret_hash FROM m2m_clients WHERE id = ?").bind(c.id).first<Record<string, string | null>>();
    expect(rows!.previous_secret_hash).not.toBeNull();
    expect((await basicToken(c.id, c.secret)).status).toBe(401);
  });
});

describe("who may change which client", () => {
  it("a client may not change one holding a permission it lacks, nor grant beyond its own", async () => {
    const w = await world("rules");
    const writer = await makeClient(w, { permissions: ["client:write", "client:read", "tenant:read"] });
    const writerToken = await clientToken(writer.id, writer.secret);
    const stronger = await makeClient(w, { permissions: ["user:write"] });
    const weaker = await makeClient(w, { permissions: ["tenant:read"] });
    expect((await rotate(w, stronger.id, {}, writerToken)).status).toBe(403);
    expect((await patch(w, stronger.id, { disabled: true }, writerToken)).status).toBe(403);
    expect((await call("DELETE", path(w, stronger.id), { token: writerToken })).status).toBe(403);
    expect((await patch(w, weaker.id, { permissions: ["tenant:read", "user:write"] }, writerToken)).status).toBe(403);
    expect((await patch(w, weaker.id, { permissions: ["tenant:read", "client:read"] }, writerToken)).status).toBe(200);
    expect((await patch(w, weaker.id, { disabled: true }, writerToken)).status).toBe(200);
    // None of the refused calls changed anything.
    expect((await basicToken(stronger.id, stronger.secret)).status).toBe(200);
  });

  it("a client may rotate its own secret but not disable or delete itself", async () => {
    const w = await world("self");
    expect((await patch(w, w.clientId, { disabled: true }, w.token)).status).toBe(403);
    expect((await call("DELETE", path(w, w.clientId), { token: w.token })).status).toBe(403);
    expect((await rotate(w, w.clientId, {}, w.token)).status).toBe(201);
    expect((await readTenant(w, w.token)).status).toBe(200);
  });

  it("a tenant-scoped client acts only on its own tenant's clients; other applications' clients read as unknown; client:write is needed", async () => {
    const w = await world("tenant-rules");
    const other = await world("tenant-rules-other");
    const tenantWriter = await makeClient(w, { permissions: [...PERMISSIONS], tenantId: w.tenantId });
    const token = await clientToken(tenantWriter.id, tenantWriter.secret);
    const appLevel = await makeClient(w, { permissions: [] });
    expect((await rotate(w, appLevel.id, {}, token)).status).toBe(404);
    expect((await patch(w, appLevel.id, { name: "x" }, token)).status).toBe(404);
    expect((await rotate(other, other.clientId, {}, w.token)).status).toBe(404);
    expect((await callJson("PATCH", path(other, other.clientId), { token: w.token, body: { name: "x" } })).status).toBe(404);
    const reader = await makeClient(w, { permissions: ["client:read"] });
    const readerToken = await clientToken(reader.id, reader.secret);
    expect((await patch(w, appLevel.id, { name: "x" }, readerToken)).status).toBe(403);
    expect((await rotate(w, appLevel.id, {}, readerToken)).status).toBe(403);
    expect((await retire(w, appLevel.id, readerToken)).status).toBe(403);
  });
});

describe("bad input answers the documented 400", () => {
  it("for odd keys, types and values on PATCH, rotation and the list", async () => {
    const w = await world("bad-input");
    const c = await makeClient(w, { permissions: [] });
    const violations = async (res: Promise<{ status: number; body: any }>) => {
      const r = await res;
      expect(r.status).toBe(400);
      expect(r.body.type).toBe("constraint_violations_error");
      return r.body.violations as Record<string, { code: string }[]>;
    };
    expect((await violations(patch(w, c.id, { name: "x", secret: "y" })))["secret"]![0]!.code).toBe("unknown_field");
    expect((await violations(patch(w, c.id, { __proto__: 1, constructor: 2 } as unknown)))).toBeDefined();
    expect((await violations(patch(w, c.id, { disabled: "yes" })))["disabled"]![0]!.code).toBe("invalid_type");
    expect((await violations(patch(w, c.id, { permissions: ["root"] })))["permissions.0"]![0]!.code).toBe("invalid_value");
    expect((await violations(patch(w, c.id, { name: "" })))["name"]![0]!.code).toBe("min_length");
    await violations(patch(w, c.id, {}));
    await violations(patch(w, c.id, []));
    expect((await violations(rotate(w, c.id, { retireOldAt: "tomorrow" })))["retireOldAt"]![0]!.code).toBe("invalid_format");
    expect((await violations(rotate(w, c.id, { retireOldAt: new Date(Date.now() - 1000).toISOString() })))["retireOldAt"]![0]!.code).toBe("min");
    expect((await violations(rotate(w, c.id, { retireOldAt: new Date(Date.now() + 31 * 86400_000).toISOString() })))["retireOldAt"]![0]!.code).toBe("max");
    expect((await violations(rotate(w, c.id, { retireOldAt: new Date().toISOString(), extra: true })))["extra"]![0]!.code).toBe("unknown_field");
    await violations(callJson("GET", `/api/v1/applications/${w.applicationId}/clients?limit=0`, { token: w.token }));
    await violations(callJson("GET", `/api/v1/applications/${w.applicationId}/clients?limit=101`, { token: w.token }));
    await violations(callJson("GET", `/api/v1/applications/${w.applicationId}/clients?cursor=../x`, { token: w.token }));
    // Nothing was rotated or changed by any of them.
    expect((await callJson("GET", path(w, c.id), { token: w.token })).body).toMatchObject({ name: "made", previousSecretRetiresAt: null });
  });
});
