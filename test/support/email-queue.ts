// Drives the real queue consumer (src/index.ts `queue`) with message batches from the vitest
// plugin, and captures what a request puts on the email queue.
import { createExecutionContext, createMessageBatch, getQueueResult } from "cloudflare:test";
import { env } from "cloudflare:workers";
import worker from "../../src/index";
import type { EmailJob } from "../../src/email/message";
import { callJson } from "./api";
import type { World } from "./fixtures";

export const EMAIL_QUEUE = "edge-password-reset-email";
export const DEAD_LETTER_QUEUE = "edge-password-reset-email-dlq";

export interface Delivery {
  attempts?: number;
  queue?: string;
  env?: Partial<Env>;
}

/** Hands one job to the consumer as delivery number `attempts` and returns what it acked or retried. */
export async function consume(job: EmailJob, d: Delivery = {}) {
  const batch = createMessageBatch<EmailJob>(d.queue ?? EMAIL_QUEUE, [{ id: `msg-${job.id}`, timestamp: Date.now(), attempts: d.attempts ?? 1, body: job }]);
  const ctx = createExecutionContext();
  await worker.queue(batch, { ...env, ...d.env } as Env);
  return getQueueResult(batch, ctx);
}

/**
 * A stand-in for the EMAIL_QUEUE binding that records every job. With `forward`, each job also
 * goes on to the real queue, whose consumer delivers it as usual.
 */
export function recordingQueue(forward: boolean): { binding: Queue; jobs: EmailJob[] } {
  const jobs: EmailJob[] = [];
  const binding = {
    async send(body: EmailJob) {
      jobs.push(structuredClone(body));
      if (forward) await env.EMAIL_QUEUE.send(body, { contentType: "json" });
    },
    async sendBatch(messages: Iterable<MessageSendRequest<EmailJob>>) {
      const list = [...messages];
      for (const m of list) jobs.push(structuredClone(m.body));
      if (forward) await env.EMAIL_QUEUE.sendBatch(list);
    },
    async metrics() {
      return env.EMAIL_QUEUE.metrics();
    },
  };
  return { binding: binding as unknown as Queue, jobs };
}

/**
 * An EMAIL_QUEUE for a request run with `overrides`: each job goes straight to the real consumer,
 * run with the same values, as the consumer of a Worker deployed with them would be.
 */
export function queueConsumedWith(overrides: Partial<Env>): Queue {
  const binding = {
    async send(body: EmailJob) {
      await consume(body, { env: overrides });
    },
    async sendBatch(messages: Iterable<MessageSendRequest<EmailJob>>) {
      for (const m of messages) await consume(m.body, { env: overrides });
    },
  };
  return binding as unknown as Queue;
}

/** Requests a reset for `email` and returns the job the request put on the email queue (not sent on). */
export async function resetJob(w: World, email: string): Promise<EmailJob> {
  const queue = recordingQueue(false);
  const res = await callJson("POST", "/api/v1/password-reset/request-password-reset", {
    token: w.token,
    body: { tenantId: w.tenantId, email },
    env: { EMAIL_QUEUE: queue.binding },
  });
  if (res.status !== 200 || queue.jobs.length !== 1) throw new Error(`request: ${res.status}, ${queue.jobs.length} jobs`);
  return queue.jobs[0]!;
}

/** The application's delivery record of one job, through the API. */
export async function deliveryOf(w: World, id: string) {
  const res = await callJson("GET", `/api/v1/applications/${w.applicationId}/email-deliveries`, { token: w.token });
  if (res.status !== 200) throw new Error(`deliveries: ${res.status}`);
  return res.body.items.find((d: { id: string }) => d.id === id);
}
