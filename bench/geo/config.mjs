// The wrangler config the geo bench runs: wrangler.toml with the bench's Worker (bench/geo/worker.ts)
// as `main`, the same bindings, every per-caller budget raised out of reach (as `npm run bench`
// does), written to a folder of its own with a copy of .dev.vars beside it (wrangler reads the
// secrets next to its config).
import { copyFileSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";

export function geoConfig(root, dir) {
  const text = readFileSync(path.join(root, "wrangler.toml"), "utf8");
  const replaced = text
    .replace(/^main = "src\/index\.ts"$/m, `main = ${JSON.stringify(path.join(root, "bench", "geo", "worker.ts"))}\nbase_dir = ${JSON.stringify(root)}`)
    .replace(/^migrations_dir = "migrations"$/m, `migrations_dir = ${JSON.stringify(path.join(root, "migrations"))}`)
    .replace(/^directory = "dist\/assets"$/m, `directory = ${JSON.stringify(path.join(root, "dist", "assets"))}`)
    .replace(/^command = "node scripts\/docs-assets\.mjs"$/m, `command = ${JSON.stringify(`node ${path.join(root, "scripts", "docs-assets.mjs")}`)}`)
    .replace(/simple = \{ limit = \d+,/g, "simple = { limit = 1000000000,");
  for (const needle of ["bench/geo/worker.ts", "base_dir", "limit = 1000000000", path.join(root, "dist", "assets")]) {
    if (!replaced.includes(needle)) throw new Error(`wrangler.toml changed shape: the geo config could not set ${needle}`);
  }
  const file = path.join(dir, "wrangler.geo.toml");
  writeFileSync(file, replaced);
  copyFileSync(path.join(root, ".dev.vars"), path.join(dir, ".dev.vars"));
  return file;
}
