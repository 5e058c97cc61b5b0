// What the consumer says about a delivery: in logs, codes and ids only.
import { Misconfigured } from "../../config/misconfigured";
import type { EmailJob } from "../../email/message";
import { DeliveryError } from "../../email/providers/provider";

/** What the delivery's last error says: a code, never a message (messages may echo the body). */
export function failureCode(e: unknown): string {
  if (e instanceof DeliveryError) return e.code;
  if (e instanceof Misconfigured) return `misconfigured:${e.variable}`;
  return e instanceof Error ? e.name : typeof e;
}

/** Job id, template and failure code only: no address, code or body in logs. */
export function logDelivery(event: string, job: EmailJob, failure?: string): void {
  console.error(JSON.stringify({ event, deliveryId: job.id, template: job.template, failure }));
}
