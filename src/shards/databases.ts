// The D1 databases behind the shard map: a shard's binding by its number, the database for a
// row's shard (null: the directory database DB), and every database a fan-out read must visit.
import { type Database, type Sessions, database, replicaDatabase } from "../db/client";
import { Misconfigured } from "../config/misconfigured";
import type { ShardMap } from "./shard-map";

/** What the shard functions read of the Worker's env: DB, SHARD_MAP and the bindings it names. */
export type ShardEnv = Pick<Env, "DB"> & Partial<Pick<Env, "SHARD_MAP">>;

/** The directory database, or shard `shard`'s; each through a first-primary session (db/client.ts). */
export function databaseOf(env: ShardEnv, map: ShardMap | null, shard: number | null): Database {
  if (shard === null || !map) return database(env);
  return database({ DB: shardBinding(env, map, shard) });
}

/** Both sessions of the directory database or of shard `shard` (a replica read, then the primary). */
export function sessionsOf(env: ShardEnv, map: ShardMap | null, shard: number | null): Sessions {
  const binding = { DB: shard === null || !map ? env.DB : shardBinding(env, map, shard) };
  return { db: database(binding), replica: replicaDatabase(binding) };
}

/**
 * The binding named by the map. The name comes from the deployment's own configuration and
 * matches DB_SHARD_*, and the value must be a D1 binding: a typo fails as misconfigured, never
 * as another binding read by mistake.
 */
export function shardBinding(env: ShardEnv, map: ShardMap, shard: number): D1Database {
  const name = map.bindings[shard];
  const binding: unknown = name === undefined ? undefined : Reflect.get(env, name);
  if (typeof binding !== "object" || binding === null || typeof (binding as Partial<D1Database>).withSession !== "function") {
    throw new Misconfigured("SHARD_MAP", `names shard ${shard} (${name ?? "none"}), which is not a D1 binding of this Worker`);
  }
  return binding as D1Database;
}

/** Where rows of user-scoped tables may be: the directory database (rows from before sharding), then `shards`. */
export function fanOutDatabases(env: ShardEnv, map: ShardMap | null, shards: readonly number[]): Database[] {
  return [database(env), ...(map ? shards.map((s) => databaseOf(env, map, s)) : [])];
}
