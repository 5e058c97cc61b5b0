// `npm run bench:enumeration`: does request-password-reset take the same time for a known, an
// unknown and an inactive email, in both strategies? Under local workerd (as `npm start`), each
// address asked once (so no per-address limit holds), the three kinds interleaved in one run so that
// drift hits them alike. Prints the medians and writes bench/enumeration.json. A benchmark, not a
// test: the answer bodies are checked, the times only reported.
import { writeFileSync } from "node:fs";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { loadDevVars } from "../scripts/dev-vars.mjs";
import { closeConnections, expectStatus, postJson, request } from "./lib/http.mjs";
import { drive, quantile, range, round } from "./lib/load.mjs";
import { Ours } from "./lib/ours.mjs";
import { startService, stopAll } from "./lib/servers.mjs";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const PER_KIND = Number(process.env.ENUMERATION_REQUESTS ?? 200);
const CONCURRENCY = 4;
const KINDS = ["known", "unknown", "inactive"];

async function tenantFor(base, adminToken, strategy) {
  const ours = new Ours(base, adminToken);
  await ours.provision(`enumeration-${strategy.toLowerCase()}`);
  const patch = await request(`${base}/api/v1/tenants/${ours.tenantId}/password-reset-policy`, {
    method: "PATCH",
    headers: { "content-type": "application/json", ...ours.bearer },
    body: JSON.stringify({ emailVerificationStrategy: strategy }),
  });
  expectStatus(patch, 200, `policy: ${strategy}`);
  const known = await ours.users(`known-${strategy.toLowerCase()}`, PER_KIND, "the bench password 0");
  const inactive = await ours.users(`inactive-${strategy.toLowerCase()}`, PER_KIND, "the bench password 0");
  await drive(inactive, 4, async (u) => {
    const res = await request(`${base}/api/v1/users/${u.id}`, {
      method: "PATCH",
      headers: { "content-type": "application/json", ...ours.bearer },
      body: JSON.stringify({ status: "INACTIVE" }),
    });
    expectStatus(res, 200, "deactivate");
  });
  return { ours, emails: { known: known.map((u) => u.email), inactive: inactive.map((u) => u.email), unknown: range(PER_KIND).map((i) => `nobody-${strategy}-${i}@bench.invalid`) } };
}

async function measure(base, { ours, emails }, strategy) {
  const items = range(PER_KIND * KINDS.length).map((i) => ({ kind: KINDS[i % KINDS.length], email: emails[KINDS[i % KINDS.length]][Math.floor(i / KINDS.length)] }));
  const bodies = new Map();
  const run = await drive(items, CONCURRENCY, async (item) => {
    const res = expectStatus(await postJson(`${base}/api/v1/password-reset/request-password-reset`, { tenantId: ours.tenantId, email: item.email }, ours.bearer), 200, "request-password-reset");
    const body = res.json();
    // The body's shape, with the decoy's requestCode masked: it must not depend on the kind.
    bodies.set(item.kind, JSON.stringify({ ...body, ...(body.requestCode ? { requestCode: "…" } : {}) }));
  });
  if (new Set(bodies.values()).size !== 1) throw new Error(`${strategy}: bodies differ by kind: ${[...bodies].join(" / ")}`);
  const out = {};
  for (const kind of KINDS) {
    const latencies = run.latencies.filter((_, i) => items[i].kind === kind);
    out[kind] = { n: latencies.length, p50: round(quantile(latencies, 0.5), 2), p95: round(quantile(latencies, 0.95), 2), latenciesMs: latencies.map((x) => round(x, 2)) };
  }
  return out;
}

async function main() {
  const vars = loadDevVars(root);
  const stateDir = mkdtempSync(path.join(os.tmpdir(), "edge-password-reset-enumeration-"));
  const server = await startService({ root, stateDir, vars, unlimited: true });
  const results = { date: new Date().toISOString(), perKind: PER_KIND, concurrency: CONCURRENCY, strategies: {} };
  for (const strategy of ["LINK", "OTP"]) {
    const tenant = await tenantFor(server.base, vars.ADMIN_TOKEN, strategy);
    results.strategies[strategy] = await measure(server.base, tenant, strategy);
  }
  server.stop();
  closeConnections();
  console.log(`\nrequest-password-reset, ${PER_KIND} requests per kind, interleaved, concurrency ${CONCURRENCY} (ms)\n`);
  console.log("| strategy | known p50 | unknown p50 | inactive p50 | known p95 | unknown p95 | inactive p95 |\n|---|---|---|---|---|---|---|");
  for (const [strategy, r] of Object.entries(results.strategies)) {
    console.log(`| ${strategy} | ${r.known.p50} | ${r.unknown.p50} | ${r.inactive.p50} | ${r.known.p95} | ${r.unknown.p95} | ${r.inactive.p95} |`);
  }
  writeFileSync(path.join(root, "bench", "enumeration.json"), `${JSON.stringify(results, null, 2)}\n`);
  rmSync(stateDir, { recursive: true, force: true });
}

main()
  .catch((e) => {
    console.error(e);
    process.exitCode = 1;
  })
  .finally(() => stopAll());
