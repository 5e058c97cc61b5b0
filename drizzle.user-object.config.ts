import { defineConfig } from "drizzle-kit";

// The user Durable Object's own SQLite schema. Its migrations live apart from D1's `migrations/`
// (which wrangler and readD1Migrations read) and are bundled into the Worker by migrations.js.
export default defineConfig({
  dialect: "sqlite",
  driver: "durable-sqlite",
  schema: "./src/user-object/schema.ts",
  out: "./src/user-object/migrations",
});
