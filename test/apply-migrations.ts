import { applyD1Migrations } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { shardBinding } from "../src/shards/databases";
import { shardMapOf } from "../src/shards/shard-map";

// The directory database and every shard the map names: the same migrations everywhere.
const map = shardMapOf(env);
await applyD1Migrations(env.DB, env.TEST_MIGRATIONS);
for (let shard = 0; shard < (map?.bindings.length ?? 0); shard++) await applyD1Migrations(shardBinding(env, map!, shard), env.TEST_MIGRATIONS);
