// Installs the peer on demand into bench/peer/node_modules: plain JavaScript (Better Auth; SQLite is
// Node's built-in node:sqlite), so `npm ci` only downloads. It runs with the Node that runs the bench
// (the Node 22 `npm run` puts first on PATH), which node:sqlite needs. A stamp skips the install
// when nothing changed.
import { execFileSync, spawn, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, openSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";

/** Resolves once the peer loads; runs `npm ci` first unless the stamp matches. */
export async function installPeer(peerDir, logFile) {
  const system = { node: process.execPath, version: process.version };
  const lock = readFileSync(path.join(peerDir, "package-lock.json"));
  const stamp = createHash("sha256").update(lock).update(system.version).digest("hex");
  const stampFile = path.join(peerDir, "node_modules", ".bench-install-stamp");
  const loads = () =>
    spawnSync(system.node, ["--disable-warning=ExperimentalWarning", "--input-type=module", "-e", "await import('better-auth'); new (await import('node:sqlite')).DatabaseSync(':memory:').close()"], { cwd: peerDir }).status === 0;
  if (existsSync(stampFile) && readFileSync(stampFile, "utf8") === stamp && loads()) return { ...system, installed: "cached" };
  const started = Date.now();
  const status = await new Promise((resolve) => {
    const child = spawn("npm", ["ci", "--no-audit", "--no-fund"], { cwd: peerDir, stdio: ["ignore", openSync(logFile, "w"), openSync(logFile, "a")] });
    child.on("exit", (code) => resolve(code));
    child.on("error", () => resolve(-1));
  });
  if (status !== 0 || !loads()) throw new Error(`peer install failed; see ${logFile}`);
  writeFileSync(stampFile, stamp);
  return { ...system, installed: `fresh, ${Math.round((Date.now() - started) / 1000)} s` };
}

/** Versions the peer actually loaded, from its installed package files. */
export function peerVersions(peerDir) {
  const version = (pkg) => JSON.parse(readFileSync(path.join(peerDir, "node_modules", pkg, "package.json"), "utf8")).version;
  return { "better-auth": version("better-auth"), sqlite: `node:sqlite ${process.versions.sqlite}` };
}

export function gitDescribe(cwd) {
  try {
    return execFileSync("git", ["rev-parse", "--short", "HEAD"], { cwd, encoding: "utf8" }).trim();
  } catch {
    return null;
  }
}
