// vitest.config.ts pre-bundles the packages the Worker and its tests import; an import it does not
// list would run as a second, separate copy of that package in the tests.
import assert from "node:assert/strict";
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { PREBUNDLED_DEPS } from "../prebundled-deps.ts";

const ROOT = new URL("../..", import.meta.url).pathname;
const SOURCES = /\.(ts|tsx|mts)$/;
// An import statement's source, at the end of a line (not SQL text in a regular expression).
const IMPORT = /^(?:import|export|\})[^\n;]*?\bfrom "([^"]+)";?$|^import "([^"]+)";?$/gm;
// Runtime and test-runner modules, and this package's own export, which are no npm dependency to bundle.
const NOT_BUNDLED = /^(\.|cloudflare:|node:|vitest$|edge-password-reset\/)/;

function files(dir) {
  return readdirSync(join(ROOT, dir), { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && SOURCES.test(e.name))
    .map((e) => join(e.parentPath, e.name));
}

describe("the packages vitest.config.ts pre-bundles", () => {
  it("include every package path that src/ and test/ import", () => {
    const imported = new Set();
    for (const file of [...files("src"), ...files("test")]) {
      for (const m of readFileSync(file, "utf8").matchAll(IMPORT)) imported.add(m[1] ?? m[2]);
    }
    const packages = [...imported].filter((source) => !NOT_BUNDLED.test(source) && !source.endsWith("?raw"));
    assert.ok(packages.includes("hono") && packages.includes("drizzle-orm"), packages.join(", "));
    assert.deepEqual(packages.filter((p) => !PREBUNDLED_DEPS.includes(p)), []);
  });
});
