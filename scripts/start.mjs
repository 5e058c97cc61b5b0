// `npm start`: migrate local D1, run `wrangler dev` offline, seed the demo, print how to call it.
import { spawn, spawnSync } from "node:child_process";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { loadDevVars } from "./dev-vars.mjs";

const port = process.env.PORT || "8787";
const base = `http://localhost:${port}`;
const RUNNING_AT = ".wrangler/npm-start-url";
const env = { ...process.env, CLOUDFLARE_CF_FETCH_ENABLED: "false", WRANGLER_SEND_METRICS: "false", CI: process.env.CI ?? "" };
const vars = loadDevVars();
// PERSIST_TO keeps local D1 and Durable Objects in another folder (the browser tests use a fresh one).
const persist = process.env.PERSIST_TO ? ["--persist-to", process.env.PERSIST_TO] : [];

const migrate = spawnSync("wrangler", ["d1", "migrations", "apply", "DB", "--local", ...persist], { stdio: "inherit", env: { ...env, CI: "true" } });
if (migrate.status !== 0) process.exit(migrate.status ?? 1);

// Emailed links point at PUBLIC_BASE_URL; without one in .dev.vars, that is where this server listens.
const publicBaseUrl = vars.PUBLIC_BASE_URL ? [] : ["--var", `PUBLIC_BASE_URL:${base}`];
// Its own process group: wrangler dev ignores SIGTERM, so we end the whole group ourselves.
const dev = spawn("wrangler", ["dev", "--port", port, "--show-interactive-dev-session=false", ...publicBaseUrl, ...persist], { stdio: "inherit", env, detached: true });
const stop = () => {
  try {
    process.kill(-dev.pid, "SIGKILL");
  } catch {}
  process.exit(0);
};
for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"]) process.on(signal, stop);
dev.on("exit", (code) => process.exit(code ?? 1));

async function waitForServer() {
  for (let i = 0; i < 600; i++) {
    try {
      const res = await fetch(`${base}/.well-known/jwks.json`);
      if (res.ok) return;
    } catch {}
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`wrangler dev did not answer on ${base}`);
}

await waitForServer();
// `npm run demo` reads where this run listens, whatever PORT it was given.
mkdirSync(".wrangler", { recursive: true });
writeFileSync(RUNNING_AT, `${base}\n`);
process.on("exit", () => rmSync(RUNNING_AT, { force: true }));
const seed = await fetch(`${base}/dev/seed`, { method: "POST", headers: { Authorization: `Bearer ${vars.ADMIN_TOKEN}` } });
if (!seed.ok) {
  console.error(`Seeding failed: ${seed.status} ${await seed.text()}`);
  stop();
}
const demo = await seed.json();

/** An admin reset link for alice, made through the API as a host application would. */
async function demoResetLink() {
  const basic = Buffer.from(`${vars.DEV_CLIENT_ID}:${vars.DEV_CLIENT_SECRET}`).toString("base64");
  const token = await fetch(`${base}/api/v1/oauth2/token`, {
    method: "POST",
    headers: { Authorization: `Basic ${basic}`, "Content-Type": "application/x-www-form-urlencoded" },
    body: "grant_type=client_credentials",
  }).then((r) => r.json());
  const auth = { Authorization: `Bearer ${token.access_token}` };
  const alice = await fetch(`${base}/api/v1/tenants/${demo.tenantId}/users?email=${encodeURIComponent(demo.aliceEmail)}`, { headers: auth }).then((r) => r.json());
  const res = await fetch(`${base}/api/v1/password-reset/create-password-reset-link`, {
    method: "POST",
    headers: { ...auth, "Content-Type": "application/json" },
    body: JSON.stringify({ userId: alice.items[0].id }),
  });
  if (!res.ok) throw new Error(`create-password-reset-link answered ${res.status}`);
  return (await res.json()).passwordResetLink;
}
const resetLink = await demoResetLink();
console.log(`
Edge password reset is running on ${base}

  application demo   ${demo.applicationId}
  tenant demo        ${demo.tenantId}
  user               ${demo.aliceEmail} (no password yet: reset one to set it)
  DEV_CLIENT_ID      ${vars.DEV_CLIENT_ID}
  DEV_CLIENT_SECRET  ${vars.DEV_CLIENT_SECRET}
  ADMIN_TOKEN        in .dev.vars

  OpenAPI            ${base}/api/v1/openapi.json
  Mailbox            ${base}/dev/mailbox
  Walk-through       npm run demo   (in another terminal)
  Forgot password    ${base}/forgot-password?tenantId=${demo.tenantId}

Reset alice's password in a browser: ${resetLink}
`);
