// The OpenAPI document against the running code. The operations come from the served document
// itself, so a new route is covered here without editing this file. Every call through
// test/support/api.ts is also checked against the document, so the success responses of the
// whole suite are validated as well.
import { exports } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { ADMIN } from "../support/api";
import { type World, world } from "../support/fixtures";
import { HTTP_METHODS, type Operation, contractViolations, openApiContract } from "../support/openapi-contract";

const UNKNOWN_ID = "zzzzzzzzzzzzzzzzzzzzzzzzzz";

type Contract = Awaited<ReturnType<typeof openApiContract>>;
let contract: Contract;
let w: World;

beforeAll(async () => {
  contract = await openApiContract();
  w = await world("contract");
});

const bearer = (op: Operation) => (op.spec.security ?? []).some((s: object) => "bearerAuth" in s);
const basic = (op: Operation) => (op.spec.security ?? []).some((s: object) => "basicAuth" in s);
const bodyTypes = (op: Operation): string[] => Object.keys(op.spec.requestBody?.content ?? {});
const takesJson = (op: Operation) => bodyTypes(op).includes("application/json");
const concretePath = (op: Operation) => op.path.replace(/\{[^}]+\}/g, UNKNOWN_ID);

async function send(op: Operation, init: { method?: string; headers?: Record<string, string>; body?: string }) {
  const res = await exports.default.fetch(
    new Request(`http://localhost${concretePath(op)}`, { method: init.method ?? op.method.toUpperCase(), headers: init.headers, body: init.body }),
  );
  return { res, problems: init.method ? [] : await contractViolations(contract, op, res) };
}

/** A bearer route answers with the all-permission client token, or the admin token where only it may call. */
async function authorized(op: Operation): Promise<Record<string, string>> {
  if (basic(op)) return { Authorization: `Basic ${btoa(`${w.clientId}:${w.clientSecret}`)}` };
  if (!bearer(op)) return {};
  const json = takesJson(op) ? { body: "{}", headers: { Authorization: `Bearer ${w.token}`, "Content-Type": "application/json" } } : null;
  const probe = await send(op, json ?? { headers: { Authorization: `Bearer ${w.token}` } });
  const token = probe.res.status === 403 ? ADMIN : w.token;
  return { Authorization: `Bearer ${token}` };
}

describe("the OpenAPI document", () => {
  it("has a licence, a server, and at least the routes of the Reset Password API", () => {
    const d = contract.document;
    expect(d.info.license).toMatchObject({ name: expect.any(String) });
    expect(d.servers).toEqual([expect.objectContaining({ url: expect.any(String) })]);
    expect(contract.operations.map((o) => o.spec.operationId)).toEqual(
      expect.arrayContaining(["requestPasswordReset", "resetPassword", "createPasswordResetLink", "token"]),
    );
  });

  it("gives every operation a unique operationId, a summary and explicit security", () => {
    const ids = contract.operations.map((o) => o.spec.operationId);
    for (const op of contract.operations) {
      expect(op.spec.operationId, `${op.method} ${op.path}`).toMatch(/^[a-z][A-Za-z0-9]+$/);
      expect(op.spec.summary, op.spec.operationId).toEqual(expect.any(String));
      expect(op.spec.security, op.spec.operationId).toEqual(expect.any(Array));
    }
    expect(new Set(ids).size).toBe(ids.length);
  });

  it("documents the statuses the shared middleware can answer on every operation", () => {
    for (const op of contract.operations) {
      const statuses = Object.keys(op.spec.responses);
      const expected = ["405", "500", "503"];
      if (bearer(op)) expected.push("401", "403");
      if (bodyTypes(op).length) expected.push("400");
      if (op.method !== "get") expected.push("413");
      if (["post", "put", "patch"].includes(op.method) && !bodyTypes(op).includes("application/x-www-form-urlencoded")) expected.push("415");
      if (op.spec.parameters?.length) expected.push("400");
      expect(statuses, op.spec.operationId).toEqual(expect.arrayContaining(expected));
      expect(op.spec.responses["503"].headers?.["Retry-After"], op.spec.operationId).toBeDefined();
    }
  });

  it("catches a response that does not match it", async () => {
    const op = contract.operations.find((o) => o.spec.operationId === "getUser")!;
    const wrong = Response.json({ id: 42 }, { status: 200 });
    expect(await contractViolations(contract, op, wrong)).not.toEqual([]);
    expect(await contractViolations(contract, op, Response.json({}, { status: 418 }))).toEqual([expect.stringContaining("not documented")]);
  });
});

describe("every operation answers as documented", () => {
  it("405 with Allow for a method its path does not serve", async () => {
    const byPath = Map.groupBy(contract.operations, (o) => o.path);
    for (const [path, ops] of byPath) {
      const unused = HTTP_METHODS.find((m) => !ops.some((o) => o.method === m))!;
      const res = await exports.default.fetch(new Request(`http://localhost${path.replace(/\{[^}]+\}/g, UNKNOWN_ID)}`, { method: unused.toUpperCase() }));
      expect(res.status, `${unused} ${path}`).toBe(405);
      expect(res.headers.get("Allow")?.split(/,\s*/).sort(), path).toEqual(ops.map((o) => o.method.toUpperCase()).sort());
      // The 405 body is the one every operation of the path documents.
      expect(await contractViolations(contract, ops[0]!, res), path).toEqual([]);
    }
  });

  it("401 without credentials", async () => {
    for (const op of contract.operations.filter((o) => bearer(o) || basic(o))) {
      const headers: Record<string, string> = { "Content-Type": bodyTypes(op)[0] ?? "application/json" };
      const { res, problems } = await send(op, { headers, ...(bodyTypes(op).length ? { body: basic(op) ? "token=x&grant_type=client_credentials" : "{}" } : {}) });
      expect(res.status, op.spec.operationId).toBe(401);
      expect(problems).toEqual([]);
    }
  });

  it("400 for a malformed JSON body, in the documented shape", async () => {
    for (const op of contract.operations.filter(takesJson)) {
      const headers = { ...(await authorized(op)), "Content-Type": "application/json" };
      const { res, problems } = await send(op, { headers, body: '{"unfinished": ' });
      expect(res.status, op.spec.operationId).toBe(400);
      expect(await res.json()).toMatchObject({ type: "base_error", code: "malformed_request_body" });
      expect(problems).toEqual([]);
    }
  });

  it("400 for a body that breaks the schema, in the documented shape", async () => {
    for (const op of contract.operations.filter(takesJson)) {
      const headers = { ...(await authorized(op)), "Content-Type": "application/json" };
      const { res, problems } = await send(op, { headers, body: JSON.stringify({ "no such field": [1] }) });
      expect(res.status, op.spec.operationId).toBe(400);
      expect(problems).toEqual([]);
    }
  });

  it("413 for a body over the limit, and 415 for a body that is not JSON, wherever a body can be sent", async () => {
    for (const op of contract.operations.filter((o) => o.method !== "get")) {
      const auth = await authorized(op);
      const type = bodyTypes(op)[0] ?? "application/json";
      const big = await send(op, { headers: { ...auth, "Content-Type": type }, body: "x".repeat(17 * 1024) });
      expect(big.res.status, op.spec.operationId).toBe(413);
      expect(big.problems).toEqual([]);
      if (!["post", "put", "patch"].includes(op.method) || type === "application/x-www-form-urlencoded") continue;
      const plain = await send(op, { headers: { ...auth, "Content-Type": "text/plain" }, body: "{}" });
      expect(plain.res.status, op.spec.operationId).toBe(415);
      expect(plain.problems).toEqual([]);
    }
  });

  it("a documented status and shape for an authorized call naming unknown ids", async () => {
    for (const op of contract.operations) {
      const auth = await authorized(op);
      const body = takesJson(op) ? { headers: { ...auth, "Content-Type": "application/json" }, body: "{}" } : { headers: auth };
      const { res, problems } = await send(op, body);
      expect(res.status, op.spec.operationId).toBeLessThan(500);
      expect(problems).toEqual([]);
    }
  });
});
