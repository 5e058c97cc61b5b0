// Helpers for the reset-code tests: tenant policy, the stored code rows in D1, a clock the test
// controls, and small conveniences around the Reset Password API.
import { env } from "cloudflare:workers";
import { vi } from "vitest";
import { callJson } from "./api";
import { type World, clientToken } from "./fixtures";
import { requestReset } from "./reset";

/** PATCHes the tenant's password reset policy; throws unless 200. */
export async function setPolicy(w: World, patch: Record<string, unknown>): Promise<void> {
  const res = await callJson("PATCH", `/api/v1/tenants/${w.tenantId}/password-reset-policy`, { token: w.token, body: patch });
  if (res.status !== 200) throw new Error(`policy: ${res.status} ${JSON.stringify(res.body)}`);
}

/** A user created through the API with an explicit status (the fixtures helper has no status). */
export async function createUserWithStatus(w: World, email: string, status: "ACTIVE" | "INACTIVE", password?: string) {
  const res = await callJson("POST", "/api/v1/users", {
    token: w.token,
    body: { tenantId: w.tenantId, email, status, ...(password ? { password } : {}) },
  });
  if (res.status !== 201) throw new Error(`user: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body as { id: string; tenantId: string; applicationId: string; email: string; status: string };
}

/** Requests an OTP reset and returns its requestCode, without waiting for any email. */
export async function otpRequestCode(w: World, email: string): Promise<string> {
  const res = await requestReset(w, email);
  if (res.status !== 200 || typeof res.body?.requestCode !== "string") throw new Error(`request: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.requestCode;
}

/** A verificationCode of the same length that is certainly not `code`. */
export function wrongCode(code: string): string {
  const last = Number(code.at(-1));
  return code.slice(0, -1) + String((last + 1) % 10);
}

export interface CodeRowView {
  id: string;
  user_id: string | null;
  tenant_id: string;
  kind: string;
  attempts: number;
  max_attempts: number;
  expires_at: number;
  created_at: number;
  consumed_at: number | null;
  superseded_at: number | null;
}

const COLUMNS = "id, user_id, tenant_id, kind, attempts, max_attempts, expires_at, created_at, consumed_at, superseded_at";

/** The directory database and every shard: codes are on their shard since users and codes were sharded. */
export const ALL_DATABASES = () => [env.DB, env.DB_SHARD_0, env.DB_SHARD_1];

/** Rows from every database, in the order one database would give them (created_at, then insertion). */
async function codeRowsWhere(column: "tenant_id" | "user_id", value: string): Promise<CodeRowView[]> {
  const all = await Promise.all(
    ALL_DATABASES().map(async (db) => (await db.prepare(`SELECT ${COLUMNS}, rowid AS r FROM reset_codes WHERE ${column} = ? ORDER BY created_at, rowid`).bind(value).all<CodeRowView & { r: number }>()).results),
  );
  return all
    .flat()
    .sort((a, b) => a.created_at - b.created_at || a.r - b.r)
    .map(({ r: _, ...row }) => row);
}

export const codeRowsOfTenant = (tenantId: string) => codeRowsWhere("tenant_id", tenantId);
export const codeRowsOfUser = (userId: string) => codeRowsWhere("user_id", userId);

/**
 * Waits until the tenant holds `count` code rows (of `kind`, if given). Codes of request-password-reset
 * are stored off the response path; for unknown emails no mail arrives, so the row itself is the sign
 * the work is done. An OTP email stores two rows: the request, and the link it also carries.
 */
export async function waitForCodeRows(tenantId: string, count: number, kind?: string, timeoutMs = 5000): Promise<CodeRowView[]> {
  const started = performance.now();
  for (;;) {
    const rows = (await codeRowsOfTenant(tenantId)).filter((r) => !kind || r.kind === kind);
    if (rows.length >= count) return rows;
    if (performance.now() - started > timeoutMs) throw new Error(`tenant ${tenantId} has ${rows.length} code rows, wanted ${count}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/**
 * Sets the clock of the test, of the Worker and of the users' Durable Objects (they share the
 * isolate; expiry.test.ts checks that) and returns a client token minted at that time, since the
 * world's token may have expired there.
 */
export async function clockAt(w: World, epochMs: number): Promise<string> {
  vi.useFakeTimers({ toFake: ["Date"] });
  vi.setSystemTime(epochMs);
  return clientToken(w.clientId, w.clientSecret);
}

export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
