// `npm run bench:geo` (issue 17): the service under `wrangler dev`, its D1, Durable Object and
// Queue bindings wrapped by bench/geo/worker.ts to count each round trip and delay it. Two
// profiles, one server each: `same` (every call 5 ms away) and `far` (the D1 primary 200 ms away;
// replicas, Durable Objects, queues and the mail provider 5 ms). Per operation it prints the calls
// made before the answer (+ after it, through waitUntil) and the p50 under each profile, and writes
// bench/geo.json. GEO_SAMPLES sets the samples per operation and profile (default 20).
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { loadDevVars } from "../scripts/dev-vars.mjs";
import { geoConfig } from "./geo/config.mjs";
import { runOperations } from "./geo/operations.mjs";
import { formatTable } from "./geo/report.mjs";
import { closeConnections } from "./lib/http.mjs";
import { freePort, migrate, startWrangler, stopAll } from "./lib/servers.mjs";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const SAMPLES = Number(process.env.GEO_SAMPLES ?? 20);
const PROFILES = ["same", "far"];

async function runProfile(profile, vars) {
  const stateDir = mkdtempSync(path.join(os.tmpdir(), `edge-password-reset-geo-${profile}-`));
  try {
    const persistTo = path.join(stateDir, "state");
    migrate({ cwd: root, persistTo });
    const port = await freePort();
    const server = await startWrangler({
      cwd: root,
      config: geoConfig(root, stateDir),
      port,
      persistTo,
      logFile: path.join(stateDir, "service.log"),
      probePath: "/.well-known/jwks.json",
      name: `the service (geo profile ${profile})`,
      vars: { GEO_PROFILE: profile, ...(vars.PUBLIC_BASE_URL ? {} : { PUBLIC_BASE_URL: `http://127.0.0.1:${port}` }) },
    });
    try {
      const started = Date.now();
      const result = await runOperations(server.base, vars.ADMIN_TOKEN, SAMPLES, profile);
      console.error(`[geo] profile ${profile}: ${((Date.now() - started) / 1000).toFixed(0)} s`);
      return result;
    } finally {
      server.stop();
    }
  } finally {
    rmSync(stateDir, { recursive: true, force: true });
  }
}

async function main() {
  const vars = loadDevVars(root);
  if (vars.ENVIRONMENT !== "development") throw new Error(".dev.vars must set ENVIRONMENT=development: the geo bench provisions through the /dev routes and reads the development mailbox");
  const started = Date.now();
  const results = {};
  for (const profile of PROFILES) results[profile] = await runProfile(profile, vars);
  closeConnections();
  let commit = null;
  try {
    commit = execFileSync("git", ["rev-parse", "--short", "HEAD"], { cwd: root, encoding: "utf8" }).trim();
  } catch {}
  const out = { generatedAt: new Date().toISOString(), commit, samples: SAMPLES, seconds: Math.round((Date.now() - started) / 1000), profiles: results };
  writeFileSync(path.join(root, "bench", "geo.json"), `${JSON.stringify(out, null, 2)}\n`);
  console.log(formatTable(out));
}

try {
  await main();
} catch (e) {
  console.error(`bench:geo failed: ${e.stack ?? e}`);
  process.exitCode = 1;
} finally {
  stopAll();
}
