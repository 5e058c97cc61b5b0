// Test helpers for sharded rows: addresses that a map places on a given shard, and where a row is.
import { env } from "cloudflare:workers";
import { emailPlacementKey, placeNew, shardSetOf } from "../../src/shards/placement";
import { shardMapOf } from "../../src/shards/shard-map";

/** wrangler.toml's two shards, by number. */
export const SHARDS = () => [env.DB_SHARD_0, env.DB_SHARD_1];

/** `count` addresses of the tenant whose rows the map (default: wrangler.toml's) places on `shard`. */
export function emailsOn(map: string | undefined, tenantId: string, shard: number, count: number, prefix: string): string[] {
  const m = shardMapOf({ SHARD_MAP: map ?? env.SHARD_MAP })!;
  const out: string[] = [];
  for (let i = 0; out.length < count; i++) {
    const email = `${prefix}-${i}@example.com`;
    if (placeNew(m, shardSetOf(m, tenantId), emailPlacementKey(tenantId, email)) === shard) out.push(email);
  }
  return out;
}

/** The database whose shard a sharded id (a user's, a code row's, a job's) names under wrangler.toml's map. */
export function databaseOfId(id: string): D1Database {
  const shard = parseInt(id.slice(0, 2), 36);
  const db = SHARDS()[shard];
  if (!db) throw new Error(`id ${id} names no shard`);
  return db;
}

/** The user's row as if its object had never reported its key ids, so the next change reports them. */
export async function forgetKeyIds(userId: string, db: D1Database = databaseOfId(userId)): Promise<void> {
  await db.prepare("UPDATE users SET password_key_id = NULL, refresh_key_ids = NULL, key_ids_reported_at = NULL WHERE id = ?").bind(userId).run();
}
