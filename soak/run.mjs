// `npm run soak`: at least two minutes of mixed traffic against the service under local workerd,
// started the way `npm start` starts it (its own port and state folder). Requests for known and
// unknown emails, resets by emailed link, by OTP and by admin link, logins right and wrong,
// refreshes, introspection, hostile bodies, and deliberate limit hits, from several callers at once.
// It reports the requests sent, the status mix, and the emails queued and delivered, and exits
// non-zero on any 5xx, any failed flow, or any email that was promised and never arrived.
// SOAK_SECONDS (default 120) sets the length; SOAK_CONCURRENCY (default 6) the parallel callers.
import { randomInt, randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { loadDevVars } from "../scripts/dev-vars.mjs";
import { closeConnections, expectStatus, postForm, postJson, request } from "../bench/lib/http.mjs";
import { startService, stopAll } from "../bench/lib/servers.mjs";
import { HOSTILE_BODIES } from "./hostile.mjs";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const SECONDS = Number(process.env.SOAK_SECONDS ?? 120);
const CONCURRENCY = Number(process.env.SOAK_CONCURRENCY ?? 6);
const PERMISSIONS = ["password-reset-workflow:execute", "login:execute", "user:write", "user:read", "tenant:read", "tenant:write", "email-delivery:read"];
const PASSWORD = "soak password 0";

const started = Date.now();
const log = (msg) => console.error(`[soak ${((Date.now() - started) / 1000).toFixed(0).padStart(3)} s] ${msg}`);

/** Every answer, by route and status; 5xx and broken flows are the failures. */
const tally = new Map();
const failures = [];
let sent = 0;
function count(route, status) {
  sent++;
  const key = `${route} ${status}`;
  tally.set(key, (tally.get(key) ?? 0) + 1);
  if (status >= 500) failures.push(`${route} answered ${status}`);
}
async function call(route, promise) {
  const res = await promise;
  count(route, res.status);
  return res;
}

/** Mail promised to an address (by template), checked against the development mailbox at the end. */
const promised = new Map();
const promise = (to, template) => {
  const list = promised.get(to) ?? [];
  list.push(template);
  promised.set(to, list);
};

class Service {
  constructor(base, adminToken) {
    this.base = base;
    this.admin = { authorization: `Bearer ${adminToken}` };
  }

  async provision() {
    const app = expectStatus(await postJson(`${this.base}/api/v1/applications`, { name: "soak" }, this.admin), 201, "application").json();
    const link = expectStatus(await postJson(`${this.base}/api/v1/tenants`, { applicationId: app.id, name: "soak-link" }, this.admin), 201, "tenant").json();
    const otp = expectStatus(await postJson(`${this.base}/api/v1/tenants`, { applicationId: app.id, name: "soak-otp" }, this.admin), 201, "tenant").json();
    const client = expectStatus(await postJson(`${this.base}/api/v1/applications/${app.id}/clients`, { name: "soak-backend", permissions: PERMISSIONS }, this.admin), 201, "client").json();
    this.applicationId = app.id;
    this.tenants = { LINK: link.id, OTP: otp.id };
    this.basic = { authorization: `Basic ${Buffer.from(`${client.id}:${client.clientSecret}`).toString("base64")}` };
    await this.refreshClientToken();
    const patch = await request(`${this.base}/api/v1/tenants/${otp.id}/password-reset-policy`, {
      method: "PATCH",
      headers: { "content-type": "application/json", ...this.bearer },
      body: JSON.stringify({ emailVerificationStrategy: "OTP" }),
    });
    expectStatus(patch, 200, "OTP policy");
  }

  async refreshClientToken() {
    const res = expectStatus(await postForm(`${this.base}/api/v1/oauth2/token`, { grant_type: "client_credentials" }, this.basic), 200, "token");
    this.bearer = { authorization: `Bearer ${res.json().access_token}` };
    this.tokenAt = Date.now();
  }

  async user(strategy) {
    const email = `soak-${randomUUID()}@soak.invalid`;
    const res = await call("create-user", postJson(`${this.base}/api/v1/users`, { tenantId: this.tenants[strategy], email, password: PASSWORD }, this.bearer));
    if (res.status !== 201) throw new Flow(`create user: ${res.status}`);
    return { id: res.json().id, email, tenantId: this.tenants[strategy], password: PASSWORD };
  }

  post(route, pathname, body) {
    return call(route, postJson(`${this.base}${pathname}`, body, this.bearer));
  }

  /** The newest mail of `template` to `to`, once the consumer has sent it. */
  async mail(to, template, timeoutMs = 30_000) {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const items = (await request(`${this.base}/dev/mailbox?to=${encodeURIComponent(to)}`)).json().items;
      const found = items.find((m) => m.template === template);
      if (found) return found;
      if (Date.now() > deadline) throw new Flow(`no ${template} mail for ${to} within ${timeoutMs / 1000} s`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  async mailbox(to) {
    return (await request(`${this.base}/dev/mailbox?to=${encodeURIComponent(to)}`)).json().items;
  }
}

/** A flow that went wrong: counted as a failure of the soak, never silently dropped. */
class Flow extends Error {}
/** A limit answered 429: the flow stops there, and nothing more is promised. */
class Limited extends Error {}
const unlessLimited = (res) => {
  if (res.status === 429) throw new Limited();
  return res;
};

const newPassword = () => `soak ${randomUUID().slice(0, 18)}`;
const codeIn = (text, name) => new RegExp(`[?&]${name}=([A-Za-z0-9_-]+)`).exec(text)?.[1];

async function resetExpecting(s, body, user) {
  const res = unlessLimited(await s.post("reset-password", "/api/v1/password-reset/reset-password", body));
  if (res.json().result !== "PASSWORD_UPDATED") throw new Flow(`reset-password: ${res.status} ${res.text.slice(0, 200)}`);
  user.password = body.newPassword;
  promise(user.email, "PASSWORD_UPDATED");
}

const scenarios = {
  async linkReset(s) {
    const user = await s.user("LINK");
    const req = unlessLimited(await s.post("request-password-reset", "/api/v1/password-reset/request-password-reset", { tenantId: user.tenantId, email: user.email }));
    if (req.status !== 200) throw new Flow(`request-password-reset: ${req.status}`);
    promise(user.email, "PASSWORD_RESET_LINK");
    const emailAuthCode = codeIn((await s.mail(user.email, "PASSWORD_RESET_LINK")).text, "emailAuthCode");
    await resetExpecting(s, { emailAuthCode, newPassword: newPassword() }, user);
  },
  async otpReset(s) {
    const user = await s.user("OTP");
    const req = unlessLimited(await s.post("request-password-reset", "/api/v1/password-reset/request-password-reset", { tenantId: user.tenantId, email: user.email }));
    promise(user.email, "PASSWORD_RESET_OTP");
    const mail = await s.mail(user.email, "PASSWORD_RESET_OTP");
    const verificationCode = /verification code is: (\d+)/.exec(mail.text)?.[1];
    await resetExpecting(s, { requestCode: req.json().requestCode, verificationCode, newPassword: newPassword() }, user);
  },
  async adminReset(s) {
    const user = await s.user("LINK");
    const link = unlessLimited(await s.post("create-password-reset-link", "/api/v1/password-reset/create-password-reset-link", { userId: user.id }));
    if (link.status !== 200) throw new Flow(`create-password-reset-link: ${link.status}`);
    const passwordResetCode = codeIn(link.json().passwordResetLink, "passwordResetCode");
    await resetExpecting(s, { passwordResetCode, newPassword: newPassword() }, user);
  },
  async loginRefreshIntrospect(s) {
    const user = await s.user("LINK");
    const res = unlessLimited(await s.post("login", "/api/v1/login", { tenantId: user.tenantId, email: user.email, password: user.password }));
    const body = res.json();
    if (body.result !== "SUCCESS") throw new Flow(`login: ${res.status} ${res.text.slice(0, 200)}`);
    let refreshToken = body.refreshToken;
    for (let i = 0; i < 3; i++) {
      const r = unlessLimited(await call("token refresh_token", postForm(`${s.base}/api/v1/oauth2/token`, { grant_type: "refresh_token", refresh_token: refreshToken }, s.basic)));
      if (r.status !== 200) throw new Flow(`refresh: ${r.status} ${r.text.slice(0, 200)}`);
      refreshToken = r.json().refresh_token;
      const i2 = await call("introspect", postForm(`${s.base}/api/v1/oauth2/introspect`, { token: r.json().access_token }, s.basic));
      if (i2.status !== 200 || !i2.json().active) throw new Flow(`introspect: ${i2.status} ${i2.text.slice(0, 200)}`);
    }
  },
  async wrongLogins(s) {
    const user = await s.user("LINK");
    for (let i = 0; i < 8; i++) {
      const res = await s.post("login (wrong password)", "/api/v1/login", { tenantId: user.tenantId, email: user.email, password: `wrong ${i}` });
      if (res.status === 200 && res.json().result === "SUCCESS") throw new Flow("a wrong password logged in");
    }
  },
  async unknownEmail(s) {
    const res = await s.post("request-password-reset (unknown)", "/api/v1/password-reset/request-password-reset", { tenantId: s.tenants.LINK, email: `nobody-${randomUUID()}@soak.invalid` });
    if (res.status !== 200 && res.status !== 429) throw new Flow(`request-password-reset (unknown): ${res.status}`);
  },
  /** One address asked for ten emails at once: the per-address limit holds some, every answer is the same. */
  async repeatedRequests(s) {
    const user = await s.user("LINK");
    const answers = await Promise.all(
      Array.from({ length: 10 }, () => s.post("request-password-reset (repeated)", "/api/v1/password-reset/request-password-reset", { tenantId: user.tenantId, email: user.email })),
    );
    const ok = answers.filter((a) => a.status === 200);
    if (new Set(ok.map((a) => a.text)).size > 1) throw new Flow("repeated requests answered differently");
    repeated.push({ email: user.email, accepted: ok.length });
  },
  async hostile(s) {
    const [route, pathname, contentType, body] = HOSTILE_BODIES[randomInt(HOSTILE_BODIES.length)];
    const res = await call(`hostile ${route}`, request(`${s.base}${pathname}`, { method: "POST", headers: { "content-type": contentType, ...s.bearer }, body }));
    if (res.status < 400) throw new Flow(`hostile body to ${route} answered ${res.status}`);
  },
};
const repeated = [];

/** How often each scenario runs, out of the total weight. */
const WEIGHTS = [
  ["linkReset", 3],
  ["otpReset", 2],
  ["adminReset", 2],
  ["loginRefreshIntrospect", 3],
  ["wrongLogins", 1],
  ["unknownEmail", 3],
  ["repeatedRequests", 1],
  ["hostile", 4],
];
const TOTAL_WEIGHT = WEIGHTS.reduce((a, [, w]) => a + w, 0);
function pick() {
  let n = randomInt(TOTAL_WEIGHT);
  for (const [name, w] of WEIGHTS) if ((n -= w) < 0) return name;
  throw new Error("unreachable");
}

const runs = new Map();
async function caller(s, deadline) {
  while (Date.now() < deadline) {
    if (Date.now() - s.tokenAt > 10 * 60_000) await s.refreshClientToken();
    const name = pick();
    const r = runs.get(name) ?? { ok: 0, limited: 0, failed: 0 };
    runs.set(name, r);
    try {
      await scenarios[name](s);
      r.ok++;
    } catch (e) {
      if (e instanceof Limited) r.limited++;
      else {
        r.failed++;
        failures.push(`${name}: ${e.message}`);
      }
    }
  }
}

/** Every promised email arrived (the queue drained), and no address got more than its limit allows. */
async function checkEmails(s) {
  let queued = 0;
  let delivered = 0;
  const lost = [];
  const deadline = Date.now() + 60_000;
  for (const [to, templates] of promised) {
    queued += templates.length;
    for (;;) {
      const box = await s.mailbox(to);
      const missing = templates.filter((t) => box.filter((m) => m.template === t).length < templates.filter((x) => x === t).length);
      if (missing.length === 0 || Date.now() > deadline) {
        const got = templates.length - missing.length;
        delivered += got;
        if (missing.length) lost.push(`${to}: ${missing.join(", ")}`);
        break;
      }
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  // Ten requests for one address inside the window: at most the policy's per-address cap may send.
  const policy = (await request(`${s.base}/api/v1/tenants/${s.tenants.LINK}/password-reset-policy`, { headers: s.bearer })).json();
  const cap = policy.resetEmailsPerWindow;
  let repeatedDelivered = 0;
  for (const r of repeated) {
    const got = (await s.mailbox(r.email)).length;
    repeatedDelivered += got;
    if (cap !== undefined && got > cap) failures.push(`${r.email} got ${got} reset emails, over the per-address cap of ${cap}`);
  }
  const stuck = [];
  for (const status of ["pending", "retrying", "dead", "failed"]) {
    const res = await request(`${s.base}/api/v1/applications/${s.applicationId}/email-deliveries?status=${status}&limit=200`, { headers: s.bearer });
    if (res.status === 200) for (const d of res.json().items) stuck.push(`${status}: ${d.template} to ${d.recipient ?? d.to}`);
  }
  return { queued, delivered, lost, stuck, repeated: { addresses: repeated.length, accepted: repeated.reduce((a, r) => a + r.accepted, 0), delivered: repeatedDelivered, cap } };
}

async function main() {
  const vars = loadDevVars(root);
  if (vars.ENVIRONMENT !== "development") throw new Error(".dev.vars must set ENVIRONMENT=development: the soak reads the development mailbox");
  const stateDir = mkdtempSync(path.join(os.tmpdir(), "edge-password-reset-soak-"));
  log("starting the service under wrangler dev");
  const server = await startService({ root, stateDir, vars });
  const s = new Service(server.base, vars.ADMIN_TOKEN);
  await s.provision();
  log(`mixed traffic for ${SECONDS} s from ${CONCURRENCY} callers`);
  const deadline = Date.now() + SECONDS * 1000;
  await Promise.all(Array.from({ length: CONCURRENCY }, () => caller(s, deadline)));
  log("waiting for the email queue to drain");
  const emails = await checkEmails(s);
  server.stop();
  closeConnections();

  const mix = [...tally].sort(([a], [b]) => a.localeCompare(b));
  console.log(`\nSoak of ${SECONDS} s, ${CONCURRENCY} callers: ${sent} requests\n`);
  console.log("| route | status | count |\n|---|---|---|");
  for (const [key, n] of mix) {
    const at = key.lastIndexOf(" ");
    console.log(`| ${key.slice(0, at)} | ${key.slice(at + 1)} | ${n} |`);
  }
  console.log("\n| scenario | completed | stopped by a limit | failed |\n|---|---|---|---|");
  for (const [name, r] of [...runs].sort()) console.log(`| ${name} | ${r.ok} | ${r.limited} | ${r.failed} |`);
  console.log(`\nEmails promised (queued): ${emails.queued}; delivered: ${emails.delivered}; lost: ${emails.lost.length}`);
  console.log(
    `Repeated requests (10 at once per address): ${emails.repeated.addresses} addresses, ${emails.repeated.accepted} answered 200, ${emails.repeated.delivered} emails sent (per-address cap: ${emails.repeated.cap ?? "none"})`,
  );
  console.log(`Deliveries not sent (pending, retrying, dead, failed): ${emails.stuck.length}`);
  const fivexx = mix.filter(([key]) => Number(key.slice(key.lastIndexOf(" ") + 1)) >= 500).reduce((a, [, n]) => a + n, 0);
  console.log(`5xx answers: ${fivexx}`);
  const problems = [...failures, ...emails.lost.map((l) => `lost: ${l}`), ...emails.stuck];
  if (problems.length) {
    console.log(`\nFAILED: ${problems.length} problems`);
    for (const p of problems.slice(0, 30)) console.log(`- ${p}`);
    process.exitCode = 1;
  } else {
    console.log("\nOK: no 5xx, no failed flow, no lost email");
    rmSync(stateDir, { recursive: true, force: true });
  }
}

main()
  .catch((e) => {
    console.error(e);
    process.exitCode = 1;
  })
  .finally(() => stopAll());
