// `npm run bench`: what a reset, a login and the cheap endpoints cost, against the hashing floor
// and the runtime's own ceiling measured in the same run, beside real peers: Better Auth (Node) and
// OpenAuth (a Worker with KV storage, under wrangler dev like the service).
// Starts the service under local workerd the way `npm start` does (its own port and state folder),
// provisions everything before timing, prints a table and writes bench/results.json.
// Absolute figures drift on a shared machine: the ratios, measured in the same run, are the result.
// BENCH_QUICK=1 runs a tenth of the requests (a smoke run; its figures are not for the README).
// BENCH_PEER=0 leaves the peer out (for profiling the service alone); BENCH_OPENAUTH=0 leaves OpenAuth out.
// BENCH_BUDGET_S (default 540) bounds the run: each timed phase may use its share of the time left
// and stops starting requests after it, so a loaded machine gets a smaller n, not a longer run.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { loadDevVars } from "../scripts/dev-vars.mjs";
import { closeConnections } from "./lib/http.mjs";
import { drive, range, round, summarize } from "./lib/load.mjs";
import { OpenAuth } from "./lib/openauth.mjs";
import { Floor, Ours, Peer } from "./lib/ours.mjs";
import { gitDescribe, installPeer, peerVersions } from "./lib/peer-install.mjs";
import { renderTable, updateReadme } from "./lib/report.mjs";
import { freePort, migrate, startPeer, startWrangler, stopAll, unlimitedConfig } from "./lib/servers.mjs";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const peerDir = path.join(root, "bench", "peer");
const quick = process.env.BENCH_QUICK === "1";
const scale = (n, min = 1) => (quick ? Math.max(min, Math.round(n / 10)) : n);

/** Request counts. Every loop in the bench is bounded by one of these. */
const N = {
  resets: { 1: scale(100, 10), 4: scale(300, 16), 16: scale(800, 32), 64: scale(800, 64) },
  peerResets: { 1: scale(30, 4), 4: scale(40, 8), 16: scale(64, 16), 64: scale(128, 64) },
  openauthResets: { 1: scale(40, 4), 16: scale(128, 16) },
  requestReset: scale(1000, 64),
  peerRequestReset: scale(600, 64),
  login: scale(320, 32),
  peerLogin: scale(64, 32),
  refresh: scale(600, 32),
  introspect: scale(600, 32),
  empty: scale(2000, 200),
  deriveSequential: scale(40, 5),
  deriveParallel: scale(160, 16),
  peerHashSequential: scale(12, 3),
  peerHashParallel: scale(48, 8),
  openauthHashSequential: scale(12, 3),
  openauthHashParallel: scale(48, 8),
  scalingSamples: scale(20, 5),
  fillerRows: quick ? 10_000 : 100_000,
  knownUsers: 64,
};
const DERIVATIONS_PER_RESET = 2; // the same_as_current check, then the new hash (the user has a password)
const PEER_HASHES_PER_RESET = 1; // Better Auth hashes the new password and checks nothing against the old
const OPENAUTH_HASHES_PER_RESET = 1; // OpenAuth's update step hashes the new password, nothing else
const PASSWORD = "the bench password 0";

const started = new Date();
const budgetSeconds = Number(process.env.BENCH_BUDGET_S ?? 540);
const deadline = started.getTime() + budgetSeconds * 1000;
/** Kept back from the timed phases: the D1 filler, the "large" scaling cases and shutting down. */
const RESERVE_MS = 45_000;
/** Of the budget, what provisioning the reset users and their codes may take. */
const PROVISION_SHARE = 0.25;
/**
 * Weights of the timed phases still to run: our 4 reset phases 6 each, the peer's 4 reset phases
 * and OpenAuth's 2 update phases 4 each, the other 20 (floors, OpenAuth's 2 code → verify runs,
 * the four known/unknown runs, refresh, introspect) 1 each. The reset phases come first and the
 * others mostly finish before their share, so resets get most.
 */
let weightLeft = 4 * 6 + 4 * 4 + 2 * 4 + 20;
/** The time the next timed phase may use: its weighted share of what is left before the reserve. */
const phase = (weight = 1) => {
  const maxMs = Math.max(3_000, ((deadline - RESERVE_MS - Date.now()) * weight) / Math.max(weight, weightLeft));
  weightLeft = Math.max(0, weightLeft - weight);
  return { maxMs };
};
const log = (msg) => console.error(`[bench ${((Date.now() - started.getTime()) / 1000).toFixed(0).padStart(3)} s] ${msg}`);
const stateDir = mkdtempSync(path.join(os.tmpdir(), "edge-password-reset-bench-"));
const logFile = (name) => path.join(stateDir, `${name}.log`);
const results = { cases: {} };
const record = (key, run, extra = {}) => {
  results.cases[key] = { ...summarize(run), ...extra, latenciesMs: run.latencies.map((x) => round(x, 2)) };
  return results.cases[key];
};

async function main() {
  const vars = loadDevVars(root);
  if (vars.ENVIRONMENT !== "development") throw new Error(".dev.vars must set ENVIRONMENT=development: the bench provisions through /dev routes");

  // The peer installs (a download, seconds) while our servers start.
  const peerInstall =
    process.env.BENCH_PEER === "0"
      ? Promise.reject(new Error("left out (BENCH_PEER=0)"))
      : (log("installing the peer (Better Auth), unless cached"), installPeer(peerDir, logFile("peer-install")));
  peerInstall.catch(() => {});

  log("starting the floor Worker and the service");
  const [floorPort, servicePort, peerPort, openauthPort] = await Promise.all([freePort(), freePort(), freePort(), freePort()]);
  const servicePersist = path.join(stateDir, "service-state");
  migrate({ cwd: root, persistTo: servicePersist });
  // One after the other: two wrangler dev starting at once can draw the same internal port.
  const floorServer = await startWrangler({
    cwd: path.join(root, "bench", "floor"),
    port: floorPort,
    persistTo: path.join(stateDir, "floor-state"),
    logFile: logFile("floor"),
    probePath: "/",
    name: "the floor Worker",
  });
  const service = await startWrangler({
    cwd: root,
    config: unlimitedConfig(root),
    port: servicePort,
    persistTo: servicePersist,
    logFile: logFile("service"),
    probePath: "/.well-known/jwks.json",
    name: "the service",
    // As `npm start`: without PUBLIC_BASE_URL in .dev.vars, emailed links point where this server listens.
    vars: vars.PUBLIC_BASE_URL ? {} : { PUBLIC_BASE_URL: `http://127.0.0.1:${servicePort}` },
  });

  let openauthServer = null;
  if (process.env.BENCH_OPENAUTH === "0") results.openauthUnavailable = "left out (BENCH_OPENAUTH=0)";
  else {
    log("starting OpenAuth's Worker");
    try {
      openauthServer = await startWrangler({
        cwd: path.join(root, "bench", "openauth"),
        port: openauthPort,
        persistTo: path.join(stateDir, "openauth-state"),
        logFile: logFile("openauth"),
        probePath: "/.well-known/jwks.json",
        name: "OpenAuth's Worker",
      });
    } catch (e) {
      results.openauthUnavailable = String(e.message);
      log(`OpenAuth unavailable, continuing without it: ${e.message}`);
    }
  }

  let peerInfo = null;
  try {
    peerInfo = await peerInstall;
    log(`peer on ${peerInfo.node} ${peerInfo.version}, install ${peerInfo.installed}`);
  } catch (e) {
    results.peerUnavailable = String(e.message);
    log(`peer unavailable, continuing without it: ${e.message}`);
  }
  const peerServer = peerInfo
    ? await startPeer({ node: peerInfo.node, cwd: peerDir, port: peerPort, dbFile: path.join(stateDir, "peer.sqlite"), logFile: logFile("peer") })
    : null;
  const floor = new Floor(floorServer.base);
  const ours = new Ours(service.base, vars.ADMIN_TOKEN);
  const peer = peerServer ? new Peer(peerServer.base) : null;
  const openauth = openauthServer ? new OpenAuth(openauthServer.base) : null;

  log("provisioning the scaling users (10 in D1)");
  await ours.provision("bench");
  const scaleUsers = await ours.users("scale", 10, PASSWORD);
  await scaling("small", scaleUsers, { withSessions: true });

  log(`provisioning up to ${Object.values(N.resets).reduce((a, b) => a + b)} reset users, ${N.knownUsers} login users and one code per reset`);
  const resetCodes = {};
  // In chunks, each concurrency within its share of PROVISION_SHARE of the budget: a loaded machine
  // provisions (and then times) fewer resets rather than running past the budget.
  const totalResets = Object.values(N.resets).reduce((a, b) => a + b);
  for (const c of Object.keys(N.resets)) {
    const maxMs = (PROVISION_SHARE * budgetSeconds * 1000 * N.resets[c]) / totalResets;
    const t = Date.now();
    resetCodes[c] = [];
    while (resetCodes[c].length < N.resets[c] && (resetCodes[c].length < 16 || Date.now() - t < maxMs)) {
      const chunk = Math.min(100, N.resets[c] - resetCodes[c].length);
      const users = await ours.users(`reset-c${c}-${resetCodes[c].length}`, chunk, PASSWORD, { withResetCodes: true });
      resetCodes[c].push(...users.map((u) => u.passwordResetCode));
    }
  }
  const knownUsers = await ours.users("known", N.knownUsers, PASSWORD);
  const peerTokens = {};
  let peerKnown = [];
  if (peer) {
    log("provisioning the peer's users and one reset token per reset");
    for (const c of Object.keys(N.peerResets)) {
      const emails = await peer.users(`reset${c}x`, N.peerResets[c], PASSWORD);
      await drive(emails, 8, (email) => peer.requestReset(email));
      peerTokens[c] = [];
      for (const email of emails) peerTokens[c].push(await peer.token(email));
    }
    peerKnown = await peer.users("known", N.knownUsers, PASSWORD);
  }
  const openauthEmails = {};
  if (openauth) {
    log("provisioning OpenAuth's users");
    for (const c of Object.keys(N.openauthResets)) openauthEmails[c] = await openauth.users(`reset${c}x`, N.openauthResets[c], PASSWORD);
  }

  await floors("before");

  for (const c of Object.keys(N.resets).map(Number)) {
    log(`reset-password at concurrency ${c}`);
    await ours.refreshClientToken();
    record(`reset.c${c}`, await drive(resetCodes[c], c, (code, i) => ours.reset(code, `a new bench password ${i}`), phase(6)));
    if (peer) record(`peer.reset.c${c}`, await drive(peerTokens[c], c, (token, i) => peer.reset(token, `a new bench password ${i}`), phase(4)));
    if (openauth && openauthEmails[c]) await openauthChange(c);
  }

  log("request-password-reset at concurrency 16, known and unknown emails interleaved");
  await ours.refreshClientToken();
  await knownUnknown("requestReset", ours, N.requestReset, (i) => knownUsers[(i / 2) % knownUsers.length | 0].email, (email) => ours.requestReset(email));
  if (peer) await knownUnknown("peer.requestReset", peer, N.peerRequestReset, (i) => peerKnown[(i / 2) % peerKnown.length | 0], (email) => peer.requestReset(email));

  log("login at concurrency 16, known (right password) and unknown emails interleaved");
  const sessions = [];
  await knownUnknown("login", ours, N.login, (i) => knownUsers[(i / 2) % knownUsers.length | 0].email, async (email, known) => {
    const body = await ours.login(email, known ? PASSWORD : "a wrong password", known ? "SUCCESS" : "INVALID_CREDENTIALS");
    if (known && sessions.length < 16 && !sessions.some((s) => s.userId === body.userId)) sessions.push(body);
  });
  if (peer) await knownUnknown("peer.login", peer, N.peerLogin, (i) => peerKnown[(i / 2) % peerKnown.length | 0], (email, known) => peer.login(email, known ? PASSWORD : "a wrong password", known));

  log("refresh (16 sessions, each rotating its own token) and introspect, at concurrency 16");
  const refreshTokens = sessions.map((s) => s.refreshToken);
  record("refresh", await drive(range(N.refresh), refreshTokens.length, async (_, __, caller) => (refreshTokens[caller] = await ours.refresh(refreshTokens[caller])), phase()));
  record("introspect", await drive(range(N.introspect), 16, (i) => ours.introspect(sessions[i % sessions.length].accessToken), phase()));

  await floors("after");

  log(`filling D1 with ${N.fillerRows} more users and ${N.fillerRows} open reset codes`);
  await ours.filler({ users: N.fillerRows, openCodes: N.fillerRows });
  await scaling("large", scaleUsers, { withSessions: false });

  floorServer.stop();
  service.stop();
  peerServer?.stop();
  openauthServer?.stop();
  closeConnections();

  results.machine = machine();
  results.versions = versions(peerInfo);
  results.date = started.toISOString();
  results.durationSeconds = Math.round((Date.now() - started.getTime()) / 1000);
  results.config = { quick, budgetSeconds, counts: N, derivationsPerReset: DERIVATIONS_PER_RESET, peerHashesPerReset: PEER_HASHES_PER_RESET, openauthHashesPerReset: OPENAUTH_HASHES_PER_RESET };
  const table = renderTable(results);
  console.log(table);
  writeFileSync(path.join(root, "bench", "results.json"), `${JSON.stringify(results, null, 1)}\n`);
  if (!quick && !results.peerUnavailable) updateReadme(path.join(root, "README.md"), table, results);
  log(`done in ${results.durationSeconds} s; bench/results.json written${quick ? " (quick run: README left alone)" : ", README updated"}`);

  async function floors(when) {
    log(`floors (${when}): one derivation sequential and 8 in parallel, the empty Worker at concurrency 16`);
    if (when === "before") {
      await drive(range(4), 1, () => floor.derive()); // warm the isolate
      record("floor.derive.sequential", await drive(range(N.deriveSequential), 1, () => floor.derive(), phase()));
      await drive(range(200), 16, () => floor.empty());
      record("floor.jwks", await drive(range(N.empty), 16, () => ours.jwks(), phase()));
    }
    record(`floor.derive.parallel.${when}`, await drive(range(N.deriveParallel), 8, () => floor.derive(), phase()));
    record(`floor.empty.${when}`, await drive(range(N.empty), 16, () => floor.empty(), phase()));
    if (peer) {
      if (when === "before") {
        await drive(range(2), 1, () => peer.hash());
        record("peer.floor.hash.sequential", await drive(range(N.peerHashSequential), 1, () => peer.hash(), phase()));
      }
      record(`peer.floor.hash.parallel.${when}`, await drive(range(N.peerHashParallel), 8, () => peer.hash(), phase()));
    }
    if (openauth) {
      if (when === "before") {
        await drive(range(2), 1, () => openauth.hash());
        record("openauth.floor.hash.sequential", await drive(range(N.openauthHashSequential), 1, () => openauth.hash(), phase()));
      }
      record(`openauth.floor.hash.parallel.${when}`, await drive(range(N.openauthHashParallel), 8, () => openauth.hash(), phase()));
    }
  }

  /**
   * OpenAuth's change flow at concurrency c: its first steps (open the page, action=code, read the
   * emailed code, action=verify) timed as their own case, then its last step (action=update, the
   * one that hashes) timed as the reset, as ours and the peer's are timed with their code or token
   * issued before. Two of the new passwords are checked afterwards, outside the timing.
   */
  async function openauthChange(c) {
    const emails = openauthEmails[c];
    const cookies = [];
    record(`openauth.prepare.c${c}`, await drive(emails, c, async (email, i) => (cookies[i] = await openauth.prepareChange(email)), phase()));
    const ready = cookies.slice(0, results.cases[`openauth.prepare.c${c}`].n);
    const run = await drive(ready, c, (cookie, i) => openauth.update(cookie, `a new bench password ${i}`), phase(4));
    record(`openauth.reset.c${c}`, run);
    for (const i of [0, run.n - 1]) {
      if (!(await openauth.verify(emails[i], `a new bench password ${i}`))) throw new Error(`OpenAuth change: ${emails[i]} does not have its new password`);
    }
  }

  /** Alternates known and unknown emails in one run, so that drift hits both alike; both medians kept. */
  async function knownUnknown(key, _side, n, knownEmail, call) {
    const items = range(n).map((i) => (i % 2 === 0 ? { email: knownEmail(i), known: true } : { email: `nobody-${key}-${i}@bench.invalid`, known: false }));
    const run = await drive(items, 16, (item) => call(item.email, item.known), phase());
    const of = (known) => run.latencies.filter((_, i) => items[i].known === known);
    const median = (xs) => summarize({ ...run, latencies: xs }).p50;
    record(key, run, { p50Known: median(of(true)), p50Unknown: median(of(false)) });
  }

  /**
   * Sequential samples, each with its code issued (and its sessions seeded) just before, outside
   * the timing: reset with 1 against 1,000 sessions (interleaved), reset and request-reset with the
   * D1 tables small ("small") against filled with filler rows ("large").
   */
  async function scaling(size, users, { withSessions }) {
    log(`scaling cases (${size} D1)`);
    await ours.refreshClientToken();
    const [oneSession, thousandSessions, directoryUser, requester] = users;
    const timings = { "sessions.1": [], "sessions.1000": [], [`users.${size}`]: [], [`codes.${size}`]: [] };
    const timedReset = async (user, sessionsToSeed, key, i) => {
      await ours.sessions(user.id, sessionsToSeed);
      const code = await ours.resetCode(user.id);
      const t = performance.now();
      await ours.reset(code, `scaling ${size} ${key} ${i}`);
      timings[key].push(performance.now() - t);
    };
    // At least 3 samples a case; more while the budget lasts.
    for (let i = 0; i < N.scalingSamples && (i < 3 || Date.now() < deadline - (size === "small" ? RESERVE_MS + 240_000 : 15_000)); i++) {
      if (withSessions) {
        await timedReset(oneSession, 1, "sessions.1", i);
        await timedReset(thousandSessions, 1000, "sessions.1000", i);
      }
      await timedReset(directoryUser, 1, `users.${size}`, i);
      const t = performance.now();
      await ours.requestReset(requester.email);
      timings[`codes.${size}`].push(performance.now() - t);
      await new Promise((r) => setTimeout(r, 20)); // lets the request's work after the response finish
    }
    for (const [key, latencies] of Object.entries(timings)) {
      if (latencies.length) record(`scaling.${key}`, { n: latencies.length, concurrency: 1, wallMs: latencies.reduce((a, b) => a + b, 0), perSecond: NaN, latencies });
    }
  }
}

function machine() {
  const cpus = os.cpus();
  return {
    cpu: cpus[0]?.model ?? "unknown",
    cores: cpus.length,
    memoryGiB: round(os.totalmem() / 2 ** 30),
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    loadAverageAtEnd: os.loadavg().map((x) => round(x, 2)),
    shared: "shared with other work: compare ratios from one run, not absolute figures across runs",
  };
}

function versions(peerInfo) {
  const pkg = (p) => JSON.parse(readFileSync(path.join(root, "node_modules", p, "package.json"), "utf8")).version;
  return {
    commit: gitDescribe(root),
    node: process.version,
    wrangler: pkg("wrangler"),
    workerd: pkg("workerd"),
    ...(peerInfo ? { peerNode: peerInfo.version, ...peerVersions(peerDir) } : {}),
    openauth: pkg("@openauthjs/openauth"),
  };
}

try {
  await main();
} catch (e) {
  console.error(`bench failed: ${e.stack ?? e}\nserver logs are in ${stateDir}`);
  process.exitCode = 1;
} finally {
  stopAll();
  if (process.exitCode !== 1) rmSync(stateDir, { recursive: true, force: true });
}
