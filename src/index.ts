import { app } from "./http/app";

export { UserDurableObject } from "./user-object/user-durable-object";
export { PasswordResetService } from "./rpc/password-reset-service";

export default {
  fetch: app.fetch,
} satisfies ExportedHandler<Env>;
