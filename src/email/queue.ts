// The producer side of the email queue. Sending is awaited before a request answers, so an
// accepted request always has its job on the queue: nothing is left to waitUntil.
import { DependencyUnavailable } from "../db/errors";
import type { EmailJob } from "./message";

export async function enqueueEmail(env: Pick<Env, "EMAIL_QUEUE">, job: EmailJob): Promise<void> {
  await enqueueEmails(env, [job]);
}

export async function enqueueEmails(env: Pick<Env, "EMAIL_QUEUE">, jobs: EmailJob[]): Promise<void> {
  if (jobs.length === 0) return;
  try {
    await env.EMAIL_QUEUE.sendBatch(jobs.map((body) => ({ body, contentType: "json" as const })));
  } catch (e) {
    throw new DependencyUnavailable("The email queue refused the message.", { cause: e });
  }
}
