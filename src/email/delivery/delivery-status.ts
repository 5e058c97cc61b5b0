// D1 storage of delivery status (`email_deliveries`), one row per job, keyed by the job's id.
// It holds template, recipient, attempts, status, last error and the job less its address (for an
// admin retry): never the body.
import { type SQL, and, desc, eq, inArray, sql } from "drizzle-orm";
import { type Database, database } from "../../db/client";
import { type PageCursor, afterCursor } from "../../db/page-cursor";
import { type DELIVERY_STATUSES, emailDeliveries } from "../../db/schema";
import { fanOutPage } from "../../shards/fan-out";
import { databaseOfId } from "../../shards/routing";
import type { EmailJob, StoredEmailJob } from "../message";

export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];
export type DeliveryRow = typeof emailDeliveries.$inferSelect;

/** What an admin may send again: nothing reached the recipient, and nothing else will try. */
export const RETRYABLE: DeliveryStatus[] = ["failed", "dead"];

/**
 * Records that an attempt starts; attemptBegun reads its result, false when the job is already
 * finished, so a message the queue delivers twice sends once. A statement, so the consumer commits
 * it in one batch with the attempt's codes.
 */
export function beginAttemptStatement(db: Database, job: EmailJob, to: string, attempts: number) {
  const now = Date.now();
  return db
    .insert(emailDeliveries)
    .values({ ...rowOf(job), to, status: "sending", attempts, createdAt: now, updatedAt: now })
    .onConflictDoUpdate({
      target: emailDeliveries.id,
      set: { status: "sending", attempts, nextAttemptAt: null, updatedAt: now },
      setWhere: inArray(emailDeliveries.status, ["sending", "retrying"]),
    })
    .returning({ id: emailDeliveries.id });
}

export function attemptBegun(result: unknown): boolean {
  return Array.isArray(result) && result.length === 1;
}

/**
 * Holds, later in the batch of beginAttemptStatement, when that attempt began: what the attempt
 * writes with it (its codes) must not be written for a finished job.
 */
export function attemptUnderWay(jobId: string): SQL {
  return sql`EXISTS (SELECT 1 FROM ${emailDeliveries} WHERE ${and(eq(emailDeliveries.id, jobId), eq(emailDeliveries.status, "sending"))})`;
}

/** What a delivery row keeps of its job: enough for an admin to send it again (retry.ts). */
function rowOf(job: EmailJob) {
  const { to: _to, ...stored } = job;
  if ("requested" in stored) delete stored.requested;
  return { id: job.id, applicationId: job.applicationId, tenantId: job.tenantId, template: job.template, job: stored as StoredEmailJob, retryOf: job.retryOf ?? null };
}

export function recordSentStatement(db: Database, id: string, provider: string, providerMessageId: string) {
  return db.update(emailDeliveries).set({ status: "sent", provider, providerMessageId, lastError: null, updatedAt: Date.now() }).where(eq(emailDeliveries.id, id));
}

export type Failure = { status: "failed"; lastError: string } | { status: "retrying"; lastError: string; nextAttemptAt: number };

export function recordFailureStatement(db: Database, id: string, failure: Failure) {
  return db
    .update(emailDeliveries)
    .set({ ...failure, updatedAt: Date.now() })
    .where(and(eq(emailDeliveries.id, id), inArray(emailDeliveries.status, ["sending", "retrying"])));
}

/**
 * The dead-letter queue's verdict: every retry failed. A job that never reached a recipient
 * (it failed before its first send) gets its row here, so no job ends without a status.
 */
export async function recordDead(db: Database, job: EmailJob): Promise<void> {
  const now = Date.now();
  await db
    .insert(emailDeliveries)
    .values({ ...rowOf(job), to: job.to, status: "dead", attempts: 0, lastError: "no_attempt_recorded", createdAt: now, updatedAt: now })
    .onConflictDoUpdate({ target: emailDeliveries.id, set: { status: "dead", nextAttemptAt: null, updatedAt: now }, setWhere: inArray(emailDeliveries.status, ["sending", "retrying"]) });
}

export interface DeliveryQuery {
  applicationId: string;
  status?: DeliveryStatus;
  limit: number;
  cursor?: PageCursor;
}

/**
 * Newest first, a page at a time (indexes on application, [status,] time and id), over every
 * database that may hold the application's deliveries (src/shards/fan-out.ts keeps the order and
 * the cursor exact across them).
 */
export async function listDeliveries(databases: readonly Database[], q: DeliveryQuery): Promise<{ rows: DeliveryRow[]; next: PageCursor | null }> {
  return fanOutPage(databases, q.limit, (r) => r.createdAt, (db) =>
    db
      .select()
      .from(emailDeliveries)
      .where(
        and(
          eq(emailDeliveries.applicationId, q.applicationId),
          q.status ? eq(emailDeliveries.status, q.status) : undefined,
          q.cursor ? afterCursor(q.cursor, emailDeliveries.createdAt, emailDeliveries.id) : undefined,
        ),
      )
      .orderBy(desc(emailDeliveries.createdAt), desc(emailDeliveries.id))
      .limit(q.limit + 1),
  );
}

/**
 * A delivery by id, with the database holding it: the shard its id names, else the directory
 * database (deliveries recorded before sharding).
 */
export async function findDelivery(env: Env, applicationId: string, id: string): Promise<{ row: DeliveryRow; db: Database } | null> {
  const directory = database(env);
  for (const db of new Set([databaseOfId(env, id), directory])) {
    const row = await db.select().from(emailDeliveries).where(and(eq(emailDeliveries.id, id), eq(emailDeliveries.applicationId, applicationId))).get();
    if (row) return { row, db };
  }
  return null;
}

/**
 * Marks a `failed` or `dead` delivery as `retried` by `retriedAs`, if it still has the status it
 * was read with: one guarded statement, so of concurrent retries exactly one claims it.
 */
export async function claimRetry(db: Database, row: Pick<DeliveryRow, "id" | "status">, retriedAs: string): Promise<boolean> {
  const claimed = await db
    .update(emailDeliveries)
    .set({ status: "retried", retriedAs, updatedAt: Date.now() })
    .where(and(eq(emailDeliveries.id, row.id), eq(emailDeliveries.status, row.status), inArray(emailDeliveries.status, RETRYABLE)))
    .returning({ id: emailDeliveries.id });
  return claimed.length === 1;
}

/** Gives a claim back when its job never reached the queue: the delivery stays retryable. */
export async function releaseRetry(db: Database, row: Pick<DeliveryRow, "id" | "status">, retriedAs: string): Promise<void> {
  await db
    .update(emailDeliveries)
    .set({ status: row.status, retriedAs: null, updatedAt: Date.now() })
    .where(and(eq(emailDeliveries.id, row.id), eq(emailDeliveries.retriedAs, retriedAs)));
}
