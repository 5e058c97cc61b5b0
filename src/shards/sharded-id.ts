// Ids that carry their shard: the first two characters are the shard's number in base 36, the
// other 24 are random (about 124 bits). A lookup by id goes straight to that shard. Ids drawn
// before sharding (or with no SHARD_MAP) carry nothing; their rows are in the directory database,
// where a lookup that misses on the named shard looks next.
import { ID_LENGTH, newId } from "../crypto/random";
import { MAX_SHARDS, type ShardMap } from "./shard-map";

const ALPHABET = "0123456789abcdefghijklmnopqrstuvwxyz";

/** A new id on `shard`; null (no shards): a plain id. */
export function newShardedId(shard: number | null): string {
  if (shard === null) return newId();
  return `${prefixOf(shard)}${newId().slice(2, ID_LENGTH)}`;
}

function prefixOf(shard: number): string {
  if (!Number.isSafeInteger(shard) || shard < 0 || shard >= MAX_SHARDS) throw new RangeError("shard out of range");
  return `${ALPHABET[Math.floor(shard / 36)]}${ALPHABET[shard % 36]}`;
}

/** The shard an id names, if the map has it; null: the directory database. */
export function shardOfId(map: ShardMap | null, id: string): number | null {
  return id.length === ID_LENGTH ? shardOfPrefix(map, id) : null;
}

function shardOfPrefix(map: ShardMap | null, id: string): number | null {
  if (!map) return null;
  const high = ALPHABET.indexOf(id.charAt(0));
  const low = ALPHABET.indexOf(id.charAt(1));
  if (high < 0 || low < 0) return null;
  const shard = high * 36 + low;
  return shard < map.bindings.length ? shard : null;
}

/**
 * A code (a random or derived base64url secret) that carries its shard: the id's two characters
 * before it, so the hash of the whole string is still what is stored and looked up. Codes drawn
 * before sharding are exactly `secret.length` long; the two extra characters tell the forms apart.
 */
export function shardedCode(shard: number | null, secret: string): string {
  return shard === null ? secret : `${prefixOf(shard)}${secret}`;
}

/** The shard a code names (see shardedCode), if the map has it; null: the directory database. */
export function shardOfCode(map: ShardMap | null, code: string): number | null {
  return code.length === CODE_SECRET_LENGTH + 2 ? shardOfPrefix(map, code) : null;
}

/** The length of every code's secret part: 32 random or MAC bytes in base64url. */
export const CODE_SECRET_LENGTH = 43;
