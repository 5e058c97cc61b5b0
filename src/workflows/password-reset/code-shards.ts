// Where reset codes are (docs/shards.md). A code carries its shard (src/shards/sharded-id.ts
// shardedCode): an email's codes are on its job's shard, with the job's delivery row, written in
// one batch (src/workflows/email-delivery); an admin link's on its user's shard. A code from before
// sharding carries none and is in the directory database. So a lookup by code reads one database.
import { type Database, type Statement, replicaFirst } from "../../db/client";
import { getUserRouted, homed, userCodeShards, userShard } from "../../directory/user-shards";
import type { User } from "../../directory/users";
import { sessionsOf } from "../../shards/databases";
import { shardMapOf } from "../../shards/shard-map";
import { shardOfCode } from "../../shards/sharded-id";
import type { WorkflowDeps } from "../deps";
import { type FoundCode, codeHashes, deleteUserCodes, findCode, retireCodes, retireOpenCodes } from "./code-store";

/**
 * The code and its user. The user is on the same shard unless a newer map version placed the
 * address elsewhere after the user was created (until a move, docs/shards.md): then a second read,
 * by id, on the user's shard, still within the code's tenant.
 */
export async function findCodeOnItsShard(deps: Pick<WorkflowDeps, "env" | "config">, code: string): Promise<FoundCode | null> {
  const hashes = await codeHashes(deps.config.secretHashKeys, code);
  const map = shardMapOf(deps.env);
  const shard = shardOfCode(map, code);
  const found = await replicaFirst(sessionsOf(deps.env, map, shard), (db) => findCode(db, hashes));
  if (found?.user) homed(found.user, shard);
  if (!found?.code.userId || found.user) return found;
  const user = await getUserRouted(deps.env, found.code.userId, "replica-first");
  return { code: found.code, user: user && user.tenantId === found.code.tenantId ? user : null };
}

/**
 * Bookkeeping after the user's object committed a change (the credential version already killed
 * these codes): the spent one consumed, every other open one of the user superseded, wherever the
 * user's codes may be: one batch per database. `onUserRow`: writes to the user's row's database,
 * carried in its batch (the user's codes are there too, so a user placed by email takes one batch).
 */
export async function retireUserCodes(env: Env, user: User, spent?: { code: string; id: string }, onUserRow?: (db: Database) => Statement[]): Promise<void> {
  const map = shardMapOf(env);
  const spentOn = spent ? shardOfCode(map, spent.code) : undefined;
  const home = userShard(env, user);
  const shards = new Set([...userCodeShards(env, user), ...(spentOn === undefined ? [] : [spentOn])]);
  await Promise.all(
    [...shards].map((shard) => {
      const { db } = sessionsOf(env, map, shard);
      const also = shard === home && onUserRow ? onUserRow(db) : [];
      return shard === spentOn ? retireCodes(db, spent!.id, user.id, also) : retireOpenCodes(db, user.id, also);
    }),
  );
}

/** A deleted user's codes on shards other than the user's own (whose batch deletes them with the row). */
export async function deleteCodesElsewhere(env: Env, user: User): Promise<void> {
  const map = shardMapOf(env);
  const home = userShard(env, user);
  await Promise.all(userCodeShards(env, user).filter((s) => s !== home).map((s) => deleteUserCodes(sessionsOf(env, map, s).db, user.id)));
}
