// What still depends on each key id, counted in D1: client secrets and open reset codes by the kid
// their hash carries, and per user the kids the user's object last reported (users.password_key_id,
// users.refresh_key_ids; the hashes themselves live in the objects, which cannot be scanned).
import { and, eq, isNull, lte, or, sql } from "drizzle-orm";
import type { Database } from "../db/client";
import { users } from "../db/schema";
import type { User } from "./users";

/** What the user's object reports (src/user-object/key-ids.ts). */
export interface UserKeyIds {
  passwordKeyId: string | null;
  refreshKeyIds: Record<string, number>;
  reportedAt: number;
}

function sameKeyIds(user: Pick<User, "passwordKeyId" | "refreshKeyIds" | "keyIdsReportedAt">, report: UserKeyIds): boolean {
  if (user.keyIdsReportedAt === null || user.passwordKeyId !== report.passwordKeyId) return false;
  const stored = Object.entries(user.refreshKeyIds ?? {}).sort(([a], [b]) => a.localeCompare(b));
  const reported = Object.entries(report.refreshKeyIds).sort(([a], [b]) => a.localeCompare(b));
  return JSON.stringify(stored) === JSON.stringify(reported);
}

type ReportedUser = Pick<User, "id" | "passwordKeyId" | "refreshKeyIds" | "keyIdsReportedAt">;

/**
 * Copies the object's report to the user's row, unless the row already says the same (most
 * logins) or a later report got there first. Written after the object committed, so a crash in
 * between leaves the row as of the previous report, until the user's next login, refresh or
 * password change reports again.
 */
export async function recordUserKeyIds(db: Database, user: ReportedUser, report: UserKeyIds): Promise<void> {
  const copy = userKeyIdsStatement(db, user, report);
  if (copy) await copy;
}

/** recordUserKeyIds as a statement, for a batch with other writes to the user's database; null when the row already says the same. */
export function userKeyIdsStatement(db: Database, user: ReportedUser, report: UserKeyIds) {
  if (sameKeyIds(user, report)) return null;
  return db
    .update(users)
    .set({ passwordKeyId: report.passwordKeyId, refreshKeyIds: report.refreshKeyIds, keyIdsReportedAt: report.reportedAt })
    .where(and(eq(users.id, user.id), or(isNull(users.keyIdsReportedAt), lte(users.keyIdsReportedAt, report.reportedAt))));
}

export interface KeyUsageCounts {
  /** SECRET_HASH_KEY kid -> M2M clients whose secret hash is under it. */
  clientSecrets: Map<string, number>;
  /** SECRET_HASH_KEY kid -> reset codes still spendable (neither spent, superseded nor expired). */
  openResetCodes: Map<string, number>;
  /** SECRET_HASH_KEY kid -> users who may hold a refresh token stored under it. */
  refreshTokenUsers: Map<string, number>;
  /** PASSWORD_PEPPER kid -> users whose password hash is under it. */
  passwordHashes: Map<string, number>;
  /** Users whose object never reported (created before the report existed and not seen since). */
  usersNotReported: number;
}

const byKid = (rows: { kid: string; n: number }[]) => new Map(rows.map((r) => [r.kid, r.n]));

/** Reads every client, open code and user row once, in every database (shards too): an operator's question, not a hot path. */
export async function countKeyUsage(databases: readonly Database[], now: number): Promise<KeyUsageCounts> {
  const all = await Promise.all(databases.map((db) => countIn(db, now)));
  const sum = (pick: (c: KeyUsageCounts) => Map<string, number>) => {
    const out = new Map<string, number>();
    for (const c of all) for (const [kid, n] of pick(c)) out.set(kid, (out.get(kid) ?? 0) + n);
    return out;
  };
  return {
    clientSecrets: sum((c) => c.clientSecrets),
    openResetCodes: sum((c) => c.openResetCodes),
    refreshTokenUsers: sum((c) => c.refreshTokenUsers),
    passwordHashes: sum((c) => c.passwordHashes),
    usersNotReported: all.reduce((n, c) => n + c.usersNotReported, 0),
  };
}

async function countIn(db: Database, now: number): Promise<KeyUsageCounts> {
  const kidOf = (column: string) => sql.raw(`substr(${column}, 1, instr(${column}, ':') - 1)`);
  const [clients, codes, refresh, passwords, unreported] = await Promise.all([
    db.all<{ kid: string; n: number }>(sql`SELECT ${kidOf("secret_hash")} AS kid, count(*) AS n FROM m2m_clients GROUP BY kid`),
    db.all<{ kid: string; n: number }>(
      sql`SELECT ${kidOf("code_hash")} AS kid, count(*) AS n FROM reset_codes
          WHERE consumed_at IS NULL AND superseded_at IS NULL AND expires_at > ${now} GROUP BY kid`,
    ),
    db.all<{ kid: string; n: number }>(
      sql`SELECT k.key AS kid, count(*) AS n FROM users, json_each(users.refresh_key_ids) AS k
          WHERE users.refresh_key_ids IS NOT NULL AND k.value > ${now} GROUP BY k.key`,
    ),
    db.all<{ kid: string; n: number }>(
      sql`SELECT password_key_id AS kid, count(*) AS n FROM users WHERE password_key_id IS NOT NULL GROUP BY password_key_id`,
    ),
    db.all<{ n: number }>(sql`SELECT count(*) AS n FROM users WHERE key_ids_reported_at IS NULL`),
  ]);
  return {
    clientSecrets: byKid(clients),
    openResetCodes: byKid(codes),
    refreshTokenUsers: byKid(refresh),
    passwordHashes: byKid(passwords),
    usersNotReported: unreported[0]?.n ?? 0,
  };
}
