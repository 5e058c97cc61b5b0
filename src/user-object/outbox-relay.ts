// The user object's outbox: a Password Updated email is queued in `pending_emails` in the same
// transaction as the change it reports, and the alarm relays it to the email queue afterwards,
// backing off while the queue refuses and never giving up.
import { asc, eq } from "drizzle-orm";
import type { PasswordUpdatedJob } from "../email/message";
import { type EmailQueueEnv, enqueueEmails } from "../email/queue";
import { pendingEmails } from "./schema";
import type { UserStore } from "./store";

/** The first relay retry waits this long; each further one twice as long, up to the ceiling. */
export const RELAY_RETRY_FIRST_MS = 10_000;
export const RELAY_RETRY_CEILING_MS = 60 * 60 * 1000;

/** The wait after the `attempts`-th failed relay (1-based), with up to a quarter of jitter (`random` in [0, 1)). */
export function relayRetryDelayMs(attempts: number, random: number): number {
  const base = Math.min(RELAY_RETRY_CEILING_MS, RELAY_RETRY_FIRST_MS * 2 ** Math.min(attempts - 1, 20));
  return base + Math.floor(base * 0.25 * random);
}

/** Synchronous, so that inside transactionSync it commits with the change it reports, or not at all. */
export function queueEmail(store: UserStore, message: PasswordUpdatedJob): void {
  store.db.insert(pendingEmails).values({ id: message.id, message: JSON.stringify(message), createdAt: message.createdAt }).run();
}

/**
 * Hands pending mail to the relay (idempotent by message id), then forgets it. A failure is
 * logged by class and answered with a later retry, never a throw: the platform would give up
 * on a throwing alarm after a few tries, and the mail would wait for the next change.
 * Returns when to try again, or null when nothing is left.
 */
export async function relayPendingMail(store: UserStore, env: EmailQueueEnv): Promise<number | null> {
  const pending = store.db.select().from(pendingEmails).orderBy(asc(pendingEmails.createdAt)).all();
  if (pending.length === 0) return null;
  try {
    await enqueueEmails(env, pending.map((p) => JSON.parse(p.message) as PasswordUpdatedJob));
  } catch (e) {
    const attempts = Math.max(...pending.map((p) => p.attempts)) + 1;
    store.db.update(pendingEmails).set({ attempts }).run();
    console.error(JSON.stringify({ event: "user_object.mail_relay_failed", error: e instanceof Error ? e.name : typeof e, attempts }));
    return Date.now() + relayRetryDelayMs(attempts, crypto.getRandomValues(new Uint32Array(1))[0]! / 2 ** 32);
  }
  for (const p of pending) store.db.delete(pendingEmails).where(eq(pendingEmails.id, p.id)).run();
  return null;
}
