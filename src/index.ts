import { env } from "cloudflare:workers";
import { userObjectClass } from "./dev/bench-rows";
import { consumeEmailBatch } from "./workflows/email-delivery/consumer";
import { consumeAuditBatch, isAuditQueue } from "./audit/audit-consumer";
import type { AuditRow } from "./audit/record";
import type { EmailJob } from "./email/message";
import { app } from "./http/app";
import type { UserDurableObject as ProductionUserDurableObject } from "./user-object/user-durable-object";
import { pruneRetainedRows } from "./workflows/retention";

// Bound as USERS (wrangler.toml): the production class, or in development its bench subclass.
export const UserDurableObject = userObjectClass(env.ENVIRONMENT);
export type UserDurableObject = ProductionUserDurableObject;
export { PasswordResetService } from "./rpc/password-reset-service";
export { AddressDurableObject } from "./address-object/address-durable-object";

export default {
  fetch: app.fetch,
  // The email and audit queues (several of each, EMAIL_QUEUES and AUDIT_QUEUES) and their dead-letter queues, told apart by name (wrangler.toml).
  async queue(batch, env) {
    if (isAuditQueue(batch.queue)) await consumeAuditBatch(batch as MessageBatch<AuditRow>, env);
    else await consumeEmailBatch(batch as MessageBatch<EmailJob>, env);
  },
  async scheduled(controller, env, ctx) {
    ctx.waitUntil(pruneRetainedRows(env, controller.scheduledTime));
  },
} satisfies ExportedHandler<Env>;
