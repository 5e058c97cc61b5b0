// What callers ask of the shard map: an id placed by (tenant, email), the database an id names,
// and every database a read across all tenants must visit.
import type { Database } from "../db/client";
import { type ShardEnv, databaseOf, fanOutDatabases } from "./databases";
import { emailPlacementKey, placeNew, shardSetOf, shardsOfSet } from "./placement";
import { shardMapOf } from "./shard-map";
import { newShardedId, shardOfId } from "./sharded-id";

/** The shard of (tenant, normalised email) under the newest map version; null without shards. */
export function shardForEmail(env: ShardEnv, tenantId: string, normalisedEmail: string): number | null {
  const map = shardMapOf(env);
  return map ? placeNew(map, shardSetOf(map, tenantId), emailPlacementKey(tenantId, normalisedEmail)) : null;
}

/** A new id on the shard of (tenant, normalised email) under the newest map version; a plain id without shards. */
export function newIdForEmail(env: ShardEnv, tenantId: string, normalisedEmail: string): string {
  return newShardedId(shardForEmail(env, tenantId, normalisedEmail));
}

/** The database of the shard an id carries; the directory database for an id that carries none. */
export function databaseOfId(env: ShardEnv, id: string): Database {
  const map = shardMapOf(env);
  return databaseOf(env, map, shardOfId(map, id));
}

/** The directory database then every shard of every set: a read across an application's tenants. */
export function everyDatabase(env: ShardEnv): Database[] {
  const map = shardMapOf(env);
  return fanOutDatabases(env, map, map ? shardsOfSet(map, null) : []);
}
