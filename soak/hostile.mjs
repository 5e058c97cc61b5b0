// Bodies an attacker sends: Object.prototype keys, wrong types, deep nesting, huge and odd strings,
// duplicate keys, odd Content-Type parameters. Each must get a documented 4xx, never a 5xx.
const JSON_TYPE = "application/json";
const deep = (n) => "[".repeat(n) + "]".repeat(n);

const bodies = [
  [JSON_TYPE, JSON.stringify({ constructor: { prototype: { polluted: true } } })],
  [JSON_TYPE, '{"__proto__":{"isAdmin":true},"tenantId":"x","email":"a@b.c"}'],
  [JSON_TYPE, JSON.stringify({ toString: 1, valueOf: "x", hasOwnProperty: [] })],
  [JSON_TYPE, JSON.stringify({ tenantId: 42, email: ["a@b.c"] })],
  [JSON_TYPE, deep(5000)],
  [JSON_TYPE, JSON.stringify({ tenantId: "x".repeat(200_000), email: "a@b.c" })],
  [JSON_TYPE, JSON.stringify({ tenantId: "\u0000\ud800\u202e", email: "\ufeffa@b.c" })],
  [JSON_TYPE, '{"email":"a@b.c","email":"c@d.e"}'],
  [JSON_TYPE, "{not json"],
  ["application/json; x", "{}"],
  ["application/json; charset=utf-7", "{}"],
  ["text/plain", "tenantId=x"],
  ["multipart/form-data; boundary=", "--\r\n"],
];

const routes = [
  ["request-password-reset", "/api/v1/password-reset/request-password-reset"],
  ["reset-password", "/api/v1/password-reset/reset-password"],
  ["login", "/api/v1/login"],
  ["create-password-reset-link", "/api/v1/password-reset/create-password-reset-link"],
];

/** [route, path, content type, body] for every route and body. */
export const HOSTILE_BODIES = routes.flatMap(([route, path]) => bodies.map(([type, body]) => [route, path, type, body]));
