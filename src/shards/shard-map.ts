// The shard map (the SHARD_MAP var): which D1 bindings hold user-scoped data, in which residency
// set, and how that changed over time. Versions only ever get added: a new user or delivery is
// placed by the newest version, an id carries the shard it was placed on, and a lookup by email
// tries each version's placement newest first (docs/shards.md). Unset: no shards, and every
// user-scoped row stays in the directory database DB, as before sharding.
import { Misconfigured } from "../config/misconfigured";

/** A residency set's name; a tenant not listed in `tenants` uses "default". */
export type ShardSet = string;
export const DEFAULT_SET: ShardSet = "default";

export interface ShardMapVersion {
  version: number;
  /** Shard numbers (indexes into `bindings`) per set. */
  sets: ReadonlyMap<ShardSet, readonly number[]>;
}

export interface ShardMap {
  /** Binding names; a shard's number is its index here, so the list is append-only. */
  bindings: readonly string[];
  /** Newest first. */
  versions: readonly ShardMapVersion[];
  /** Tenants pinned to a residency set other than "default" (a tenant-policy field will replace this list). */
  tenants: ReadonlyMap<string, ShardSet>;
  /**
   * Whether DB may still hold users from before sharding (default true): a lookup by email then
   * reads it too. False for a deployment born sharded, or once the move (docs/shards.md) emptied it.
   */
  usersInDirectory: boolean;
}

/** Two base-36 characters carry the shard in an id (src/shards/sharded-id.ts). */
export const MAX_SHARDS = 36 * 36;
const BINDING = /^DB_SHARD_[A-Z0-9_]{1,40}$/;
const SET_NAME = /^[a-z][a-z0-9-]{0,31}$/;

const parsed = new Map<string, ShardMap | null>();

/** The deployment's map, parsed once per isolate; null when SHARD_MAP is unset or empty. */
export function shardMapOf(env: Partial<Pick<Env, "SHARD_MAP">>): ShardMap | null {
  const raw = (env.SHARD_MAP ?? "").trim();
  if (raw === "") return null;
  let map = parsed.get(raw);
  if (map === undefined) {
    map = parseShardMap(raw);
    parsed.set(raw, map);
  }
  return map;
}

export function parseShardMap(raw: string): ShardMap {
  const bad = (problem: string) => new Misconfigured("SHARD_MAP", problem);
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    throw bad("is not JSON");
  }
  if (!isRecord(value)) throw bad("must be a JSON object");
  const bindings = value.bindings;
  if (!Array.isArray(bindings) || bindings.length === 0 || bindings.length > MAX_SHARDS) throw bad(`must list 1 to ${MAX_SHARDS} bindings`);
  if (!bindings.every((b): b is string => typeof b === "string" && BINDING.test(b))) throw bad("bindings must be names like DB_SHARD_0");
  if (new Set(bindings).size !== bindings.length) throw bad("lists a binding twice");
  const rawVersions = value.versions;
  if (!Array.isArray(rawVersions) || rawVersions.length === 0) throw bad("must list at least one version");
  const setOfShard = new Map<number, ShardSet>();
  const versions = rawVersions.map((v): ShardMapVersion => {
    if (!isRecord(v) || !Number.isSafeInteger(v.version) || !isRecord(v.sets)) throw bad("each version needs a whole-number version and its sets");
    const sets = new Map<ShardSet, number[]>();
    for (const [name, shards] of Object.entries(v.sets)) {
      if (!SET_NAME.test(name)) throw bad(`set "${name.slice(0, 32)}" is not a lowercase name`);
      if (!Array.isArray(shards) || shards.length === 0) throw bad(`set ${name} must list at least one shard`);
      for (const s of shards) {
        if (!Number.isSafeInteger(s) || s < 0 || s >= bindings.length) throw bad(`set ${name} names a shard that is not in bindings`);
        // A database is created in one jurisdiction: it cannot serve two residency sets.
        if ((setOfShard.get(s) ?? name) !== name) throw bad(`shard ${s} is in two sets`);
        setOfShard.set(s, name);
      }
      if (new Set(shards).size !== shards.length) throw bad(`set ${name} lists a shard twice`);
      sets.set(name, shards as number[]);
    }
    return { version: v.version as number, sets };
  });
  for (let i = 1; i < versions.length; i++) if (versions[i]!.version <= versions[i - 1]!.version) throw bad("versions must be listed oldest first, each number higher");
  const tenants = new Map<string, ShardSet>();
  if (value.tenants !== undefined) {
    if (!isRecord(value.tenants)) throw bad("tenants must map tenant ids to set names");
    for (const [tenantId, set] of Object.entries(value.tenants)) {
      if (typeof set !== "string" || !versions.some((v) => v.sets.has(set))) throw bad("a tenant names a set no version has");
      tenants.set(tenantId, set);
    }
  }
  if (value.usersInDirectory !== undefined && typeof value.usersInDirectory !== "boolean") throw bad("usersInDirectory must be true or false");
  return { bindings, versions: versions.reverse(), tenants, usersInDirectory: value.usersInDirectory ?? true };
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}
