import { consumeEmailBatch } from "./email/delivery/consumer";
import type { EmailJob } from "./email/message";
import { app } from "./http/app";
import { pruneRetainedRows } from "./workflows/retention";

export { UserDurableObject } from "./user-object/user-durable-object";
export { PasswordResetService } from "./rpc/password-reset-service";

export default {
  fetch: app.fetch,
  async queue(batch, env) {
    await consumeEmailBatch(batch as MessageBatch<EmailJob>, env);
  },
  async scheduled(controller, env, ctx) {
    ctx.waitUntil(pruneRetainedRows(env, controller.scheduledTime));
  },
} satisfies ExportedHandler<Env>;
