import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-plugin";
import { availableParallelism } from "node:os";
import { defineConfig } from "vitest/config";
import { writeDocsAssets } from "./scripts/docs-assets.mjs";
import { PREBUNDLED_DEPS } from "./test/prebundled-deps.ts";
import { TEST_SECRETS } from "./test/secrets.ts";

const PROJECT = "edge-password-reset";

// Wrangler reads wrangler.toml once per test file; at its default level it would announce
// "Using secrets defined in .dev.vars" each time (tests use test/secrets.ts, not .dev.vars).
process.env.WRANGLER_LOG ??= "warn";
process.env.WRANGLER_SEND_METRICS ??= "false";

// wrangler.toml's [assets] directory (GET /docs loads Scalar from it) is generated, not committed.
writeDocsAssets();

export default defineConfig(async () => {
  const migrations = await readD1Migrations("./migrations");
  return {
    plugins: [
      cloudflareTest({
        wrangler: { configPath: "./wrangler.toml" },
        miniflare: {
          bindings: { ...TEST_SECRETS, TEST_MIGRATIONS: migrations },
          // Real Rate Limiting bindings with a budget of two, which a test puts in place of a
          // production one (test/http/rate-limits.test.ts); wrangler.toml's own stay as configured.
          ratelimits: { TEST_RATE_LIMIT_TWO: { namespace_id: "9002", simple: { limit: 2, period: 60 } } },
          serviceBindings: { HOST_APP: "host-app" },
          // A second database that a test fills with a copy of DB to serve stale replica reads
          // (test/support/lagging-replica.ts); wrangler.toml's DB stays as configured.
          d1Databases: { REPLICA_DB: "test-replica-db", REPLICA_DB_SHARD_0: "test-replica-db-shard-0", REPLICA_DB_SHARD_1: "test-replica-db-shard-1" },
          // wrangler.toml's queues, with a shorter wait for a batch to fill: tests send one job at a time.
          queueConsumers: {
            "edge-password-reset-email": { maxBatchSize: 10, maxBatchTimeout: 0.05, maxRetries: 5, deadLetterQueue: "edge-password-reset-email-dlq" },
            "edge-password-reset-email-dlq": { maxBatchSize: 10, maxBatchTimeout: 0.05, maxRetries: 10 },
            // The second email queue (EMAIL_QUEUES): the same consumer, its own dead-letter queue.
            "edge-password-reset-email-1": { maxBatchSize: 10, maxBatchTimeout: 0.05, maxRetries: 5, deadLetterQueue: "edge-password-reset-email-1-dlq" },
            "edge-password-reset-email-1-dlq": { maxBatchSize: 10, maxBatchTimeout: 0.05, maxRetries: 10 },
            // No retryDelay: a retried audit event comes back at once, so a test sees it dead-lettered in time.
            "edge-password-reset-audit": { maxBatchSize: 100, maxBatchTimeout: 0.05, maxRetries: 10, deadLetterQueue: "edge-password-reset-audit-dlq" },
            "edge-password-reset-audit-dlq": { maxBatchSize: 100, maxBatchTimeout: 0.05, maxRetries: 10 },
            "edge-password-reset-audit-1": { maxBatchSize: 100, maxBatchTimeout: 0.05, maxRetries: 10, deadLetterQueue: "edge-password-reset-audit-1-dlq" },
            "edge-password-reset-audit-1-dlq": { maxBatchSize: 100, maxBatchTimeout: 0.05, maxRetries: 10 },
          },
          // Outbound fetches (an external issuer's JWKS) go to the host app instead of the internet.
          outboundService: "host-app",
          workers: [
            {
              name: "host-app",
              modules: true,
              scriptPath: "./test/fixtures/host-app.js",
              compatibilityDate: "2026-11-01",
              // The plugin renames the Worker under test to vitest-plugin-runner-<project name>
              // and rewrites only its own self-bindings, so the host app names the runner.
              serviceBindings: {
                // props name the calling application's client (test/support/rpc.ts RPC_CLIENT_ID).
                AUTH: { name: `vitest-plugin-runner-${PROJECT}`, entrypoint: "PasswordResetService", props: { clientId: "rpchostclient0000000000000" } },
                AUTH_UNBOUND: { name: `vitest-plugin-runner-${PROJECT}`, entrypoint: "PasswordResetService" },
              },
            },
          ],
        },
      }),
    ],
    test: {
      name: PROJECT,
      include: ["test/**/*.test.ts"],
      setupFiles: ["./test/apply-migrations.ts"],
      // Each test file starts a new runtime, which loads the Worker's whole module graph again, one
      // module per request to Vite. Pre-bundled, each dependency is one file (with chunks shared
      // between them): 14 files took 31-33 s of CPU instead of 37-40 s here.
      deps: { optimizer: { ssr: { enabled: true, include: PREBUNDLED_DEPS } } },
      testTimeout: 30_000,
      // Vitest's default (CPUs - 1) runs one file at a time on a 2-core machine. A file spends most
      // of its time starting its own runtime, which overlaps well with another file's tests:
      // two at once took the suite from 298 s to 216 s here, with the same 633 tests passing.
      maxWorkers: Math.max(2, availableParallelism() - 1),
      // Access-log lines only matter when a test fails.
      silent: "passed-only" as const,
    },
  };
});
