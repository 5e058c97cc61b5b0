// The RPC contract between two separate `wrangler dev` processes, as between two deployed Workers:
// the service (bench/lib/servers.mjs starts it as `npm start` does, in a state folder of its own)
// and examples/host-worker, joined by wrangler's dev registry. Within one workerd process an
// Error's own properties may cross a binding; between processes only its message does, so this is
// where the contract is checked. Run by `npm test` after vitest; both process groups are killed.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { loadDevVars } from "../../scripts/dev-vars.mjs";
import { Api } from "../browser/harness.mjs";

const root = new URL("../..", import.meta.url).pathname;
const stateDir = mkdtempSync(path.join(tmpdir(), "epr-rpc-processes-"));
// Both processes register in, and look each other up in, this run's own dev registry (not the
// user's ~/.config/.wrangler/registry, where another `npm start` may be registered).
process.env.WRANGLER_REGISTRY_PATH = path.join(stateDir, "registry");
// Read after the registry is set: the module takes the environment its servers run with at import.
const { freePort, startService, startWrangler, stopAll } = await import("../../bench/lib/servers.mjs");

const vars = loadDevVars(root);
let host;
let api;

async function viaHost(route, body) {
  const res = await fetch(`${host.base}${route}`, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) });
  return { status: res.status, retryAfter: res.headers.get("Retry-After"), body: await res.json() };
}

function logTail(name) {
  try {
    return readFileSync(path.join(stateDir, name), "utf8").slice(-3000);
  } catch {
    return "";
  }
}

before(async () => {
  try {
    const service = await startService({ root, stateDir, vars });
    const seeded = await fetch(`${service.base}/dev/seed`, { method: "POST", headers: { Authorization: `Bearer ${vars.ADMIN_TOKEN}` } });
    assert.equal(seeded.status, 200, await seeded.text());
    api = new Api(service.base);
    host = await startWrangler({
      cwd: root,
      config: "examples/host-worker/wrangler.toml",
      port: await freePort(),
      logFile: path.join(stateDir, "host.log"),
      probePath: "/",
      name: "the example host Worker",
    });
    // The registry joins the two within a few seconds: until then the binding reaches nothing.
    for (let i = 0; (await fetch(`${host.base}/health`)).status !== 200; i++) {
      if (i === 100) throw new Error("the host's binding never reached the service");
      await new Promise((r) => setTimeout(r, 200));
    }
  } catch (e) {
    throw new Error(`${e.message}\n--- service.log\n${logTail("service.log")}\n--- host.log\n${logTail("host.log")}`);
  }
});

after(() => {
  stopAll();
  rmSync(stateDir, { recursive: true, force: true });
});

describe("RPC across two wrangler dev processes, through examples/host-worker", () => {
  it("logs in: the success value", async () => {
    const tenant = await api.tenant("rpc-processes");
    const user = await api.user(tenant.id, "process-login@example.com", "password one");
    const login = await viaHost("/login", { tenantId: tenant.id, email: "process-login@example.com", password: "password one" });
    assert.equal(login.status, 200);
    assert.equal(login.body.ok, true);
    assert.equal(login.body.value.result, "SUCCESS");
    assert.equal(login.body.value.userId, user.id);
    const wrong = await viaHost("/login", { tenantId: tenant.id, email: "process-login@example.com", password: "wrong" });
    assert.deepEqual(wrong.body, { ok: true, value: { result: "INVALID_CREDENTIALS" } });
  });

  it("resets with a code never issued: the typed INVALID_CODE result", async () => {
    const reset = await viaHost("/password-reset/reset", { emailAuthCode: "never-issued", newPassword: "password two" });
    assert.equal(reset.status, 200);
    assert.deepEqual(reset.body, { ok: true, value: { result: "INVALID_CODE" } });
  });

  it("a failure keeps its status, code, violations and when to retry", async () => {
    const invalid = await viaHost("/login", { tenantId: "nope", email: "not-an-email", password: "" });
    assert.equal(invalid.status, 400);
    assert.equal(invalid.body.ok, false);
    assert.equal(invalid.body.error.status, 400);
    assert.equal(invalid.body.error.retryable, false);
    assert.equal(typeof invalid.body.error.code, "string");
    assert.equal(invalid.body.error.violations.email[0].code, "invalid_format");

    const tenant = await api.tenant("rpc-processes-throttle", { passwordFailuresBeforeDelay: 0, passwordFailureDelaySeconds: 60, passwordFailureMaxDelaySeconds: 3600 });
    await api.user(tenant.id, "process-throttle@example.com", "password one");
    const attempt = (password) => viaHost("/login", { tenantId: tenant.id, email: "process-throttle@example.com", password });
    assert.deepEqual((await attempt("a wrong password")).body, { ok: true, value: { result: "INVALID_CREDENTIALS" } });
    const throttled = await attempt("password one");
    assert.equal(throttled.status, 429);
    assert.equal(throttled.body.error.code, "too_many_attempts");
    assert.equal(throttled.body.error.retryable, true);
    assert.ok(throttled.body.error.retryAfter > 100, String(throttled.body.error.retryAfter));
    assert.equal(throttled.retryAfter, String(throttled.body.error.retryAfter));

    const elsewhere = await viaHost("/password-reset/request", { tenantId: "zzzzzzzzzzzzzzzzzzzzzzzzzz", email: "someone@example.com" });
    assert.equal(elsewhere.status, 404);
    assert.equal(elsewhere.body.error.code, "not_found");
  });
});
