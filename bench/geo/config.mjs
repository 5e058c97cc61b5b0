// The wrangler config the geo bench runs: wrangler.toml with the bench's Worker (bench/geo/worker.ts)
// as `main`, the same bindings, every per-caller budget raised out of reach (as `npm run bench`
// does), written to a folder of its own with a copy of .dev.vars beside it (wrangler reads the
// secrets next to its config).
import { copyFileSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";

/**
 * `edit` (text to text) changes the config further, and `name` names the file, as
 * bench/shards/config.mjs does for its shards.
 */
export function geoConfig(root, dir, edit = (text) => text, name = "wrangler.geo.toml") {
  const text = edit(readFileSync(path.join(root, "wrangler.toml"), "utf8"));
  const replaced = text
    .replace(/^main = "src\/index\.ts"$/m, `main = ${JSON.stringify(path.join(root, "bench", "geo", "worker.ts"))}\nbase_dir = ${JSON.stringify(root)}`)
    // Every database's migrations (the shards' too, bench/shards/config.mjs), from the repository.
    .replace(/^migrations_dir = "([^"]+)"$/gm, (_, dir) => `migrations_dir = ${JSON.stringify(path.join(root, dir))}`)
    .replace(/^directory = "dist\/assets"$/m, `directory = ${JSON.stringify(path.join(root, "dist", "assets"))}`)
    .replace(/^command = "node scripts\/docs-assets\.mjs"$/m, `command = ${JSON.stringify(`node ${path.join(root, "scripts", "docs-assets.mjs")}`)}`)
    .replace(/simple = \{ limit = \d+,/g, "simple = { limit = 1000000000,");
  for (const needle of ["bench/geo/worker.ts", "base_dir", "limit = 1000000000", path.join(root, "dist", "assets")]) {
    if (!replaced.includes(needle)) throw new Error(`wrangler.toml changed shape: the geo config could not set ${needle}`);
  }
  const file = path.join(dir, name);
  writeFileSync(file, replaced);
  copyFileSync(path.join(root, ".dev.vars"), path.join(dir, ".dev.vars"));
  return file;
}
