import { createApp } from "./http/app";

export { UserDurableObject } from "./user-object/user-durable-object";

const app = createApp();

export default {
  fetch: app.fetch,
} satisfies ExportedHandler<Env>;
