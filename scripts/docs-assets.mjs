// Fills dist/assets, the Workers static assets directory (wrangler.toml [assets]), with Scalar's
// browser bundle for GET /docs: served by the platform's asset layer instead of being 4 MB of the
// Worker's own script. The directory is generated and git-ignored. wrangler runs this as its build
// command (dev, deploy, so npm start, bench, soak too), and vitest.config.ts before the tests.
import { copyFileSync, mkdirSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const SOURCE = join(root, "node_modules/@scalar/api-reference/dist/browser/standalone.js");
export const DOCS_ASSET = join(root, "dist/assets/docs/scalar.js");

function upToDate(source, target) {
  try {
    const [from, to] = [statSync(source), statSync(target)];
    return from.size === to.size && from.mtimeMs <= to.mtimeMs;
  } catch {
    return false;
  }
}

export function writeDocsAssets() {
  if (upToDate(SOURCE, DOCS_ASSET)) return;
  mkdirSync(dirname(DOCS_ASSET), { recursive: true });
  copyFileSync(SOURCE, DOCS_ASSET);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) writeDocsAssets();
