// The browser tests' world: `npm start` (scripts/start.mjs) on a free port with its own state
// directory, and Debian's Chromium driven by playwright-core. Both are started here and ended
// here; wrangler dev runs in its own process group, which start.mjs kills on SIGTERM.
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createRequire } from "node:module";
import { chromium } from "playwright-core";
import { loadDevVars } from "../../scripts/dev-vars.mjs";

const require = createRequire(import.meta.url);

/** Launch flags that work for Debian's chromium as root in a container (see shared platform facts). */
const CHROMIUM_FLAGS = ["--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"];

export function chromiumPath() {
  if (process.env.CHROMIUM_PATH) return process.env.CHROMIUM_PATH;
  const found = spawnSync("sh", ["-c", "command -v chromium"], { encoding: "utf8" });
  const path = found.stdout.trim();
  if (found.status === 0 && path) return path;
  throw new Error(
    "The browser tests need Chromium and found none. Install it with `sudo apt-get install chromium` (Debian/Ubuntu), " +
      "or point CHROMIUM_PATH at a Chromium or Chrome binary. `.ci/run` installs it by itself.",
  );
}

export async function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/**
 * Starts `npm start` exactly as a user would, and returns what it printed and how to stop it.
 * `env` adds to the environment (BASE_PATH, DEV_VARS_FILE); `state` reuses a state folder, which
 * stop() then leaves in place. It rejects, with what npm start printed, if npm start exits first.
 */
export async function startService({ env = {}, state: givenState } = {}) {
  const port = await freePort();
  const state = givenState ?? mkdtempSync(join(tmpdir(), "epr-browser-"));
  const child = spawn(process.execPath, ["scripts/start.mjs"], {
    cwd: new URL("../..", import.meta.url).pathname,
    env: { ...process.env, PORT: String(port), PERSIST_TO: state, ...env },
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  let output = "";
  child.stdout.on("data", (d) => (output += d));
  child.stderr.on("data", (d) => (output += d));
  const exited = new Promise((resolve) => child.once("exit", resolve));
  const printed = await new Promise((resolve, reject) => {
    const timer = setInterval(() => {
      const m = /Reset alice's password in a browser:\s+(\S+)/.exec(output);
      if (m) {
        clearInterval(timer);
        resolve(m[1]);
      }
    }, 100);
    exited.then((code) => {
      clearInterval(timer);
      const error = new Error(`npm start exited (${code}) before it printed a reset link:\n${output.slice(-3000)}`);
      error.output = output;
      error.exitCode = code;
      error.port = port;
      reject(error);
    });
  });
  const stop = async () => {
    try {
      process.kill(-child.pid, "SIGTERM");
    } catch {}
    await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
    try {
      process.kill(-child.pid, "SIGKILL");
    } catch {}
    if (!givenState) rmSync(state, { recursive: true, force: true });
  };
  const url = /Edge password reset is running on (\S+)/.exec(output)[1];
  return { base: `http://localhost:${port}`, url, port, demoResetLink: printed, state, stop, output: () => output };
}

export async function launchBrowser() {
  return chromium.launch({ executablePath: chromiumPath(), headless: true, chromiumSandbox: false, args: CHROMIUM_FLAGS });
}

const AXE_SOURCE = readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");

/** axe-core run inside the page (evaluated over DevTools, so the page's CSP still holds for its own content). */
export async function seriousAccessibilityViolations(page) {
  await page.evaluate(AXE_SOURCE);
  const result = await page.evaluate(() => globalThis.axe.run(document, { resultTypes: ["violations"] }));
  return result.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
}

/** The API, as the seeded demo client. */
export class Api {
  constructor(base) {
    this.base = base;
    this.vars = loadDevVars();
  }

  async token() {
    const basic = Buffer.from(`${this.vars.DEV_CLIENT_ID}:${this.vars.DEV_CLIENT_SECRET}`).toString("base64");
    const res = await fetch(`${this.base}/api/v1/oauth2/token`, {
      method: "POST",
      headers: { Authorization: `Basic ${basic}`, "Content-Type": "application/x-www-form-urlencoded" },
      body: "grant_type=client_credentials",
    });
    if (!res.ok) throw new Error(`token: ${res.status} ${await res.text()}`);
    return (await res.json()).access_token;
  }

  async call(method, path, body) {
    this.accessToken ??= await this.token();
    const res = await fetch(`${this.base}/api/v1${path}`, {
      method,
      headers: { Authorization: `Bearer ${this.accessToken}`, ...(body ? { "Content-Type": "application/json" } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    const text = await res.text();
    if (res.status >= 400) throw new Error(`${method} ${path}: ${res.status} ${text}`);
    return text ? JSON.parse(text) : null;
  }

  /** A tenant of its own per test, in the demo application. */
  async tenant(name, policy = {}, branding = {}) {
    const tenant = await this.call("POST", "/tenants", { applicationId: "demoapplication00000000000", name: `${name}-${Date.now()}-${Math.random().toString(36).slice(2, 8)}` });
    if (Object.keys(policy).length) await this.call("PATCH", `/tenants/${tenant.id}/password-reset-policy`, policy);
    if (Object.keys(branding).length) await this.call("PATCH", `/tenants/${tenant.id}/branding`, branding);
    return tenant;
  }

  async user(tenantId, email, password) {
    return this.call("POST", "/users", { tenantId, email, ...(password ? { password } : {}) });
  }

  async loginResult(tenantId, email, password) {
    return (await this.call("POST", "/login", { tenantId, email, password })).result;
  }

  /** Waits for the newest mail of `template` to `to` (the development mailbox, newest first). */
  async mail(to, template, count = 1) {
    for (let i = 0; i < 200; i++) {
      const res = await fetch(`${this.base}/dev/mailbox?to=${encodeURIComponent(to)}`);
      const { items } = await res.json();
      const mails = items.filter((m) => m.template === template);
      if (mails.length >= count) return mails[0];
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`no ${template} mail #${count} for ${to}`);
  }
}

export const linkIn = (mail) => /https?:\/\/\S+/.exec(mail.text)[0];
export const otpIn = (mail) => /(?:^|\s)(\d{6,10})(?:\s|$)/m.exec(mail.text)[1];
