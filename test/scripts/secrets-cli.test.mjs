// `npm run secrets` as the production walk-through uses it: its output goes to
// `wrangler deploy --secrets-file`, checked here with --dry-run (offline, nothing uploaded).
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";

const ROOT = new URL("../..", import.meta.url).pathname;
const run = (command, args) => spawnSync(command, args, { cwd: ROOT, encoding: "utf8", env: { ...process.env, WRANGLER_SEND_METRICS: "false" } });

describe("npm run secrets", () => {
  it("prints JSON that wrangler deploy --secrets-file takes, one binding per secret", () => {
    const printed = run("npm", ["run", "--silent", "secrets"]);
    assert.equal(printed.status, 0, printed.stderr);
    const secrets = JSON.parse(printed.stdout);
    assert.deepEqual(Object.keys(secrets).sort(), ["ADMIN_TOKEN", "JWT_SIGNING_KEY", "PASSWORD_PEPPER", "SECRET_HASH_KEY"]);
    assert.match(printed.stderr, /ADMIN_TOKEN/);

    const dir = mkdtempSync(join(tmpdir(), "epr-secrets-"));
    try {
      writeFileSync(join(dir, "secrets.json"), printed.stdout);
      const deploy = run("wrangler", ["deploy", "--dry-run", "--outdir", join(dir, "out"), "--secrets-file", join(dir, "secrets.json")]);
      assert.equal(deploy.status, 0, deploy.stderr);
      for (const name of Object.keys(secrets)) assert.match(deploy.stdout, new RegExp(`env\\.${name} \\("\\(hidden\\)"\\)`));
      for (const value of Object.values(secrets)) assert.ok(!deploy.stdout.includes(value) && !deploy.stderr.includes(value), "a secret value was printed");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
