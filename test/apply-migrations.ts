import { env } from "cloudflare:workers";
import { shardBinding } from "../src/shards/databases";
import { shardMapOf } from "../src/shards/shard-map";
import { migrate } from "./support/migrations";

// The directory database and every shard the map names: the same migrations everywhere, each
// database in one batch and all of them at once (test/support/migrations.ts).
const map = shardMapOf(env);
const shards = Array.from({ length: map?.bindings.length ?? 0 }, (_, shard) => shardBinding(env, map!, shard));
await Promise.all([env.DB, ...shards].map(migrate));
