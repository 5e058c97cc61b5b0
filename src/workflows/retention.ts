// Retention, run daily by the cron trigger (src/index.ts scheduled): every table that holds
// personal data or codes is pruned in bounded batches, each after a documented time (README,
// "What is kept"). Where the law may ask for another period, a setting overrides the default;
// the other periods are what the row's own rule needs (a code's expiry, a limit's window), and
// shortening them would weaken that rule. The run logs what it deleted per table (counts only),
// and logs a failure by table and error class instead of throwing.
import type { SQLiteColumn, SQLiteTable } from "drizzle-orm/sqlite-core";
import { AUDIT_DELETE_BATCH, AUDIT_RETENTION_DAYS, pruneAuditEvents } from "../audit/retention";
import { Misconfigured, reportMisconfigured } from "../config/misconfigured";
import type { Database } from "../db/client";
import { type DeleteLimits, deleteOlderThan } from "../db/batched-delete";
import { codeFailures, decoyPasswordFailures, devMailbox, emailDeliveries, resetCodes, resetEmailSends, revokedAccessTokens } from "../db/schema";
import { OTP_GUESS_WINDOW_MS } from "../policy/otp-guessing";
import type { ShardEnv } from "../shards/databases";
import { everyDatabase } from "../shards/routing";

const DAY_MS = 24 * 60 * 60 * 1000;

/** Expired codes answer EXPIRED_CODE for this long, then INVALID_CODE once their row is gone. */
export const EXPIRED_CODE_RETENTION_MS = 7 * DAY_MS;

/**
 * Login failures for emails without an active user are kept this long after the latest one. A
 * real user's count lives in its object until a success or a reset; a decoy's, with no owner to
 * reset it, ends here (so an unknown email at the hard stop is let try again after 30 days).
 */
export const DECOY_FAILURE_RETENTION_MS = 30 * DAY_MS;
/** The longest reset email window a policy may set (resetEmailWindowSeconds). */
export const RESET_EMAIL_SEND_RETENTION_MS = DAY_MS;
/** Delivery status (recipient address included): EMAIL_DELIVERY_RETENTION_DAYS, by default 30. */
export const EMAIL_DELIVERY_RETENTION_DAYS = 30;
/** The development mailbox holds plaintext codes: a day is enough to read them. */
export const DEV_MAILBOX_RETENTION_MS = DAY_MS;

/** Each table's default: how long after its time column a row is kept. */
export const RETENTION_DEFAULTS = {
  reset_codes: EXPIRED_CODE_RETENTION_MS,
  code_failures: OTP_GUESS_WINDOW_MS,
  reset_email_sends: RESET_EMAIL_SEND_RETENTION_MS,
  decoy_password_failures: DECOY_FAILURE_RETENTION_MS,
  revoked_access_tokens: 0,
  email_deliveries: EMAIL_DELIVERY_RETENTION_DAYS * DAY_MS,
  dev_mailbox: DEV_MAILBOX_RETENTION_MS,
  audit_events: AUDIT_RETENTION_DAYS * DAY_MS,
} as const;

export type RetainedTable = keyof typeof RETENTION_DEFAULTS;
type RetentionEnv = ShardEnv & Partial<Pick<Env, "EMAIL_DELIVERY_RETENTION_DAYS" | "AUDIT_RETENTION_DAYS">>;

interface Rule {
  table: RetainedTable;
  /** How long a row is kept; throws Misconfigured for an invalid setting. */
  keepMs(env: RetentionEnv): number;
  prune(db: Database, cutoffAge: number, now: number, limits: DeleteLimits): Promise<number>;
}

const olderThan =
  (table: SQLiteTable, column: SQLiteColumn): Rule["prune"] =>
  (db, keepMs, now, limits) =>
    deleteOlderThan(db, table, column, now - keepMs, limits);

const fixed = (table: RetainedTable) => () => RETENTION_DEFAULTS[table];

const RULES: Rule[] = [
  { table: "reset_codes", keepMs: fixed("reset_codes"), prune: olderThan(resetCodes, resetCodes.expiresAt) },
  { table: "code_failures", keepMs: fixed("code_failures"), prune: olderThan(codeFailures, codeFailures.failedAt) },
  { table: "reset_email_sends", keepMs: fixed("reset_email_sends"), prune: olderThan(resetEmailSends, resetEmailSends.sentAt) },
  { table: "decoy_password_failures", keepMs: fixed("decoy_password_failures"), prune: olderThan(decoyPasswordFailures, decoyPasswordFailures.lastFailedAt) },
  // A revoked token's row matters only until the token's own exp; after that, exp alone rejects it.
  { table: "revoked_access_tokens", keepMs: fixed("revoked_access_tokens"), prune: olderThan(revokedAccessTokens, revokedAccessTokens.expiresAt) },
  {
    table: "email_deliveries",
    keepMs: (env) => retentionDays("EMAIL_DELIVERY_RETENTION_DAYS", env.EMAIL_DELIVERY_RETENTION_DAYS, EMAIL_DELIVERY_RETENTION_DAYS),
    prune: olderThan(emailDeliveries, emailDeliveries.createdAt),
  },
  { table: "dev_mailbox", keepMs: fixed("dev_mailbox"), prune: olderThan(devMailbox, devMailbox.createdAt) },
  {
    table: "audit_events",
    keepMs: (env) => retentionDays("AUDIT_RETENTION_DAYS", env.AUDIT_RETENTION_DAYS, AUDIT_RETENTION_DAYS),
    prune: (db, keepMs, now, limits) => pruneAuditEvents(db, now, limits, keepMs),
  },
];

/** A setting in whole days, 1 to 3650; unset or empty means the default. */
function retentionDays(variable: string, raw: string | undefined, defaultDays: number): number {
  const value = raw?.trim() ?? "";
  if (value === "") return defaultDays * DAY_MS;
  if (!/^\d{1,4}$/.test(value) || Number(value) < 1 || Number(value) > 3650) throw new Misconfigured(variable, "must be a whole number of days from 1 to 3650");
  return Number(value) * DAY_MS;
}

export interface RetentionReport {
  deleted: Partial<Record<RetainedTable, number>>;
  /** Tables whose run reached its bound: the next run goes on. */
  backlog: RetainedTable[];
  /** Tables not pruned: an invalid setting (logged as misconfigured) or a storage failure. */
  skipped: RetainedTable[];
}

/**
 * 500 rows a statement and 100 statements a table in each database, and at most
 * RUN_STATEMENT_BUDGET statements in all: under D1's 1,000 queries per invocation, whatever the
 * number of shards. Every table is pruned in the directory database and on every shard (they share
 * one schema; a table a database does not use is empty and costs one statement).
 */
export async function pruneRetainedRows(env: RetentionEnv, now: number, limits: DeleteLimits = AUDIT_DELETE_BATCH): Promise<RetentionReport> {
  const report: RetentionReport = { deleted: {}, backlog: [], skipped: [] };
  const databases = everyDatabase(env);
  let budget = RUN_STATEMENT_BUDGET;
  for (const rule of RULES) {
    let keepMs: number;
    try {
      keepMs = rule.keepMs(env);
    } catch (e) {
      report.skipped.push(rule.table);
      if (e instanceof Misconfigured) reportMisconfigured(e);
      continue;
    }
    let deleted = 0;
    for (const db of databases) {
      const bound = { batchSize: limits.batchSize, maxStatements: Math.min(limits.maxStatements, budget) };
      if (bound.maxStatements < 1) {
        if (!report.backlog.includes(rule.table)) report.backlog.push(rule.table);
        continue;
      }
      try {
        const n = await rule.prune(db, keepMs, now, bound);
        deleted += n;
        budget -= Math.min(bound.maxStatements, Math.floor(n / bound.batchSize) + 1);
        if (n >= bound.batchSize * bound.maxStatements && !report.backlog.includes(rule.table)) report.backlog.push(rule.table);
      } catch (e) {
        budget -= 1;
        if (!report.skipped.includes(rule.table)) report.skipped.push(rule.table);
        // The error class only: a storage error's message may carry SQL parameters.
        console.error(JSON.stringify({ event: "retention.failed", table: rule.table, error: e instanceof Error ? e.name : typeof e }));
      }
    }
    report.deleted[rule.table] = deleted;
  }
  console.log(JSON.stringify({ event: "retention", ...report }));
  return report;
}

/** Statements one run may spend across every table and database (D1 allows 1,000 queries per invocation). */
export const RUN_STATEMENT_BUDGET = 800;
