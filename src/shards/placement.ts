// Where a user-scoped row goes, as pure functions of the shard map. The key is a plain hash of
// (tenant id, normalised email) for whatever is looked up by email, or of (tenant id, user id) for
// audit events until user ids carry their shard; a tenant's rows spread over every shard of its
// residency set, so one huge tenant is as many databases' worth of load as its set has shards.
import { Misconfigured } from "../config/misconfigured";
import { DEFAULT_SET, type ShardMap, type ShardSet } from "./shard-map";

/** The residency set of a tenant: its own residency when given (a tenant policy), else the map's list. */
export function shardSetOf(map: ShardMap, tenantId: string, residency: ShardSet | null = null): ShardSet {
  return residency ?? map.tenants.get(tenantId) ?? DEFAULT_SET;
}

/** The key of rows looked up by email (users, reset codes, deliveries). */
export const emailPlacementKey = (tenantId: string, normalisedEmail: string) => `${tenantId}\n${normalisedEmail}`;
/** The key of rows about one user that are found by the user's id (audit events). */
export const userPlacementKey = (tenantId: string, userId: string) => `${tenantId}\nuser:${userId}`;
/** The key of a tenant's rows that concern no user (tenant-level audit events). */
export const tenantPlacementKey = (tenantId: string) => `${tenantId}\ntenant`;

/** Where a new row goes: the newest version's shard for the key, in the set. */
export function placeNew(map: ShardMap, set: ShardSet, key: string): number {
  const shards = map.versions.find((v) => v.sets.has(set))?.sets.get(set);
  // Fail closed: an EU tenant's data never falls back to another jurisdiction's shards.
  if (!shards) throw new Misconfigured("SHARD_MAP", `has no shard set "${set}"`);
  return shards[hash32(key) % shards.length]!;
}

/**
 * Where an existing row may be: each version's shard for the key, newest first, without repeats.
 * A lookup reads these in turn; with V versions in which the key's shard differs, a miss costs V reads.
 */
export function candidates(map: ShardMap, set: ShardSet, key: string): number[] {
  const h = hash32(key);
  const out: number[] = [];
  for (const v of map.versions) {
    const shards = v.sets.get(set);
    if (!shards) continue;
    const shard = shards[h % shards.length]!;
    if (!out.includes(shard)) out.push(shard);
  }
  if (out.length === 0) throw new Misconfigured("SHARD_MAP", `has no shard set "${set}"`);
  return out;
}

/** Every shard any version names in the set (a fan-out over a tenant's data), or in every set. */
export function shardsOfSet(map: ShardMap, set: ShardSet | null): number[] {
  const out = new Set<number>();
  for (const v of map.versions) for (const [name, shards] of v.sets) if (set === null || name === set) for (const s of shards) out.add(s);
  return [...out].sort((a, b) => a - b);
}

/**
 * FNV-1a over the key's UTF-8 bytes, then murmur3's finaliser so nearby keys spread. Not keyed:
 * placement is not a secret, and an address chosen to land on one shard adds no more load than
 * any other address would.
 */
export function hash32(key: string): number {
  let h = 0x811c9dc5;
  for (const b of new TextEncoder().encode(key)) {
    h ^= b;
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}
