// Hostile input, as a property: whatever arrives at any documented endpoint, the answer is
// never a 5xx, and it is always a status and a body shape the OpenAPI document promises.
// The endpoints come from `/api/v1/openapi.json`, so a new one is covered without editing this file.
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { ADMIN, callJson } from "../support/api";
import { type World, createUser, world } from "../support/fixtures";
import { exports } from "cloudflare:workers";

interface Operation {
  method: string;
  path: string;
  op: any;
}

const doc = (await callJson("GET", "/api/v1/openapi.json")).body;
const operations: Operation[] = Object.entries(doc.paths as Record<string, Record<string, any>>).flatMap(([path, item]) =>
  Object.entries(item).map(([method, op]) => ({ method: method.toUpperCase(), path, op })),
);

const PROTOTYPE_KEYS = Object.getOwnPropertyNames(Object.prototype);
const RUNS = 40;

function resolve(schema: any): any {
  return schema?.$ref ? doc.components.schemas[schema.$ref.split("/").pop()] : schema;
}

/** Field names the operation's own body or query declares, so a generated value lands on a real field. */
function fieldsOf(op: any): string[] {
  const names = new Set<string>();
  for (const content of Object.values(op.requestBody?.content ?? {}) as any[]) {
    const schema = resolve(content.schema);
    for (const variant of [schema, ...(schema?.oneOf ?? []), ...(schema?.anyOf ?? [])]) {
      for (const key of Object.keys(resolve(variant)?.properties ?? {})) names.add(key);
    }
  }
  for (const p of op.parameters ?? []) names.add(p.name);
  return [...names];
}

// Strings an attacker tries: huge, odd unicode, lone surrogates, NUL, RTL marks, SQL and prototype words.
const hostileString = fc.oneof(
  fc.string({ unit: "binary", maxLength: 40 }),
  fc.constantFrom("", " ", "\u0000", "\ud800", "\udfff", "\u202e", "\ufeff", "💥".repeat(50), "' OR 1=1 --", "__proto__", "constructor", "%00", "../.."),
  fc.tuple(fc.string({ unit: "binary", minLength: 1, maxLength: 3 }), fc.integer({ min: 100, max: 7000 })).map(([s, n]) => s.repeat(n)),
);

const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  hostileString,
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.jsonValue({ maxDepth: 2 }), { maxLength: 4 }),
  fc.dictionary(fc.constantFrom(...PROTOTYPE_KEYS), fc.jsonValue({ maxDepth: 1 }), { maxKeys: 3 }),
  fc.integer({ min: 1, max: 3000 }).map((depth) => JSON.parse("[".repeat(depth) + "]".repeat(depth))),
);

/** Raw JSON text, so a key may appear twice. */
function jsonObjectText(entries: [string, unknown][]): string {
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v) ?? "null"}`).join(",")}}`;
}

function bodyFor(op: any): fc.Arbitrary<string> {
  const keys = fc.constantFrom(...PROTOTYPE_KEYS, ...fieldsOf(op), "__proto__", "");
  return fc.oneof(
    fc.array(fc.tuple(keys, hostileValue), { maxLength: 8 }).map(jsonObjectText),
    fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v)),
    fc.integer({ min: 1, max: 5000 }).map((depth) => `${'{"a":'.repeat(depth)}1${"}".repeat(depth)}`),
    fc.string({ unit: "binary", maxLength: 60 }),
    fc.constantFrom("", "{", "null", "[]", '{"__proto__":{"isAdmin":true}}', '{"constructor":{"prototype":{}}}', "\ufeff{}"),
  );
}

const contentType = fc.constantFrom(
  undefined,
  "application/json",
  "application/json; x",
  "application/json;charset=utf-8",
  "application/json; charset=utf-16",
  'application/json; charset="utf-8"',
  "application/json;;",
  "APPLICATION/JSON",
  "application/vnd.api+json",
  "application/json, text/plain",
  "text/plain",
  "application/x-www-form-urlencoded",
  "application/x-www-form-urlencoded; x",
  "multipart/form-data",
  "multipart/form-data; boundary=",
  "*/*",
  "",
);

/** Any bytes, percent-encoded: invalid UTF-8 included. */
const encodedBytes = fc.uint8Array({ maxLength: 40 }).map((bytes) => [...bytes].map((b) => `%${b.toString(16).padStart(2, "0")}`).join(""));
const encodedString = hostileString.map((s) => [...new TextEncoder().encode(s)].map((b) => `%${b.toString(16).padStart(2, "0")}`).join(""));

function pathFor(path: string, ids: string[]): fc.Arbitrary<string> {
  const names = [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]!);
  const segment = fc.oneof(fc.constantFrom(...ids), encodedBytes, encodedString, fc.stringMatching(/^[a-z0-9]{26}$/), fc.constantFrom("..", ".", "%2e%2e", "%2F", "%"));
  return fc.tuple(...names.map(() => segment)).map((values) => names.reduce((p, name, i) => p.replace(`{${name}}`, values[i]!), path));
}

function queryFor(op: any): fc.Arbitrary<string> {
  const keys = fc.oneof(fc.constantFrom(...PROTOTYPE_KEYS, ...fieldsOf(op), "__proto__"), encodedString);
  const values = fc.oneof(encodedString, encodedBytes, fc.constantFrom("", "%", "%zz", "-1", "1e999", "99999999999999999999"));
  return fc.array(fc.tuple(keys, values), { maxLength: 5 }).map((pairs) => (pairs.length ? `?${pairs.map(([k, v]) => `${k}=${v}`).join("&")}` : ""));
}

function authFor(w: World): fc.Arbitrary<string | undefined> {
  return fc.constantFrom(
    `Bearer ${w.token}`,
    `Bearer ${ADMIN}`,
    `Basic ${btoa(`${w.clientId}:${w.clientSecret}`)}`,
    undefined,
    "Bearer",
    "Bearer a.b.c",
    "Basic %%%",
    `Basic ${btoa("constructor:toString")}`,
  );
}

/** The statuses the document promises for this operation, plus what any route may answer. */
function documentedStatuses(op: any): Set<number> {
  return new Set([...Object.keys(op.responses).map(Number), 404, 405]);
}

function expectDocumentedShape(path: string, status: number, body: any) {
  if (status < 400) return;
  if (path.startsWith("/api/v1/oauth2/")) {
    expect(body).toEqual({ error: expect.any(String), error_description: expect.any(String) });
  } else if (body?.type === "constraint_violations_error") {
    expect(status).toBe(400);
    expect(Object.keys(body).sort()).toEqual(["code", "message", "type", "violations"]);
  } else {
    expect(body).toEqual({ type: "base_error", code: expect.any(String), message: expect.any(String) });
  }
}

let w: World;
let ids: string[];

beforeAll(async () => {
  w = await world("hostile");
  const user = await createUser(w, "hostile-owner@example.com", "correct horse battery staple");
  ids = [w.applicationId, w.tenantId, w.clientId, user.id];
});

describe("hostile input never gets a 5xx", () => {
  it.each(operations.map((o) => [`${o.method} ${o.path}`, o] as const))("%s", async (_name, { method, path, op }) => {
    let failure = "";
    const details = await fc.check(
      fc.asyncProperty(
        pathFor(path, ids),
        queryFor(op),
        authFor(w),
        contentType,
        method === "GET" || method === "HEAD" ? fc.constant(undefined) : fc.option(bodyFor(op), { nil: undefined }),
        async (p, query, authorization, type, body) => {
          const headers: Record<string, string> = {};
          if (authorization !== undefined) headers.Authorization = authorization;
          if (type !== undefined) headers["Content-Type"] = type;
          const res = await exports.default.fetch(new Request(`http://localhost${p}${query}`, { method, headers, body }));
          const text = await res.text();
          // Shrunk counterexamples can be kilobytes long: report a short account of the request instead.
          try {
            expect(res.status).toBeLessThan(500);
            expect(documentedStatuses(op).has(res.status)).toBe(true);
            if (res.status >= 400) expectDocumentedShape(path, res.status, JSON.parse(text));
          } catch (e) {
            failure = `${method} ${p.slice(0, 120)}${query.slice(0, 80)} [${authorization?.slice(0, 12)}] (${type}) body ${body?.slice(0, 120)} -> ${res.status} ${text.slice(0, 200)}`;
            throw e;
          }
        },
      ),
      { numRuns: RUNS },
    );
    expect(details.failed ? failure : "").toBe("");
  });
});
