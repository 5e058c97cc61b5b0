// D1 storage of delivery status (`email_deliveries`), one row per job, keyed by the job's id.
// It holds template, recipient, attempts, status and last error: never the body.
import { and, desc, eq, inArray } from "drizzle-orm";
import type { Database } from "../../db/client";
import { type PageCursor, afterCursor, pageOf } from "../../db/page-cursor";
import { type DELIVERY_STATUSES, emailDeliveries } from "../../db/schema";
import type { EmailJob } from "../message";

export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];
export type DeliveryRow = typeof emailDeliveries.$inferSelect;

/** Sent and permanently failed jobs are finished: a redelivered message must not send again. */
const FINISHED: DeliveryStatus[] = ["sent", "failed"];

/**
 * Records that an attempt starts. Answers false when the job is already finished, so a message
 * the queue delivers twice sends once.
 */
export async function beginAttempt(db: Database, job: EmailJob, to: string, attempts: number): Promise<boolean> {
  const now = Date.now();
  const rows = await db
    .insert(emailDeliveries)
    .values({ id: job.id, applicationId: job.applicationId, tenantId: job.tenantId, template: job.template, to, status: "sending", attempts, createdAt: now, updatedAt: now })
    .onConflictDoUpdate({
      target: emailDeliveries.id,
      set: { status: "sending", attempts, nextAttemptAt: null, updatedAt: now },
      setWhere: inArray(emailDeliveries.status, ["sending", "retrying"]),
    })
    .returning({ id: emailDeliveries.id });
  return rows.length === 1;
}

export async function recordSent(db: Database, id: string, provider: string, providerMessageId: string): Promise<void> {
  await db.update(emailDeliveries).set({ status: "sent", provider, providerMessageId, lastError: null, updatedAt: Date.now() }).where(eq(emailDeliveries.id, id));
}

export type Failure = { status: "failed"; lastError: string } | { status: "retrying"; lastError: string; nextAttemptAt: number };

export async function recordFailure(db: Database, id: string, failure: Failure): Promise<void> {
  await db
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
    .values({ id: job.id, applicationId: job.applicationId, tenantId: job.tenantId, template: job.template, to: job.to, status: "dead", attempts: 0, lastError: "no_attempt_recorded", createdAt: now, updatedAt: now })
    .onConflictDoUpdate({ target: emailDeliveries.id, set: { status: "dead", nextAttemptAt: null, updatedAt: now }, setWhere: inArray(emailDeliveries.status, ["sending", "retrying"]) });
}

export interface DeliveryQuery {
  applicationId: string;
  status?: DeliveryStatus;
  limit: number;
  cursor?: PageCursor;
}

/** Newest first, a page at a time (indexes on application, [status,] time and id). */
export async function listDeliveries(db: Database, q: DeliveryQuery): Promise<{ rows: DeliveryRow[]; next: PageCursor | null }> {
  const rows = await db
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
    .limit(q.limit + 1);
  return pageOf(rows, q.limit, (r) => r.createdAt);
}
