// The wrangler config of one bench:shards server: the geo bench's config (its Worker as `main`,
// budgets out of reach) with N shard databases. The one function that knows how shards are
// declared is `withShards`: adapt it when that declaration changes.
import { geoConfig } from "../geo/config.mjs";

const SHARD_BLOCK = /\[\[d1_databases\]\]\nbinding = "DB_SHARD_(\d+)"\n(?:[^[\n][^\n]*\n)*/g;

const SHARD_MAP = /^SHARD_MAP = '[^'\n]*'$/m;

/** The service's shard map (SHARD_MAP, docs/shards.md) placing every user on `n` shards, one version, every tenant in the default set. */
export function shardMap(n) {
  const shards = Array.from({ length: n }, (_, i) => i);
  // Born sharded, like the local wrangler.toml: DB holds no users, so a lookup by email reads only the shards.
  return { bindings: shards.map((i) => `DB_SHARD_${i}`), versions: [{ version: 1, sets: { default: shards } }], usersInDirectory: false };
}

/**
 * wrangler.toml's text with exactly `n` shard databases DB_SHARD_0 … DB_SHARD_{n-1}, each a copy of
 * the config's DB_SHARD_0 block with its own name and id (local D1 keeps one SQLite file per id),
 * and a SHARD_MAP var that places users on all of them.
 * A config that declares no shard (the service before sharding) keeps all its data in DB: it is the
 * one shard, and only n = 1 can run.
 */
export function withShards(text, n) {
  const blocks = [...text.matchAll(SHARD_BLOCK)];
  if (blocks.length === 0) {
    if (n !== 1) throw new Error(`wrangler.toml declares no DB_SHARD_ databases: only 1 shard (DB itself) can run, not ${n}`);
    return { text, databases: ["DB"], shardsDeclared: false };
  }
  const template = blocks.find((b) => b[1] === "0")?.[0] ?? blocks[0][0];
  const shard = (i) =>
    template
      .replace(/binding = "DB_SHARD_\d+"/, `binding = "DB_SHARD_${i}"`)
      .replace(/database_name = "([^"]*?)(\d+)"/, (_, stem) => `database_name = "${stem}${i}"`)
      .replace(/database_id = "([^"]*)"/, `database_id = "00000000-0000-0000-0000-${String(i + 1).padStart(12, "0")}"`);
  const first = blocks[0].index;
  const without = text.replace(SHARD_BLOCK, "");
  const out = `${without.slice(0, first)}${Array.from({ length: n }, (_, i) => shard(i)).join("\n")}${without.slice(first)}`.replace(SHARD_MAP, `SHARD_MAP = '${JSON.stringify(shardMap(n))}'`);
  if (!out.includes(JSON.stringify(shardMap(n)))) throw new Error("wrangler.toml declares DB_SHARD_ databases but no SHARD_MAP var line the bench can rewrite");
  return { text: out, databases: ["DB", ...Array.from({ length: n }, (_, i) => `DB_SHARD_${i}`)], shardsDeclared: true };
}

/**
 * Writes the config for `n` shards as `dir`/wrangler.toml (so that the bench's `migrate`, given
 * `dir` as its cwd, applies the migrations to every database it declares); answers its path and
 * the D1 bindings to watch.
 */
export function shardsConfig(root, dir, n) {
  let databases = [];
  const file = geoConfig(
    root,
    dir,
    (text) => {
      const out = withShards(text, n);
      databases = out.databases;
      return out.text;
    },
    "wrangler.toml",
  );
  return { file, databases };
}
