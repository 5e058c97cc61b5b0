// `npm run db:migrate` (scripts/d1-migrate.mjs): one command migrates the directory database and
// every shard, and wrangler.toml's SHARD_MAP names only D1 bindings it declares.
import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { unstable_readConfig } from "wrangler";
import { d1Bindings, migrateAll } from "../../scripts/d1-migrate.mjs";

const ROOT = new URL("../..", import.meta.url).pathname;
const CONFIG = join(ROOT, "wrangler.toml");

describe("npm run db:migrate", { timeout: 600_000 }, () => {
  it("lists the directory database and at least two shards, and SHARD_MAP names only those shards", () => {
    const bindings = d1Bindings(CONFIG);
    assert.equal(bindings[0], "DB");
    assert.ok(bindings.filter((b) => b.startsWith("DB_SHARD_")).length >= 2, bindings.join(", "));
    const map = JSON.parse(unstable_readConfig({ config: CONFIG }).vars.SHARD_MAP);
    for (const b of map.bindings) assert.ok(bindings.includes(b), `${b} is not a D1 binding in wrangler.toml`);
    // wrangler.toml's every shard shares the directory database's migrations.
    for (const d of unstable_readConfig({ config: CONFIG }).d1_databases) assert.equal(d.migrations_dir, "migrations");
  });

  it("applies every migration to every database, then finds each up to date", () => {
    const state = mkdtempSync(join(tmpdir(), "epr-migrate-"));
    try {
      const migrations = readdirSync(join(ROOT, "migrations")).filter((f) => f.endsWith(".sql")).length;
      const env = { ...process.env, WRANGLER_SEND_METRICS: "false", PATH: `${join(ROOT, "node_modules/.bin")}:${process.env.PATH}` };
      const first = migrateAll({ args: ["--local", "--persist-to", state], env, configPath: CONFIG });
      assert.deepEqual(Object.keys(first), d1Bindings(CONFIG));
      for (const n of Object.values(first)) assert.equal(n, migrations);
      const second = migrateAll({ args: ["--local", "--persist-to", state], env, configPath: CONFIG });
      for (const n of Object.values(second)) assert.equal(n, 0);
    } finally {
      rmSync(state, { recursive: true, force: true });
    }
  });
});
