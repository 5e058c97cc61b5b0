import type { D1Migration } from "cloudflare:test";

declare global {
  namespace Cloudflare {
    interface Env {
      TEST_MIGRATIONS: D1Migration[];
      /** The second Worker of test/fixtures/host-app.js, which calls this service over RPC. */
      HOST_APP: Fetcher;
      /** A real Rate Limiting binding allowing two per 60 s (vitest.config.ts). */
      TEST_RATE_LIMIT_TWO: RateLimit;
      /** A second, empty D1 database: the lagging replica of test/support/lagging-replica.ts. */
      REPLICA_DB: D1Database;
      /** The lagging replicas of the two shards. */
      REPLICA_DB_SHARD_0: D1Database;
      REPLICA_DB_SHARD_1: D1Database;
    }
  }
}
