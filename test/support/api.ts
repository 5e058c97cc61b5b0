// Drives the real Worker through its default export, in the Workers runtime.
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env, exports } from "cloudflare:workers";
import worker from "../../src/index";
import { TEST_SECRETS } from "../secrets";
import { withEveryQueue } from "./every-queue";
import { assertConforms } from "./openapi-contract";

export const ADMIN = TEST_SECRETS.ADMIN_TOKEN;

export interface CallOptions {
  token?: string;
  body?: unknown;
  headers?: Record<string, string>;
  /** The URL's origin, as a client could send it. Default http://localhost. */
  origin?: string;
  /** Configuration that differs from the test runtime's (for example ENVIRONMENT=production). */
  env?: Partial<Env>;
}

/** Sends a request to the Worker; a response of a documented operation must match the OpenAPI document. */
async function send(request: Request, overrides?: Partial<Env>): Promise<Response> {
  const res = overrides ? await fetchWithEnv(request, overrides) : await exports.default.fetch(request);
  await assertConforms(request.method, request.url, res, overrides?.BASE_PATH ?? "");
  return res;
}

export function call(method: string, path: string, opts: CallOptions = {}): Promise<Response> {
  const headers: Record<string, string> = { ...opts.headers };
  if (opts.token) headers.Authorization = `Bearer ${opts.token}`;
  let body: string | undefined;
  if (opts.body !== undefined) {
    body = typeof opts.body === "string" ? opts.body : JSON.stringify(opts.body);
    headers["Content-Type"] ??= "application/json";
  }
  const request = new Request(`${opts.origin ?? "http://localhost"}${path}`, { method, headers, body });
  return send(request, opts.env);
}

/** The same Worker, run with some configuration changed. */
export async function fetchWithEnv(request: Request, overrides: Partial<Env>): Promise<Response> {
  const ctx = createExecutionContext();
  const res = await worker.fetch(request, { ...env, ...withEveryQueue(overrides) }, ctx);
  await waitOnExecutionContext(ctx);
  return res;
}

/** Calls and parses JSON, asserting nothing: tests assert on status and body themselves. */
export async function callJson<T = any>(method: string, path: string, opts: CallOptions = {}): Promise<{ status: number; body: T; res: Response }> {
  const res = await call(method, path, opts);
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : null) as T, res };
}

export function form(path: string, params: Record<string, string>, basic?: { id: string; secret: string }): Promise<Response> {
  const headers: Record<string, string> = { "Content-Type": "application/x-www-form-urlencoded" };
  if (basic) headers.Authorization = `Basic ${btoa(`${encodeURIComponent(basic.id)}:${encodeURIComponent(basic.secret)}`)}`;
  return send(new Request(`http://localhost${path}`, { method: "POST", headers, body: new URLSearchParams(params) }));
}
