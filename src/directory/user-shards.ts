// Where a user's row is (docs/shards.md). A new user is placed by (tenant, normalised email) under
// the newest map version and gets an id that carries that shard. By id: the id's shard. By email:
// each version's shard for the key, newest first, then the directory database, which holds the
// users created before sharding. Every query keeps its tenant condition: the shard only narrows
// where to look, it never stands in for the boundary.
import { type Database, type Sessions, replicaFirst } from "../db/client";
import { fanOutPage } from "../shards/fan-out";
import { type ShardEnv, fanOutDatabases, sessionsOf } from "../shards/databases";
import { candidates, emailPlacementKey, placeNew, shardSetOf, shardsOfSet } from "../shards/placement";
import { shardMapOf } from "../shards/shard-map";
import { newShardedId, shardOfId } from "../shards/sharded-id";
import type { PageCursor } from "../db/page-cursor";
import { type NewUser, type User, emailKey, findUserByEmail, findUsersByEmail, getUser, insertUser, listUsers } from "./users";

/**
 * The shard a user row was read from (null: the directory database), kept on the row object. A user
 * from before sharding lives in DB even when its random id happens to read as a shard number, so
 * writes follow where the row was found, not only what the id says. A symbol: never serialised,
 * but kept by `{ ...user }`.
 */
const HOME = Symbol("user home");
type Homed = User & { [HOME]?: number | null };

/** Where reads go: the replica only, the replica with the primary once on a miss, or the primary only. */
export type ReadAt = "replica" | "replica-first" | "primary";

function read(s: Sessions, at: ReadAt, q: (db: Database) => Promise<User | null>): Promise<User | null> {
  return at === "primary" ? q(s.db) : at === "replica" ? q(s.replica) : replicaFirst(s, q);
}

/** Records where a user row was read (a caller that read it itself, joined with a code). */
export function homed(user: User | null, shard: number | null): User | null {
  if (user) (user as Homed)[HOME] = shard;
  return user;
}

/** The shards a user with this email may be on, newest version first, then null (the directory database, unless the map says it holds no users). */
function emailHomes(env: ShardEnv, tenantId: string, key: string): (number | null)[] {
  const map = shardMapOf(env);
  if (!map) return [null];
  return [...candidates(map, shardSetOf(map, tenantId), emailPlacementKey(tenantId, key)), ...(map.usersInDirectory ? [null] : [])];
}

/**
 * The user with this email in the tenant, wherever a map version placed it. Every place is read,
 * at once: a known and an unknown address cost the same reads in the same order (enumeration), and
 * the latency of one. The first place that has the user wins; (tenant, email) is unique across them.
 */
export async function findUserByEmailRouted(env: ShardEnv, tenantId: string, email: string, at: ReadAt): Promise<User | null> {
  const map = shardMapOf(env);
  const homes = emailHomes(env, tenantId, emailKey(email));
  const found = await Promise.all(homes.map((shard) => read(sessionsOf(env, map, shard), at, (db) => findUserByEmail(db, tenantId, email))));
  const i = found.findIndex((u) => u !== null);
  return i < 0 ? null : homed(found[i]!, homes[i] ?? null);
}

/**
 * findUserByEmailRouted for many addresses at once (the email consumer's batch): one D1 batch per
 * database for all the addresses that may be there, instead of a read per address. Every address is
 * read in every place it may be, known or not, as one lookup is. One answer per lookup, in order: a
 * read that fails, or a tenant the map places nowhere, fails only the lookups it concerns.
 */
export function findUsersByEmailRouted(env: ShardEnv, lookups: readonly { tenantId: string; email: string }[], at: "replica" | "primary"): Promise<User | null>[] {
  const map = shardMapOf(env);
  const homes = lookups.map((l) => {
    try {
      return emailHomes(env, l.tenantId, emailKey(l.email));
    } catch (e) {
      return e instanceof Error ? e : new Error(String(e));
    }
  });
  const readers = new Map<number | null, number[]>();
  for (const [i, places] of homes.entries()) if (Array.isArray(places)) for (const home of places) readers.set(home, [...(readers.get(home) ?? []), i]);
  /** Per database, the users it has, by lookup. */
  const reads = new Map<number | null, Promise<Map<number, User>>>();
  for (const [home, here] of readers) {
    const read = async () => {
      const s = sessionsOf(env, map, home);
      const rows = await findUsersByEmail(at === "primary" ? s.db : s.replica, here.map((i) => lookups[i]!));
      return new Map(here.flatMap((i, k) => (rows[k] ? [[i, rows[k]] as const] : [])));
    };
    reads.set(home, read());
  }
  return homes.map(async (places, i) => {
    if (!Array.isArray(places)) throw places;
    const found = await Promise.all(places.map((home) => reads.get(home)!));
    const k = found.findIndex((users) => users.has(i));
    return k < 0 ? null : homed(found[k]!.get(i)!, places[k]!);
  });
}

/** The user by id: the id's shard, then the directory database (an id from before sharding). */
export async function getUserRouted(env: ShardEnv, id: string, at: ReadAt): Promise<User | null> {
  const map = shardMapOf(env);
  const shard = shardOfId(map, id);
  for (const home of shard === null ? [null] : [shard, null]) {
    const user = await read(sessionsOf(env, map, home), at, (db) => getUser(db, id));
    if (user) return homed(user, home);
  }
  return null;
}

/** The shard holding the user's row (null: the directory database). */
export function userShard(env: ShardEnv, user: User): number | null {
  const home = (user as Homed)[HOME];
  return home !== undefined ? home : shardOfId(shardMapOf(env), user.id);
}

/** The primary of the database holding the user's row. */
export function userDatabase(env: ShardEnv, user: User): Database {
  return sessionsOf(env, shardMapOf(env), userShard(env, user)).db;
}

/** Where the user's reset codes may be: the user's shard (admin links), and each version's shard for the address (email codes). */
export function userCodeShards(env: ShardEnv, user: User): (number | null)[] {
  return [...new Set([userShard(env, user), ...emailHomes(env, user.tenantId, user.emailKey).filter((s) => s !== null)])];
}

/** Where a new user with this email goes (the newest version's shard for the address; without shards, DB: null) and its id, which carries it. */
export function placeNewUser(env: ShardEnv, tenantId: string, email: string): { id: string; home: number | null } {
  const map = shardMapOf(env);
  const home = map ? placeNew(map, shardSetOf(map, tenantId), emailPlacementKey(tenantId, emailKey(email))) : null;
  return { id: newShardedId(home), home };
}

/**
 * A user with this email anywhere a lookup by email looks other than the new user's shard (older
 * versions' shards, the directory database), read at the primary: (tenant, email) must be unique
 * across all of them, and the unique index sees only its own shard.
 */
export async function findUserElsewhere(env: ShardEnv, tenantId: string, email: string, newHome: number | null): Promise<User | null> {
  const map = shardMapOf(env);
  if (!map) return null;
  for (const home of emailHomes(env, tenantId, emailKey(email))) {
    if (home === newHome) continue;
    const user = await findUserByEmail(sessionsOf(env, map, home).db, tenantId, email);
    if (user) return homed(user, home);
  }
  return null;
}

/**
 * The user by id in `home` (a shard's number, null: the directory database), at the primary;
 * undefined when this Worker's map does not reach that shard: a newer map version's, during the
 * deploy that adds it, whose rows only the isolates already on that version can read.
 */
export async function userAtHome(env: ShardEnv, home: number | null, id: string): Promise<User | null | undefined> {
  const map = shardMapOf(env);
  if (home !== null && (!map || home >= map.bindings.length)) return undefined;
  return homed(await getUser(sessionsOf(env, map, home).db, id), home);
}

/** Inserts a user where placeNewUser placed it, whose unique index refuses a second row for the address. */
export async function insertUserRouted(env: ShardEnv, home: number | null, u: NewUser & { id: string }): Promise<User> {
  const map = shardMapOf(env);
  return homed(await insertUser(sessionsOf(env, map, home).db, u), home)!;
}

/** Every database that may hold the tenant's users: its set's shards in any version, and DB unless the map says it holds none. */
export function tenantUserDatabases(env: ShardEnv, tenantId: string): Database[] {
  const map = shardMapOf(env);
  if (!map) return fanOutDatabases(env, map, []);
  const shards = shardsOfSet(map, shardSetOf(map, tenantId)).map((s) => sessionsOf(env, map, s).db);
  return map.usersInDirectory ? [sessionsOf(env, map, null).db, ...shards] : shards;
}

/** A page of the tenant's users, newest first, from every database its set has used; by email, the one user. */
export async function listUsersRouted(env: ShardEnv, tenantId: string, q: { email?: string; limit: number; cursor?: PageCursor }) {
  if (q.email) {
    const user = await findUserByEmailRouted(env, tenantId, q.email, "primary");
    const after = (u: User, c: PageCursor) => u.createdAt < c.at || (u.createdAt === c.at && u.id < c.id);
    return { rows: user && (!q.cursor || after(user, q.cursor)) ? [user] : [], next: null };
  }
  return fanOutPage<User>(tenantUserDatabases(env, tenantId), q.limit, (u) => u.createdAt, (db) => listUsers(db, tenantId, { limit: q.limit + 1, ...(q.cursor ? { cursor: q.cursor } : {}) }));
}
