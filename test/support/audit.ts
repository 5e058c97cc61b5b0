// Reads the audit trail: through the API, as an operator would, and raw from D1 for the secret scan.
import { env } from "cloudflare:workers";
import { expect } from "vitest";
import { callJson } from "./api";

export interface AuditEventView {
  id: string;
  type: string;
  occurredAt: string;
  applicationId: string;
  tenantId: string | null;
  userId: string | null;
  actor: { kind: string; id?: string };
  ip: string | null;
  userAgent: string | null;
  requestId: string | null;
  detail: Record<string, unknown>;
}

/** The headers a browser or a host backend sends, so every event can be checked for them. */
export const CLIENT_HEADERS = { "CF-Connecting-IP": "203.0.113.7", "User-Agent": "audit-spec/1.0" };

export async function auditEvents(path: string, token: string, query = ""): Promise<{ items: AuditEventView[]; nextCursor: string | null }> {
  const res = await callJson("GET", `${path}${query ? `?${query}` : ""}`, { token });
  if (res.status !== 200) throw new Error(`audit events: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

/**
 * Waits until the application's trail holds `count` events of `type` (some are written after the
 * answer, with waitUntil), and returns them, newest first.
 */
export async function waitForAuditEvents(applicationId: string, token: string, type: string, count = 1, timeoutMs = 5000): Promise<AuditEventView[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { items } = await auditEvents(`/api/v1/applications/${applicationId}/audit-events`, token, `type=${type}&limit=100`);
    if (items.length >= count) return items;
    if (Date.now() > deadline) throw new Error(`${items.length} ${type} events, wanted ${count}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/**
 * Every stored audit row, every column, as text: none may contain any of `secrets`, nor any stored
 * keyed hash of a code or client secret.
 */
export async function expectNoSecretInAuditRows(secrets: string[]): Promise<void> {
  // Every database: the directory one and each shard (src/shards), where queued events are written.
  const rows = (await Promise.all([env.DB, env.DB_SHARD_0, env.DB_SHARD_1].map((db) => db.prepare("SELECT * FROM audit_events").all()))).flatMap((r) => r.results);
  expect(rows.length).toBeGreaterThan(0);
  const stored = JSON.stringify(rows);
  const hashes = await env.DB.prepare(
    "SELECT code_hash AS h FROM reset_codes UNION ALL SELECT verification_hash FROM reset_codes WHERE verification_hash IS NOT NULL UNION ALL SELECT secret_hash FROM m2m_clients",
  ).all<{ h: string }>();
  for (const secret of [...secrets, ...hashes.results.map((r) => r.h)]) {
    expect(secret.length).toBeGreaterThanOrEqual(6);
    expect(stored).not.toContain(secret);
  }
}
