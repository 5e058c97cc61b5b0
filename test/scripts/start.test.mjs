// `npm start` (scripts/start.mjs) as a new user meets it: BASE_PATH from the environment or the
// vars file, the banner telling the truth about alice's password, and a broken secret reported as
// the service answered it, with nothing left running on the port.
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { devVarsFile, loadDevVars } from "../../scripts/dev-vars.mjs";
import { Api, startService } from "../browser/harness.mjs";

const scratch = mkdtempSync(join(tmpdir(), "epr-start-"));
after(() => rmSync(scratch, { recursive: true, force: true }));
// One local state folder for every start here: only the first start applies the migrations from
// scratch (about 8 s of CPU per database), as a developer's second `npm start` would find them.
const state = join(scratch, "state");

/** The developer's own vars file with some variables replaced, as DEV_VARS_FILE. */
function varsFileWith(name, overrides) {
  loadDevVars(); // creates .dev.vars from the example when missing
  const kept = readFileSync(devVarsFile(), "utf8")
    .split("\n")
    .filter((line) => !Object.keys(overrides).some((key) => line.startsWith(`${key}=`)));
  const file = join(scratch, name);
  writeFileSync(file, [...kept, ...Object.entries(overrides).map(([k, v]) => `${k}=${v}`)].join("\n"));
  return file;
}

const portIsFree = (port) =>
  new Promise((resolve) => {
    const server = createServer();
    server.once("error", () => resolve(false));
    server.listen(Number(port), "127.0.0.1", () => server.close(() => resolve(true)));
  });

describe("npm start", { timeout: 600_000 }, () => {
  it("with a broken secret says what the service answered, and leaves nothing on the port", async () => {
    const broken = varsFileWith("broken.vars", { PASSWORD_PEPPER: "p1:too-short" });
    const started = Date.now();
    const error = await startService({ env: { DEV_VARS_FILE: broken }, state }).then(
      (service) => service.stop().then(() => assert.fail("npm start printed a banner with a broken PASSWORD_PEPPER")),
      (e) => e,
    );
    assert.equal(error.exitCode, 1);
    assert.match(error.output, /npm start failed: GET \S+\/\.well-known\/jwks\.json answered 503 misconfigured/);
    assert.match(error.output, /PASSWORD_PEPPER/);
    assert.doesNotMatch(error.output, /did not answer/);
    assert.ok(Date.now() - started < 120_000, "it stops at the first answer, not after polling");
    assert.equal(await portIsFree(error.port), true, "wrangler dev still holds the port");
  });

  it("serves under BASE_PATH from the environment or the vars file, and says when alice has a password", async () => {
    const first = await startService({ env: { BASE_PATH: "/auth" }, state });
    let second;
    try {
      assert.equal(first.url, `${first.base}/auth`);
      assert.match(first.output(), /alice@example\.com \(no password yet/);
      assert.ok(first.demoResetLink.startsWith(`${first.base}/auth/reset-password?`), first.demoResetLink);
      assert.equal((await fetch(`${first.base}/auth/.well-known/jwks.json`)).status, 200);
      assert.equal((await fetch(`${first.base}/.well-known/jwks.json`)).status, 404);

      const api = new Api(first.url);
      const passwordResetCode = new URL(first.demoResetLink).searchParams.get("passwordResetCode");
      const { result } = await api.call("POST", "/password-reset/reset-password", { passwordResetCode, newPassword: "a long and quite new passphrase 7" });
      assert.equal(result, "PASSWORD_UPDATED");
      const alice = (await api.call("GET", "/tenants/demotenant0000000000000000/users?email=alice%40example.com")).items[0];
      // The audit event is written after the answer.
      for (let i = 0; i < 50 && (await api.call("GET", `/users/${alice.id}/audit-events?type=password_reset.succeeded`)).items.length === 0; i++) {
        await new Promise((r) => setTimeout(r, 100));
      }
      await first.stop();

      second = await startService({ env: { DEV_VARS_FILE: varsFileWith("auth.vars", { BASE_PATH: "/auth" }) }, state });
      assert.equal(second.url, `${second.base}/auth`);
      assert.match(second.output(), /alice@example\.com \(password set \d{4}-\d\d-\d\dT/);
    } finally {
      await first.stop();
      await second?.stop();
    }
  });
});
