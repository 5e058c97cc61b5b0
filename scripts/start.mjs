// `npm start`: migrate local D1, run `wrangler dev` offline, seed the demo, print how to call it.
// On any failure it says what went wrong (what the service answered, if it answered) and ends
// the `wrangler dev` it started: nothing is left on the port.
import { spawn } from "node:child_process";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { migrateAll } from "./d1-migrate.mjs";
import { devVarsFile, loadDevVars } from "./dev-vars.mjs";

const port = process.env.PORT || "8787";
const origin = `http://localhost:${port}`;
const RUNNING_AT = ".wrangler/npm-start-url";
const env = { ...process.env, CLOUDFLARE_CF_FETCH_ENABLED: "false", WRANGLER_SEND_METRICS: "false", CI: process.env.CI ?? "" };
const vars = loadDevVars();
// DEV_VARS_FILE: another file in place of .dev.vars (wrangler dev --env-file).
const envFile = process.env.DEV_VARS_FILE ? ["--env-file", devVarsFile()] : [];
// PERSIST_TO keeps local D1 and Durable Objects in another folder (the browser tests use a fresh one).
const persist = process.env.PERSIST_TO ? ["--persist-to", process.env.PERSIST_TO] : [];

/** BASE_PATH as the Worker will see it: the environment's, else .dev.vars', else wrangler.toml's [vars]. */
function basePath() {
  if (process.env.BASE_PATH !== undefined) return process.env.BASE_PATH;
  if (vars.BASE_PATH !== undefined) return vars.BASE_PATH;
  return /^BASE_PATH\s*=\s*"([^"]*)"/m.exec(readFileSync("wrangler.toml", "utf8"))?.[1] ?? "";
}
const prefix = basePath().replace(/\/+$/, "");
const base = `${origin}${prefix}`;

let dev;
function stopDev() {
  if (!dev?.pid) return undefined;
  const group = dev.pid;
  dev = undefined;
  try {
    process.kill(-group, "SIGKILL");
  } catch {}
  return group;
}

/** Ends wrangler dev's process group and waits (up to 10 s) until it is gone and the port is free. */
async function stopDevAndWait() {
  const group = stopDev();
  for (let i = 0; group && i < 100; i++) {
    try {
      process.kill(-group, 0);
    } catch {
      return;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}
// wrangler dev ignores SIGTERM and runs in its own process group: we end the whole group, whatever
// ends this process (a signal, a failure, an uncaught error).
process.on("exit", stopDev);
for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"]) process.on(signal, () => stopDevAndWait().then(() => process.exit(0)));

let failing = false;
async function fail(message) {
  if (failing) return new Promise(() => {});
  failing = true;
  console.error(`\nnpm start failed: ${message}`);
  await stopDevAndWait();
  process.exit(1);
}
process.on("uncaughtException", (e) => fail(e instanceof Error ? e.message : String(e)));
process.on("unhandledRejection", (e) => fail(e instanceof Error ? e.message : String(e)));

/** Applies the migrations to the directory database and every shard, quietly (scripts/d1-migrate.mjs). */
function migrate() {
  let applied;
  try {
    applied = migrateAll({ args: ["--local", ...envFile, ...persist], env });
  } catch (e) {
    if (e.output) process.stderr.write(e.output);
    return fail(e.message);
  }
  const total = Object.values(applied).reduce((a, b) => a + b, 0);
  const databases = Object.keys(applied).join(", ");
  console.log(total ? `D1 (local): applied ${total} migration(s) across ${databases}.` : `D1 (local): migrations up to date (${databases}).`);
}

/** What an answer says, for a person: `503 misconfigured: PASSWORD_PEPPER …`. */
async function describe(res) {
  const text = await res.text();
  try {
    const body = JSON.parse(text);
    if (body && typeof body.code === "string") return `${res.status} ${body.code}: ${body.message ?? ""}`.trim();
  } catch {}
  return `${res.status} ${text.slice(0, 300)}`.trim();
}

const STARTUP_LIMIT_MS = 180_000;

/** Waits until the Worker answers; any answer but a 200 is a failure, reported as answered. */
async function waitForService() {
  const url = `${base}/.well-known/jwks.json`;
  const deadline = Date.now() + STARTUP_LIMIT_MS;
  while (Date.now() < deadline) {
    let res;
    try {
      res = await fetch(url);
    } catch {
      await new Promise((r) => setTimeout(r, 200));
      continue;
    }
    if (res.ok) return;
    return fail(`GET ${url} answered ${await describe(res)}`);
  }
  return fail(`wrangler dev did not answer on ${origin} within ${STARTUP_LIMIT_MS / 1000} s`);
}

async function call(method, path, init = {}) {
  const res = await fetch(`${base}${path}`, { method, ...init });
  if (!res.ok) return fail(`${method} ${base}${path} answered ${await describe(res)}`);
  return res.json();
}

await migrate();
// Emailed links point at PUBLIC_BASE_URL; without one in .dev.vars, that is where this server listens.
const publicBaseUrl = vars.PUBLIC_BASE_URL ? [] : ["--var", `PUBLIC_BASE_URL:${origin}`];
const basePathVar = process.env.BASE_PATH !== undefined ? ["--var", `BASE_PATH:${process.env.BASE_PATH}`] : [];
dev = spawn("wrangler", ["dev", "--port", port, "--show-interactive-dev-session=false", ...publicBaseUrl, ...basePathVar, ...envFile, ...persist], {
  stdio: "inherit",
  env,
  detached: true,
});
const started = dev;
// Unless we ended it (stopDev clears `dev` first), wrangler dev exiting is a failure.
started.on("exit", (code, signal) => {
  if (dev !== started) return;
  fail(`wrangler dev exited (${code ?? signal})`);
});

await waitForService();
// `npm run demo` reads where this run listens, whatever PORT and BASE_PATH it was given.
mkdirSync(".wrangler", { recursive: true });
writeFileSync(RUNNING_AT, `${base}\n`);
process.on("exit", () => rmSync(RUNNING_AT, { force: true }));
const demo = await call("POST", "/dev/seed", { headers: { Authorization: `Bearer ${vars.ADMIN_TOKEN}` } });

const basic = Buffer.from(`${vars.DEV_CLIENT_ID}:${vars.DEV_CLIENT_SECRET}`).toString("base64");
const token = await call("POST", "/api/v1/oauth2/token", {
  headers: { Authorization: `Basic ${basic}`, "Content-Type": "application/x-www-form-urlencoded" },
  body: "grant_type=client_credentials",
});
const auth = { Authorization: `Bearer ${token.access_token}` };
const alice = (await call("GET", `/api/v1/tenants/${demo.tenantId}/users?email=${encodeURIComponent(demo.aliceEmail)}`, { headers: auth })).items[0];

/** Whether alice has set a password, from her audit trail (kept 90 days). */
async function alicePasswordSetAt() {
  const times = [];
  for (const type of ["password_reset.succeeded", "password.changed"]) {
    const { items } = await call("GET", `/api/v1/users/${alice.id}/audit-events?type=${type}&limit=1`, { headers: auth });
    if (items[0]) times.push(items[0].occurredAt);
  }
  return times.sort().at(-1);
}
const passwordSetAt = await alicePasswordSetAt();
const { passwordResetLink } = await call("POST", "/api/v1/password-reset/create-password-reset-link", {
  headers: { ...auth, "Content-Type": "application/json" },
  body: JSON.stringify({ userId: alice.id }),
});
console.log(`
Edge password reset is running on ${base}

  application demo   ${demo.applicationId}
  tenant demo        ${demo.tenantId}
  user               ${demo.aliceEmail} (${passwordSetAt ? `password set ${passwordSetAt}` : "no password yet: reset one to set it"})
  DEV_CLIENT_ID      ${vars.DEV_CLIENT_ID}
  DEV_CLIENT_SECRET  ${vars.DEV_CLIENT_SECRET}
  ADMIN_TOKEN        in ${process.env.DEV_VARS_FILE ? devVarsFile() : ".dev.vars"}

  OpenAPI            ${base}/api/v1/openapi.json
  API reference      ${base}/docs
  Mailbox            ${base}/dev/mailbox
  Walk-through       npm run demo   (in another terminal)
  Forgot password    ${base}/forgot-password?tenantId=${demo.tenantId}

Reset alice's password in a browser: ${passwordResetLink}
`);
