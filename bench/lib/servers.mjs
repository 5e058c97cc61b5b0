// Starting and stopping what the bench measures. Each server runs in its own process group, and
// stopping it kills the whole group: `wrangler dev` does not exit on SIGTERM.
import { spawn, spawnSync } from "node:child_process";
import { openSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import net from "node:net";
import { request } from "./http.mjs";

/** Environment of `npm start`: offline, no Request.cf lookup, no metrics. */
export const WRANGLER_ENV = { ...process.env, CLOUDFLARE_CF_FETCH_ENABLED: "false", WRANGLER_SEND_METRICS: "false", CI: process.env.CI ?? "" };

/**
 * A port below the ephemeral range that nothing listens on now. Ports the OS hands out for
 * `listen(0)` can be handed again to another server starting at the same moment (a wrangler dev's
 * internal sockets), so the bench draws its own.
 */
export async function freePort() {
  for (let attempt = 0; attempt < 50; attempt++) {
    const port = 20_000 + Math.floor(Math.random() * 10_000);
    const free = await new Promise((resolve) => {
      const server = net.createServer();
      server.once("error", () => resolve(false));
      server.listen(port, "127.0.0.1", () => server.close(() => resolve(true)));
    });
    if (free) return port;
  }
  throw new Error("no free port found between 20000 and 30000");
}

const running = new Set();

function startGroup(command, args, { cwd, env, logFile }) {
  const log = openSync(logFile, "a");
  const child = spawn(command, args, { cwd, env, detached: true, stdio: ["ignore", log, log] });
  const handle = {
    child,
    exited: false,
    stop() {
      if (handle.exited) return;
      try {
        process.kill(-child.pid, "SIGKILL");
      } catch {}
      handle.exited = true;
      running.delete(handle);
    },
  };
  child.on("exit", () => {
    handle.exited = true;
    running.delete(handle);
  });
  running.add(handle);
  return handle;
}

export function stopAll() {
  for (const h of [...running]) h.stop();
}
for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"]) {
  process.on(signal, () => {
    stopAll();
    process.exit(130);
  });
}
process.on("exit", stopAll);

async function waitFor(url, handle, what, logFile, timeoutMs = 120_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (handle.exited) throw new Error(`${what} exited before answering; see ${logFile}`);
    try {
      const res = await request(url);
      if (res.status < 500) return;
      // The service checks its secrets on every request: a stale .dev.vars will not heal by waiting.
      if (res.status === 503 && res.text.includes("misconfigured")) throw new Error(`${what} is misconfigured (compare .dev.vars with .dev.vars.example): ${res.text.slice(0, 300)}`);
    } catch (e) {
      if (String(e.message).includes("misconfigured")) throw e;
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${what} did not answer on ${url} within ${timeoutMs / 1000} s; see ${logFile}`);
}

/** `wrangler d1 migrations apply DB --local`, as `npm start` does, into the bench's own state folder. */
export function migrate({ cwd, persistTo, logFile }) {
  const out = spawnSync("wrangler", ["d1", "migrations", "apply", "DB", "--local", "--persist-to", persistTo], {
    cwd,
    env: { ...WRANGLER_ENV, CI: "true" },
    encoding: "utf8",
  });
  if (out.status !== 0) throw new Error(`migrations failed:\n${out.stdout}\n${out.stderr}`);
}

/**
 * wrangler.toml with every per-caller budget ([[ratelimits]]) raised out of reach: the bench sends
 * thousands of calls a minute through one client, which is what those budgets stop. The limiter is
 * still called on every request, so its cost stays in the figures. Written beside wrangler.toml
 * (its relative paths hold) and removed by `stopAll`.
 */
export function unlimitedConfig(root) {
  const file = path.join(root, "wrangler.bench.toml");
  const text = readFileSync(path.join(root, "wrangler.toml"), "utf8").replace(/simple = \{ limit = \d+,/g, "simple = { limit = 1000000000,");
  writeFileSync(file, text);
  running.add({ stop: () => rmSync(file, { force: true }) });
  return file;
}

/** `wrangler dev` with `npm start`'s flags on a port of its own; answers once `probePath` does. */
export async function startWrangler({ cwd, config, port, persistTo, logFile, probePath, name, vars = {}, extraArgs = [] }) {
  const args = ["dev", "--port", String(port), "--ip", "127.0.0.1", "--show-interactive-dev-session=false", ...extraArgs];
  for (const [key, value] of Object.entries(vars)) args.push("--var", `${key}:${value}`);
  if (config) args.push("--config", config);
  if (persistTo) args.push("--persist-to", persistTo);
  const handle = startGroup("wrangler", args, { cwd, env: WRANGLER_ENV, logFile });
  const base = `http://127.0.0.1:${port}`;
  await waitFor(`${base}${probePath}`, handle, name, logFile);
  // pid: also the process group's id (bench/profile.mjs reads the group's CPU time).
  return { base, stop: handle.stop, pid: handle.child.pid };
}

/**
 * The service as `npm start` runs it, on a port and a state folder of its own, its D1 migrated:
 * without PUBLIC_BASE_URL in .dev.vars, emailed links point where it listens. `unlimited`: the
 * per-caller rate limits raised out of reach (see unlimitedConfig).
 */
export async function startService({ root, stateDir, vars, unlimited = false }) {
  const port = await freePort();
  const persistTo = path.join(stateDir, "state");
  migrate({ cwd: root, persistTo });
  return startWrangler({
    cwd: root,
    ...(unlimited ? { config: unlimitedConfig(root) } : {}),
    port,
    persistTo,
    logFile: path.join(stateDir, "service.log"),
    probePath: "/.well-known/jwks.json",
    name: "the service",
    vars: vars.PUBLIC_BASE_URL ? {} : { PUBLIC_BASE_URL: `http://127.0.0.1:${port}` },
  });
}

/** The peer's server, on the Node that runs the bench (node:sqlite needs 22). */
export async function startPeer({ node, cwd, port, dbFile, logFile }) {
  const handle = startGroup(node, ["--disable-warning=ExperimentalWarning", "server.mjs", String(port), dbFile], { cwd, env: { ...process.env, NODE_ENV: "production" }, logFile });
  const base = `http://127.0.0.1:${port}`;
  await waitFor(`${base}/bench/token?email=nobody`, handle, "the peer", logFile, 60_000);
  return { base, stop: handle.stop };
}
