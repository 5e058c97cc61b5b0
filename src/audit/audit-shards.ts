// Which database holds an audit event. An event about a user goes to a shard chosen by its tenant
// and user id, so one user's trail is on one shard per map version; an event about a tenant but
// no user goes to the tenant's own shard (its set's shard for the tenant id), so a tenant's
// configuration-level events stay in its residency set. An event with no tenant (an unknown code
// on a hosted page, an application's clients) concerns no end user's data and stays in the
// directory database, as do events committed in one batch with a directory change (record.ts); an
// event committed with a change to a user's row (status, deletion, admin link) is on the user's shard.
import type { Database } from "../db/client";
import { databaseOf, fanOutDatabases } from "../shards/databases";
import { candidates, placeNew, shardSetOf, tenantPlacementKey, userPlacementKey } from "../shards/placement";
import { type ShardMap, shardMapOf } from "../shards/shard-map";
import { shardOfId } from "../shards/sharded-id";
import { everyDatabase } from "../shards/routing";
import type { AuditRow } from "./record";

type Subject = Pick<AuditRow, "tenantId" | "userId">;

export function auditShard(map: ShardMap | null, row: Subject): number | null {
  if (!map || !row.tenantId) return null;
  return placeNew(map, shardSetOf(map, row.tenantId), keyOf(row.tenantId, row.userId ?? null));
}

export function auditDatabaseOf(env: Env, row: Subject): Database {
  const map = shardMapOf(env);
  return databaseOf(env, map, auditShard(map, row));
}

/**
 * Every database a page of the trail reads: all of them for an application; for a user, the user's
 * candidates and the shard the user's id carries (events committed with a change to the user's row).
 */
export function auditDatabasesFor(env: Env, scope: { applicationId: string } | { userId: string; tenantId: string }): Database[] {
  if ("applicationId" in scope) return everyDatabase(env);
  const map = shardMapOf(env);
  if (!map) return fanOutDatabases(env, map, []);
  const own = shardOfId(map, scope.userId);
  const shards = new Set([...candidates(map, shardSetOf(map, scope.tenantId), keyOf(scope.tenantId, scope.userId)), ...(own === null ? [] : [own])]);
  return fanOutDatabases(env, map, [...shards]);
}

const keyOf = (tenantId: string, userId: string | null) => (userId ? userPlacementKey(tenantId, userId) : tenantPlacementKey(tenantId));
