// wrangler.toml as wrangler itself reads it and bundles it for a deploy: what the platform keeps
// about each request (emailed links carry live codes in their query string), and what the
// Worker's script holds.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { unstable_readConfig } from "wrangler";
import { DOCS_ASSET } from "../../scripts/docs-assets.mjs";

const ROOT = new URL("../..", import.meta.url).pathname;
const config = unstable_readConfig({ config: join(ROOT, "wrangler.toml") });

describe("wrangler.toml observability", () => {
  it("keeps the Worker's own log lines but no invocation logs, which record each request's URL", () => {
    assert.equal(config.observability?.enabled, true);
    assert.equal(config.observability?.logs?.invocation_logs, false);
  });

  it("strips query strings from any URL the platform's logs and traces do record", () => {
    assert.equal(config.observability?.redact_query_string, true);
  });
});

describe("the Worker's script", () => {
  it("leaves Scalar's 4 MB bundle to the static assets (wrangler deploy --dry-run)", () => {
    const out = mkdtempSync(join(tmpdir(), "epr-bundle-"));
    try {
      const run = spawnSync("wrangler", ["deploy", "--dry-run", "--outdir", out], {
        cwd: ROOT,
        encoding: "utf8",
        env: { ...process.env, WRANGLER_SEND_METRICS: "false" },
      });
      assert.equal(run.status, 0, run.stderr);
      const files = readdirSync(out);
      assert.deepEqual(files.filter((f) => /standalone|scalar/i.test(f)), []);
      const script = files.filter((f) => f.endsWith(".js") || f.endsWith(".sql")).reduce((sum, f) => sum + statSync(join(out, f)).size, 0);
      assert.ok(script < 2_500_000, `the script is ${script} bytes`);
      assert.equal(statSync(DOCS_ASSET).size, statSync(join(ROOT, "node_modules/@scalar/api-reference/dist/browser/standalone.js")).size);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });
});
