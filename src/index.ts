import { database } from "./db/client";
import { app } from "./http/app";
import { pruneExpiredRows } from "./workflows/retention";

export { UserDurableObject } from "./user-object/user-durable-object";
export { PasswordResetService } from "./rpc/password-reset-service";

export default {
  fetch: app.fetch,
  async scheduled(controller, env, ctx) {
    ctx.waitUntil(pruneExpiredRows(database(env), controller.scheduledTime));
  },
} satisfies ExportedHandler<Env>;
