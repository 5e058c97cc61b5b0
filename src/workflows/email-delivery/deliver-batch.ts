// Delivers a batch of email jobs together, so that a batch of ten costs about what one does where
// D1's primary is far away: (1) each job's reads run concurrently, at a read replica, the users by
// email for the whole batch in one D1 batch per database (usersOfJobs); (2) every
// job's attempt and its codes are written in ONE D1 batch per database (a job's delivery row and
// codes live on the shard its id names, src/shards; the directory database for a job queued before
// sharding), in message order, so each job's guards see the jobs before it exactly as if they had
// run one after another, and a job's codes are written only if its attempt began; (3) the sends run
// concurrently; (4) every outcome is recorded in one D1 batch per database. Each message is then
// acked or retried on its own: one job's failure never decides another's, except a failed D1
// batch, which retries the jobs it carried (safe: a job's codes and rows are the job's, rewritten
// by a retry).
import type { Database, Sessions, Statement } from "../../db/client";
import { retryBaseSeconds, retryDelaySeconds } from "../../email/delivery/backoff";
import { attemptBegun, attemptUnderWay, beginAttemptStatement, recordFailureStatement, recordSentStatement } from "../../email/delivery/delivery-status";
import type { EmailJob, RenderedEmail } from "../../email/message";
import { DeliveryError } from "../../email/providers/provider";
import { recordCompletedResetRequested } from "../../audit/reset-requested";
import { emailProvider } from "../../email/providers/select";
import { type Metrics, recordEmailOutcome } from "../../metrics/metrics";
import { DeliveryStores } from "./delivery-stores";
import { type EmailCodeIssue, emailCodeStatements, emailCodesStored } from "../password-reset/code-store";
import { type JobUser, usersOfJobs } from "../password-reset/issue-email-code";
import { failureCode, logDelivery } from "./delivery-log";
import { type PreparedEmail, type StoredCodes, prepareEmail } from "./prepare";

/** Sends in flight at once: the queue's max_batch_size (wrangler.toml), so a full batch sends in one wave. */
const SEND_CONCURRENCY = 10;

type Outcome =
  /** Nothing (more) to do: an unknown email, or a job already finished. */
  | { kind: "done" }
  | { kind: "sent"; provider: string; messageId: string }
  | { kind: "failed"; lastError: string }
  | { kind: "retry"; lastError: string };

interface Delivery {
  message: Message<EmailJob>;
  /** The shard holding the delivery's row; null: the directory database. */
  shard: number | null;
  email: PreparedEmail | null;
  decoy: EmailCodeIssue | null;
  rendered: RenderedEmail | null;
  outcome: Outcome | null;
}

/** `replica`: where the recipient, tenant, policy and branding are read (the user's object decides whether codes are issued). */
export async function deliverBatch(env: Env, { db, replica }: Sessions, messages: readonly Message<EmailJob>[], metrics: Metrics): Promise<void> {
  const stores = new DeliveryStores(env, db);
  const deliveries = firstOfEachJob(stores, messages);
  const users = usersOfJobs(env, deliveries.map((d) => d.message.body));
  const trail = Promise.all(deliveries.map((d, i) => recordRequested(env, d.message.body, users[i]!, metrics)));
  await Promise.all(deliveries.map((d, i) => prepare(env, replica, d, users[i]!)));
  await stores.each(deliveries.filter((d) => !d.outcome), beginAndIssue);
  await send(env, db, deliveries);
  await recordOutcomes(env, stores, deliveries);
  for (const d of deliveries) settle(env, d, metrics);
  await trail;
}

/** The request's audit event, completed with the user the lookup found; a failed lookup retries the job, which records it then. */
async function recordRequested(env: Env, job: EmailJob, user: JobUser, metrics: Metrics): Promise<void> {
  if (job.kind !== "PASSWORD_RESET" || !job.requested) return;
  const found = await user.then((u) => ({ u }), () => null);
  if (found) await recordCompletedResetRequested({ env, metrics }, job.requested, found.u);
}

/**
 * A job the queue hands over twice in one batch is delivered by its first message; the copy is
 * acked, as it would be when it came after the first had finished (its attempt would not begin).
 */
function firstOfEachJob(stores: DeliveryStores, messages: readonly Message<EmailJob>[]): Delivery[] {
  const seen = new Set<string>();
  const deliveries: Delivery[] = [];
  for (const message of messages) {
    if (seen.has(message.body.id)) {
      message.ack();
      continue;
    }
    seen.add(message.body.id);
    deliveries.push({ message, shard: stores.shardOf(message.body.id), email: null, decoy: null, rendered: null, outcome: null });
  }
  return deliveries;
}

async function prepare(env: Env, db: Database, d: Delivery, user: JobUser): Promise<void> {
  try {
    const p = await prepareEmail(env, db, d.message.body, user);
    d.email = p.email;
    d.decoy = p.decoy;
    if (!p.email && !p.decoy) d.outcome = { kind: "done" };
  } catch (e) {
    d.outcome = failure(e);
  }
}

/** Phase 2, in one batch of one database: each job's attempt guarding its codes, and each unknown email's decoy. */
async function beginAndIssue(db: Database, pending: Delivery[]): Promise<void> {
  const statements: Statement[] = [];
  const reads: ((results: unknown[]) => void)[] = [];
  for (const d of pending) {
    const email = d.email;
    if (!email) {
      statements.push(...emailCodeStatements(db, d.decoy!));
      reads.push(() => (d.outcome = { kind: "done" }));
      continue;
    }
    const begin = statements.push(beginAttemptStatement(db, d.message.body, email.to, d.message.attempts)) - 1;
    const firstInsert = statements.length + 1;
    if (email.codes) statements.push(...emailCodeStatements(db, email.codes, attemptUnderWay(d.message.body.id)));
    const inserts = statements.length;
    reads.push((results) => {
      if (!attemptBegun(results[begin])) d.outcome = { kind: "done" };
      else rendered(d, email, email.codes ? emailCodesStored(results.slice(firstInsert, inserts)) : null);
    });
  }
  const [first, ...more] = statements;
  if (!first) return;
  let results: unknown[];
  try {
    results = await db.batch([first, ...more]);
  } catch (e) {
    for (const d of pending) if (!d.rendered) d.outcome = failure(e);
    return;
  }
  for (const read of reads) read(results);
}

function rendered(d: Delivery, email: PreparedEmail, stored: StoredCodes | null): void {
  try {
    d.rendered = email.render(stored);
    if (!d.rendered) d.outcome = failure(new DeliveryError("superseded_by_newer_request", true));
  } catch (e) {
    d.outcome = failure(e);
  }
}

/** Phase 3: the sends, concurrently. */
async function send(env: Env, db: Database, deliveries: Delivery[]): Promise<void> {
  const ready = deliveries.filter((d) => d.rendered && !d.outcome);
  if (ready.length === 0) return;
  let provider: ReturnType<typeof emailProvider>;
  try {
    provider = emailProvider(env, db);
  } catch (e) {
    for (const d of ready) d.outcome = failure(e);
    return;
  }
  for (let i = 0; i < ready.length; i += SEND_CONCURRENCY) {
    await Promise.all(
      ready.slice(i, i + SEND_CONCURRENCY).map(async (d) => {
        const job = d.message.body;
        try {
          const mail = { deliveryId: job.id, applicationId: job.applicationId, template: job.template, to: d.email!.to, fromName: d.email!.fromName, ...d.rendered! };
          const { messageId } = await provider.send(mail);
          d.outcome = { kind: "sent", provider: provider.name, messageId };
        } catch (e) {
          d.outcome = failure(e);
        }
      }),
    );
  }
}

/** Phase 4: every outcome, one D1 batch per database. If one fails, its sent jobs retry (their `sent` was not recorded). */
async function recordOutcomes(env: Env, stores: DeliveryStores, deliveries: Delivery[]): Promise<void> {
  await stores.each(deliveries, async (db, group) => {
    try {
      await commit(db, group.map((d) => outcomeStatement(env, db, d)));
    } catch (e) {
      for (const d of group) if (d.outcome?.kind === "sent") d.outcome = { kind: "retry", lastError: failureCode(e) };
      await commit(db, group.map((d) => outcomeStatement(env, db, d))).catch(() => undefined);
    }
  });
}

async function commit(db: Database, statements: (Statement | null)[]): Promise<void> {
  const [first, ...more] = statements.filter((s) => s !== null);
  if (first) await db.batch([first, ...more]);
}

function outcomeStatement(env: Env, db: Database, d: Delivery): Statement | null {
  const id = d.message.body.id;
  switch (d.outcome?.kind) {
    case "sent":
      return recordSentStatement(db, id, d.outcome.provider, d.outcome.messageId);
    case "failed":
      return recordFailureStatement(db, id, { status: "failed", lastError: d.outcome.lastError });
    case "retry":
      return recordFailureStatement(db, id, { status: "retrying", lastError: d.outcome.lastError, nextAttemptAt: Date.now() + delaySeconds(env, d) * 1000 });
    default:
      return null;
  }
}

function settle(env: Env, d: Delivery, metrics: Metrics): void {
  const { message } = d;
  const job = message.body;
  const outcome = d.outcome ?? { kind: "done" };
  switch (outcome.kind) {
    case "done":
      return message.ack();
    case "sent":
      console.log(JSON.stringify({ event: "email.sent", deliveryId: job.id, template: job.template, provider: outcome.provider, attempts: message.attempts }));
      recordEmailOutcome(metrics, job, "sent");
      return message.ack();
    case "failed":
      logDelivery("email.failed", job, outcome.lastError);
      recordEmailOutcome(metrics, job, "failed");
      return message.ack();
    case "retry":
      logDelivery("email.retry", job, outcome.lastError);
      recordEmailOutcome(metrics, job, "retrying");
      return message.retry({ delaySeconds: delaySeconds(env, d) });
  }
}

const delaySeconds = (env: Env, d: Delivery) => retryDelaySeconds(d.message.attempts, retryBaseSeconds(env));

/** A permanent provider error fails the job at once; anything else is worth another attempt. */
function failure(e: unknown): Outcome {
  return e instanceof DeliveryError && e.permanent ? { kind: "failed", lastError: failureCode(e) } : { kind: "retry", lastError: failureCode(e) };
}
