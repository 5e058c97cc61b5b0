// `npm run bench:profile`: what each endpoint costs the runtime, in CPU milliseconds per request,
// beside an empty Worker's. It reads the CPU time (user + system, from /proc) of the runtime
// processes of each `wrangler dev` before and after a bounded number of requests at concurrency
// 16. Unlike throughput, CPU time per request hardly moves with the load other work puts on a shared
// machine, so before/after figures of a change compare across runs. Local workerd runs the Worker,
// its Durable Objects and the local D1 in one process (the "worker" column); wrangler's proxy is a
// second workerd (the "proxy" column). Linux only. PROFILE_REQUESTS sets the count (default 400).
import { mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { loadDevVars } from "../scripts/dev-vars.mjs";
import { closeConnections } from "./lib/http.mjs";
import { drive, range } from "./lib/load.mjs";
import { Floor, Ours } from "./lib/ours.mjs";
import { freePort, startService, startWrangler, stopAll } from "./lib/servers.mjs";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const REQUESTS = Number(process.env.PROFILE_REQUESTS ?? 400);
const PASSWORD = "the bench password 0";
const TICK_MS = 1000 / 100; // USER_HZ

/** CPU ms so far of each workerd in a process group: the proxy (listens on the port) and the worker. */
function runtimeCpu(groupId) {
  const out = {};
  for (const pid of readdirSync("/proc").filter((d) => /^\d+$/.test(d))) {
    let stat;
    let cmdline;
    try {
      stat = readFileSync(`/proc/${pid}/stat`, "utf8");
      cmdline = readFileSync(`/proc/${pid}/cmdline`, "utf8");
    } catch {
      continue;
    }
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    if (Number(fields[2]) !== groupId || !cmdline.includes("workerd")) continue;
    const role = cmdline.includes("--inspector-addr") ? "worker" : "proxy";
    out[role] = (out[role] ?? 0) + (Number(fields[11]) + Number(fields[12])) * TICK_MS;
  }
  return out;
}

async function measure(server, name, n, call) {
  const before = runtimeCpu(server.pid);
  const run = await drive(range(n), 16, call);
  await new Promise((r) => setTimeout(r, 300)); // work after the response (waitUntil, alarms) lands in the figure
  const after = runtimeCpu(server.pid);
  const per = (role) => ((after[role] ?? 0) - (before[role] ?? 0)) / n;
  const row = { name, n, perSecond: run.perSecond, worker: per("worker"), proxy: per("proxy") };
  console.error(`[profile] ${name}: worker ${row.worker.toFixed(2)} ms, proxy ${row.proxy.toFixed(2)} ms CPU per request`);
  return row;
}

async function main() {
  const vars = loadDevVars(root);
  const stateDir = mkdtempSync(path.join(os.tmpdir(), "edge-password-reset-profile-"));
  const floorServer = await startWrangler({ cwd: path.join(root, "bench", "floor"), port: await freePort(), persistTo: path.join(stateDir, "floor"), logFile: path.join(stateDir, "floor.log"), probePath: "/", name: "the floor Worker" });
  // As the bench: rate limits raised out of reach, the limiter still called.
  const service = await startService({ root, stateDir, vars, unlimited: true });
  const floor = new Floor(floorServer.base);
  const ours = new Ours(service.base, vars.ADMIN_TOKEN);
  await ours.provision("profile");
  const users = await ours.users("known", 64, PASSWORD);
  const resets = Math.max(16, Math.round(REQUESTS / 8));
  const codes = (await ours.users("reset", resets, PASSWORD, { withResetCodes: true })).map((u) => u.passwordResetCode);
  await drive(range(64), 16, () => floor.empty());
  await drive(range(64), 16, () => ours.jwks());
  await drive(range(32), 16, (i) => ours.requestReset(users[i].email));

  const rows = [];
  rows.push(await measure(floorServer, "empty Worker", REQUESTS, () => floor.empty()));
  rows.push(await measure(floorServer, "one derivation (floor /derive)", Math.round(REQUESTS / 8), () => floor.derive()));
  rows.push(await measure(service, "JWKS", REQUESTS, () => ours.jwks()));
  rows.push(await measure(service, "request-password-reset", REQUESTS, (i) => ours.requestReset(i % 2 ? users[i % 64].email : `nobody-${i}@profile.invalid`)));
  rows.push(await measure(service, "login", Math.round(REQUESTS / 4), (i) => ours.login(users[i % 64].email, PASSWORD, "SUCCESS")));
  rows.push(await measure(service, "reset-password", resets, (i) => ours.reset(codes[i], `a new profile password ${i}`)));
  floorServer.stop();
  service.stop();
  closeConnections();
  rmSync(stateDir, { recursive: true, force: true });

  const derive = rows[1].worker;
  const empty = rows[0].worker + rows[0].proxy;
  console.log("| case | n | worker CPU ms per request | proxy CPU ms | total ÷ empty Worker's | worker CPU beyond hashing (ms) |");
  console.log("|---|---|---|---|---|---|");
  const hashes = { login: 1, "reset-password": 2 };
  for (const r of rows) {
    const beyond = r.name in hashes ? (r.worker - hashes[r.name] * derive).toFixed(2) : "–";
    console.log(`| ${r.name} | ${r.n} | ${r.worker.toFixed(2)} | ${r.proxy.toFixed(2)} | ${((r.worker + r.proxy) / empty).toFixed(2)} × | ${beyond} |`);
  }
}

try {
  await main();
} catch (e) {
  console.error(`profile failed: ${e.stack ?? e}`);
  process.exitCode = 1;
} finally {
  stopAll();
}
