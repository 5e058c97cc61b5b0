// Installs the peer on demand into bench/peer/node_modules with the machine's own Node and npm:
// better-sqlite3 is a native module and must be built for the Node that will load it, not for
// the Node 22 that `npm run` puts first on PATH. A stamp skips the install when nothing changed.
import { execFileSync, spawn, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, openSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";

/** The machine's Node: the first `node` on PATH that is not inside a node_modules folder. */
export function systemNode() {
  const found = spawnSync("which", ["-a", "node"], { encoding: "utf8" }).stdout.split("\n").filter(Boolean);
  for (const candidate of [...found, "/usr/bin/node", "/usr/local/bin/node"]) {
    if (candidate.includes("node_modules") || !existsSync(candidate)) continue;
    const version = spawnSync(candidate, ["--version"], { encoding: "utf8" }).stdout.trim();
    if (/^v\d+/.test(version)) return { node: candidate, version };
  }
  return null;
}

/** Resolves once the peer loads; runs `npm ci` with the system's npm first unless the stamp matches. */
export async function installPeer(peerDir, logFile) {
  const system = systemNode();
  if (!system) throw new Error("no system Node.js found outside node_modules");
  const binDir = path.dirname(system.node);
  const npm = path.join(binDir, "npm");
  if (!existsSync(npm)) throw new Error(`no npm next to ${system.node}`);
  const lock = readFileSync(path.join(peerDir, "package-lock.json"));
  const stamp = createHash("sha256").update(lock).update(system.version).digest("hex");
  const stampFile = path.join(peerDir, "node_modules", ".bench-install-stamp");
  const env = { ...process.env, PATH: `${binDir}:${process.env.PATH.split(":").filter((p) => !p.includes("node_modules")).join(":")}` };
  const loads = () =>
    spawnSync(system.node, ["-e", "import('better-sqlite3').then((m) => new m.default(':memory:').close())"], { cwd: peerDir, env }).status === 0;
  if (existsSync(stampFile) && readFileSync(stampFile, "utf8") === stamp && loads()) return { ...system, installed: "cached" };
  const started = Date.now();
  const status = await new Promise((resolve) => {
    const child = spawn(npm, ["ci", "--no-audit", "--no-fund"], { cwd: peerDir, env, stdio: ["ignore", openSync(logFile, "w"), openSync(logFile, "a")] });
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
  return { "better-auth": version("better-auth"), "better-sqlite3": version("better-sqlite3") };
}

export function gitDescribe(cwd) {
  try {
    return execFileSync("git", ["rev-parse", "--short", "HEAD"], { cwd, encoding: "utf8" }).trim();
  } catch {
    return null;
  }
}
