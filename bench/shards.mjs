// `npm run bench:shards` (issue 19 item 6): does adding D1 shards add capacity? For 1, 2 and 4
// shards, the service under `wrangler dev` with every D1 database modelled as one single-threaded
// queue (bench/shards/d1-queue.mjs: a fixed service time per statement, FIFO), users seeded through
// the service (which places them on shards), then request-password-reset driven open-loop at rates
// the search picks (bench/shards/search.mjs: from near a closed-loop probe's rate, up until a step
// does not keep up, then narrowing the gap; capped at 1.2 × the CPU ceiling); the email consumer
// and the audit writes run on the same databases. Prints per shard count the highest rate kept up,
// per-database utilisation, statements per request (model off and under load) and which database
// saturated first, the ratio 4 vs 1, and the CPU-bound ceiling (no model), and writes
// bench/shards.json. SHARDS_COUNTS (default 1,2,4), SHARDS_SERVICE_MS (the larger service time;
// default: chosen from the CPU ceiling, modelServiceMs) and SHARDS_STEP_SECONDS (default 8)
// change the run.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { loadDevVars } from "../scripts/dev-vars.mjs";
import { closeConnections, expectStatus, request } from "./lib/http.mjs";
import { round } from "./lib/load.mjs";
import { Ours } from "./lib/ours.mjs";
import { revision } from "./lib/revision.mjs";
import { freePort, migrate, startWrangler, stopAll } from "./lib/servers.mjs";
import { shardsConfig, withShards } from "./shards/config.mjs";
import { limitsFor, ModelService, modelServiceMs, probe, ramp, statementsPerRequest, step } from "./shards/ramp.mjs";
import { formatTable } from "./shards/report.mjs";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const COUNTS = (process.env.SHARDS_COUNTS ?? "1,2,4").split(",").map(Number);
/** The larger service time; unset, chosen from the CPU ceiling measured first (see modelServiceMs). */
const MODEL_MS = process.env.SHARDS_SERVICE_MS ? Number(process.env.SHARDS_SERVICE_MS) : null;
const STEP_SECONDS = Number(process.env.SHARDS_STEP_SECONDS ?? 8);
const USERS = 600;
/**
 * The per-address email limit, at its loosest (src/http/schemas/policy.ts: 20 per window of at
 * least 60 s): 600 addresses then take 200 requests a second for as long as a run lasts. A held
 * request queues no job, and a step waits for its jobs' emails, so the limit must never hold one.
 */
const EMAIL_LIMIT = { resetEmailCooldownSeconds: 0, resetEmailsPerWindow: 20, resetEmailWindowSeconds: 60 };
const PASSWORD = "the shards bench password 0";
/** A model ramp goes no higher than this × the CPU ceiling: above it, the CPU gives out, not the model. */
const CAP_OVER_CPU = 1.2;
/** The CPU ramp's cap (model off): more than this machine's load generator sends on time. */
const CPU_RAMP_CAP = 1000;
const started = Date.now();
const elapsed = () => `${Math.round((Date.now() - started) / 1000)} s`;
/** Service times to ramp for `n` shards: the CPU ceiling (0, no model) once, 1 ms for the fewest and most shards, the model's for all. */
function serviceTimes(n, modelMs) {
  const out = [];
  if (n === COUNTS[0]) out.push(0);
  if (n === COUNTS[0] || n === COUNTS.at(-1)) out.push(1);
  out.push(modelMs);
  return out;
}

async function startServer(n, vars, stateDir) {
  const { file, databases } = shardsConfig(root, stateDir, n);
  const persistTo = path.join(stateDir, "state");
  migrate({ cwd: stateDir, persistTo });
  const port = await freePort();
  const server = await startWrangler({
    cwd: root,
    config: file,
    port,
    persistTo,
    logFile: path.join(stateDir, "service.log"),
    probePath: "/.well-known/jwks.json",
    name: `the service (${n} shard(s); state and log kept in ${stateDir})`,
    vars: { D1_MODEL: "queue", ...(vars.PUBLIC_BASE_URL ? {} : { PUBLIC_BASE_URL: `http://127.0.0.1:${port}` }) },
    extraArgs: ["--inspector-port", String(await freePort())],
  });
  return { server, databases };
}

/** Statements per request-password-reset on each database, its consumer's and audit writes included (model off). */
async function costPerRequest(svc, emails, cursor) {
  await svc.service(0);
  const warm = await step(svc, emails, cursor, 10, 4);
  if (!(await svc.drain(warm.n, { settleMs: 6000 }))) throw new Error("the warm-up's emails were not all consumed within 30 s");
  const s = await svc.take();
  const perRequest = statementsPerRequest(s, warm.n);
  const kinds = Object.fromEntries(Object.entries(s.kinds).map(([name, k]) => [name, Object.fromEntries(Object.entries(k).map(([kind, v]) => [kind, round(v / warm.n, 2)]))]));
  return { requests: warm.n, perRequest, kinds, messagesPerRequest: round(s.consumedMessages / warm.n, 2) };
}

/**
 * The database that saturated first in the lowest step that did not keep up: the busiest from the
 * step's start until its emails were consumed (the work the queue deferred included), if it was
 * busy ≥ 90 % of that time.
 */
function firstSaturated(failed) {
  if (!failed) return null;
  const [name, d] = Object.entries((failed.atDrain ?? failed.atWindowEnd).databases).sort(([, a], [, b]) => b.utilisation - a.utilisation)[0] ?? [];
  return name && d.utilisation >= 0.9 ? name : "none (CPU or consumer)";
}

async function runShards(n, vars, plan) {
  const stateDir = mkdtempSync(path.join(os.tmpdir(), `edge-password-reset-shards-${n}-`));
  const { server, databases } = await startServer(n, vars, stateDir);
  console.error(`[shards ${n}] at ${elapsed()}: the service is up`);
  const ours = new Ours(server.base, vars.ADMIN_TOKEN);
  await ours.provision(`shards-${n}`);
  const limit = await request(`${ours.base}/api/v1/tenants/${ours.tenantId}/password-reset-policy`, {
    method: "PATCH",
    headers: { ...ours.admin, "content-type": "application/json" },
    body: JSON.stringify(EMAIL_LIMIT),
  });
  expectStatus(limit, 200, "the per-address email limit");
  const svc = new ModelService(ours);
  await svc.service(0);
  const emails = [];
  for (let i = 0; i < USERS; i += 150) emails.push(...(await ours.users(`load${i}`, 150, PASSWORD)).map((u) => u.email));
  // The ramps' top: 20 an address a minute, the cursor cycling through every address in turn.
  const ceilingOfLimit = (emails.length * EMAIL_LIMIT.resetEmailsPerWindow) / EMAIL_LIMIT.resetEmailWindowSeconds;
  if (!(await svc.quiet())) throw new Error("the databases did not fall quiet within 90 s of seeding");
  console.error(`[shards ${n}] at ${elapsed()}: ${USERS} users seeded`);
  const cursor = { next: 0 };
  const cost = await costPerRequest(svc, emails, cursor);
  console.error(`[shards ${n}] at ${elapsed()}: statements per request: ${JSON.stringify(cost.perRequest)}, by kind ${JSON.stringify(cost.kinds)}, messages ${cost.messagesPerRequest}`);
  const busiest = Math.max(...Object.values(cost.perRequest));
  const ramps = [];
  for (const serviceMs of serviceTimes(n, plan.modelMs)) {
    const ms = serviceMs ?? (plan.modelMs = modelServiceMs(plan.busiestAtCeiling ?? busiest, plan.cpuCeiling, COUNTS.at(-1)));
    const predicted = ms > 0 ? 1000 / (ms * busiest) : null;
    const cap = round(Math.min(ms === 0 ? CPU_RAMP_CAP : CAP_OVER_CPU * plan.cpuCeiling, ceilingOfLimit), 2);
    // The model's ceiling from the model-off statements is the lowest it can be (under load the
    // consumer batches and makes fewer): above the cap, a ramp would only measure the CPU again.
    if (predicted !== null && predicted > cap) {
      ramps.push({ serviceMs: ms, predictedPerSecond: round(predicted, 2), cap, cpuBound: true });
      console.error(`[shards ${n}] ${ms} ms: the model's ceiling, ${round(predicted, 1)}/s, is above ${CAP_OVER_CPU} × the CPU ceiling (${plan.cpuCeiling}/s): CPU-bound, not run`);
      continue;
    }
    // The last ramp may have ended overloaded: its emails may still be queued. Each ramp starts from rest.
    await svc.service(0);
    if (!(await svc.quiet({ timeoutMs: 180_000 }))) throw new Error("the databases did not fall quiet within 180 s of the last ramp");
    await ours.refreshClientToken();
    await svc.service(ms);
    const limits = limitsFor(ms);
    // Start near the ceiling: below what a closed loop gets through (open loop, with its latency and
    // backlog limits, keeps up with less); without an answer, below the ceiling computed beforehand.
    // Short: at the larger service time the consumer takes many times the probe's length to catch up.
    const probed = await probe(svc, emails, cursor, { seconds: 2 });
    if (probed.drainMs === null && !(await svc.quiet({ timeoutMs: 180_000 }))) throw new Error("the probe's emails were not consumed within 270 s");
    const expected = Math.min(predicted ?? Infinity, plan.cpuCeiling ?? Infinity);
    const startRate = probed.perSecond > 0 ? round(0.8 * probed.perSecond, 2) : Number.isFinite(expected) ? round(0.7 * expected, 2) : 8;
    console.error(`[shards ${n}] ${ms} ms at ${elapsed()}: closed-loop probe ${probed.answeredPerSecond}/s answered, ${probed.perSecond}/s until its emails were consumed; ramp from ${startRate}/s, cap ${cap}/s`);
    const r = await ramp(svc, emails, cursor, {
      search: { startRate, factor: 1.25, fineRatio: 1.12, cap, minRate: 0.2 },
      seconds: STEP_SECONDS,
      minRequests: 16,
      maxSteps: 14,
      limits,
      label: `${n} shard(s), ${ms} ms`,
    });
    ramps.push({ serviceMs: ms, limits, predictedPerSecond: predicted && round(predicted, 2), cap, probe: probed, startRate, ...r, firstSaturated: firstSaturated(r.failedStep) });
    if (ms === 0) {
      plan.cpuCeiling = r.sustainedRate;
      // The statements at the CPU ceiling, not the warm-up's: the consumer batches more under load.
      if (r.atSustained?.perRequest) plan.busiestAtCeiling = Math.max(...Object.values(r.atSustained.perRequest));
    }
  }
  server.stop();
  rmSync(stateDir, { recursive: true, force: true });
  return { shards: n, databases, cost, ramps };
}

async function main() {
  const vars = loadDevVars(root);
  if (vars.ENVIRONMENT !== "development") throw new Error(".dev.vars must set ENVIRONMENT=development: the bench provisions through the /dev routes");
  const runs = [];
  const skipped = [];
  const plan = { modelMs: MODEL_MS, cpuCeiling: null, busiestAtCeiling: null };
  for (const n of COUNTS) {
    try {
      withShards(readFileSync(path.join(root, "wrangler.toml"), "utf8"), n);
    } catch (e) {
      skipped.push({ shards: n, why: e.message });
      console.error(`[shards] ${n} shards: skipped: ${e.message}`);
      continue;
    }
    runs.push(await runShards(n, vars, plan));
  }
  closeConnections();
  const out = {
    generatedAt: new Date().toISOString(),
    ...revision(root),
    seconds: Math.round((Date.now() - started) / 1000),
    stepSeconds: STEP_SECONDS,
    cpuCeiling: plan.cpuCeiling,
    modelMs: plan.modelMs,
    modelMsChosen: MODEL_MS === null,
    busiestAtCeiling: plan.busiestAtCeiling,
    mostShards: COUNTS.at(-1),
    runs,
    skipped,
  };
  writeFileSync(path.join(root, "bench", "shards.json"), `${JSON.stringify(out, null, 2)}\n`);
  console.log(formatTable(out));
}

try {
  await main();
} catch (e) {
  console.error(`bench:shards failed: ${e.stack ?? e}`);
  process.exitCode = 1;
} finally {
  stopAll();
}
