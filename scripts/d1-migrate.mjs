#!/usr/bin/env node
// Applies the D1 migrations to every database in wrangler.toml: the directory database DB and
// every shard (DB_SHARD_*), which all share migrations/ (docs/shards.md). One command, so no
// shard is ever left a migration behind.
//
//   npm run db:migrate                 local (wrangler's .wrangler/state), the default
//   npm run db:migrate -- --remote     the deployed databases
//   extra arguments (--persist-to DIR, --env-file FILE, --env NAME) are passed to wrangler
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { unstable_readConfig } from "wrangler";

/** The binding of every D1 database in the wrangler config, in file order. */
export function d1Bindings(configPath = "wrangler.toml") {
  return unstable_readConfig({ config: configPath }).d1_databases.map((d) => d.binding);
}

/**
 * Runs `wrangler d1 migrations apply` for each binding; stops at the first failure. Answers, per
 * binding, how many migrations it applied (0: up to date), or throws with wrangler's output.
 */
export function migrateAll({ args = ["--local"], env = process.env, configPath = "wrangler.toml" } = {}) {
  const applied = {};
  for (const binding of d1Bindings(configPath)) {
    const run = spawnSync("wrangler", ["d1", "migrations", "apply", binding, "--config", configPath, ...args], { encoding: "utf8", env: { ...env, CI: "true" } });
    const output = `${run.stdout ?? ""}${run.stderr ?? ""}`;
    if (run.error) throw new Error(`could not run wrangler: ${run.error.message}`);
    if (run.status !== 0) throw Object.assign(new Error(`the D1 migrations did not apply to ${binding} (wrangler's output above)`), { output });
    applied[binding] = Number(/About to apply (\d+) migration/.exec(output)?.[1] ?? 0);
  }
  return applied;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const where = args.includes("--remote") ? [] : args.includes("--local") ? [] : ["--local"];
  try {
    const applied = migrateAll({ args: [...where, ...args] });
    for (const [binding, n] of Object.entries(applied)) console.log(`${binding}: ${n ? `applied ${n} migration(s)` : "up to date"}`);
  } catch (e) {
    if (e.output) process.stderr.write(e.output);
    console.error(e.message);
    process.exit(1);
  }
}
