// The operations of issue 17's table, each driven `samples` times one after another (so that every
// counted call belongs to the sample in flight), each answer checked. Counts are read back from the
// bench Worker after each operation (GET /__geo/counts waits for work after the answer to finish).
import { expectStatus, postForm, postJson, request } from "../lib/http.mjs";
import { drive, quantile, round } from "../lib/load.mjs";
import { Ours } from "../lib/ours.mjs";

const PASSWORD = "the geo bench password 0";
const codeIn = (text, name) => new RegExp(`[?&]${name}=([A-Za-z0-9_-]+)`).exec(text)?.[1];

class GeoService extends Ours {
  /** Delays on only while an operation is measured: provisioning need not wait out the profile. */
  async delays(on) {
    expectStatus(await request(`${this.base}/__geo/delays?on=${on ? 1 : 0}`, { method: "POST" }), 200, "geo delays");
  }

  /**
   * The counts since the last reset, then zero: once the work after the answers has finished, and
   * with `consumer`, the consumer batches in flight too.
   */
  async takeCounts({ consumer = false } = {}) {
    const body = expectStatus(await request(`${this.base}/__geo/reset${consumer ? "?consumer=1" : ""}`, { method: "POST" }), 200, "geo counts").json();
    if (body.pending !== 0) throw new Error(`geo counts: ${body.pending} invocations still running after 30 s`);
    return body;
  }

  async otpTenant() {
    const tenant = expectStatus(await postJson(`${this.base}/api/v1/tenants`, { applicationId: this.applicationId, name: "geo-otp" }, this.admin), 201, "OTP tenant").json();
    const res = await request(`${this.base}/api/v1/tenants/${tenant.id}/password-reset-policy`, {
      method: "PATCH",
      headers: { ...this.admin, "content-type": "application/json" },
      body: JSON.stringify({ emailVerificationStrategy: "OTP", resetEmailCooldownSeconds: 0, resetEmailsPerWindow: 20 }),
    });
    expectStatus(res, 200, "OTP policy");
    return tenant.id;
  }

  async usersIn(tenantId, prefix, count, withResetCodes = false) {
    const res = await postJson(`${this.base}/dev/bench/${tenantId}/users`, { prefix, count, password: PASSWORD, withResetCodes }, this.admin);
    return expectStatus(res, 201, "bench users").json().users;
  }

  async deactivate(userId) {
    const res = await request(`${this.base}/api/v1/users/${userId}`, { method: "PATCH", headers: { ...this.bearer, "content-type": "application/json" }, body: JSON.stringify({ status: "INACTIVE" }) });
    expectStatus(res, 200, "deactivate");
  }

  async requestResetIn(tenantId, email) {
    return expectStatus(await postJson(`${this.base}/api/v1/password-reset/request-password-reset`, { tenantId, email }, this.bearer), 200, "request-password-reset").json();
  }

  async resetWith(body) {
    const res = await postJson(`${this.base}/api/v1/password-reset/reset-password`, body, this.bearer);
    const result = expectStatus(res, 200, "reset-password").json().result;
    if (result !== "PASSWORD_UPDATED") throw new Error(`reset-password: ${result}`);
  }

  async clientCredentials() {
    expectStatus(await postForm(`${this.base}/api/v1/oauth2/token`, { grant_type: "client_credentials" }, this.basic), 200, "client_credentials");
  }

  /** The newest mail of `template` to `to`, once the consumer has delivered it. */
  async mail(to, template, timeoutMs = 60_000) {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = (await request(`${this.base}/dev/mailbox?to=${encodeURIComponent(to)}`)).json().items.find((m) => m.template === template);
      if (found) return found;
      if (Date.now() > deadline) throw new Error(`no ${template} mail within ${timeoutMs / 1000} s`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  /** GET of an admin link: the code moves into the page's cookie (not measured). */
  async holdCode(passwordResetCode) {
    const res = expectStatus(await request(`${this.base}/reset-password?passwordResetCode=${passwordResetCode}`), 303, "reset page link");
    const cookie = [res.headers["set-cookie"]].flat().find(Boolean);
    if (!cookie) throw new Error("reset page: no code cookie");
    return cookie.split(";")[0];
  }

  async pageForm(cookie) {
    const res = expectStatus(await request(`${this.base}/reset-password`, { headers: { cookie } }), 200, "reset page form");
    const token = /name="formToken"[^>]*value="([^"]+)"/.exec(res.text)?.[1] ?? /value="([^"]+)"[^>]*name="formToken"/.exec(res.text)?.[1];
    if (!token) throw new Error("reset page form: no formToken");
    return token;
  }

  async pagePost(cookie, formToken, newPassword) {
    const body = new URLSearchParams({ formToken, newPassword, confirmPassword: newPassword }).toString();
    const res = await request(`${this.base}/reset-password`, {
      method: "POST",
      headers: { cookie, origin: new URL(this.base).origin, "content-type": "application/x-www-form-urlencoded" },
      body,
    });
    expectStatus(res, 200, "reset page POST");
    if (res.text.includes('name="formToken"')) throw new Error("reset page POST: the form came back (not reset)");
  }
}

const PHASES = ["before", "after", "object"];

/**
 * Calls per sample, by phase and target: the median (the common path: the directory's 5-second
 * isolate cache warm), the largest (a cache miss) and the mean.
 */
function callStats(perSample) {
  const out = { median: {}, max: {}, mean: {} };
  for (const phase of PHASES) {
    for (const key of Object.keys(out)) out[key][phase] = {};
    for (const target of Object.keys(perSample[0][phase])) {
      const values = perSample.map((t) => t[phase][target]);
      out.median[phase][target] = quantile(values, 0.5);
      out.max[phase][target] = Math.max(...values);
      out.mean[phase][target] = round(values.reduce((a, b) => a + b, 0) / values.length, 2);
    }
  }
  return out;
}

/** Drives one operation `samples` times in sequence, reading each sample's calls after it answered. */
async function measure(s, name, samples, call) {
  await s.takeCounts();
  await s.delays(true);
  const latencies = [];
  const perSample = [];
  for (let i = 0; i < samples; i++) {
    const t = performance.now();
    await call(i);
    latencies.push(performance.now() - t);
    perSample.push((await s.takeCounts()).tally);
  }
  await s.delays(false);
  const row = { n: samples, p50: round(quantile(latencies, 0.5)), p95: round(quantile(latencies, 0.95)), calls: callStats(perSample) };
  const m = row.calls.median;
  console.error(`[geo ${s.profile}] ${name}: p50 ${row.p50} ms, D1 primary ${m.before.d1Primary} + ${m.after.d1Primary} (max ${row.calls.max.before.d1Primary}), DO ${m.before.durableObject}, queue ${m.before.queue}`);
  return row;
}

/** Consumer: calls per message, and how long one invocation takes for a batch of 1 and of 10. */
async function measureConsumer(s, tenantId, users) {
  await s.takeCounts({ consumer: true });
  await s.delays(true);
  for (const u of users.slice(0, 3)) {
    await s.requestResetIn(tenantId, u.email);
    await s.mail(u.email, "PASSWORD_RESET_LINK");
  }
  const singles = await s.takeCounts({ consumer: true });
  const ten = users.slice(3, 13);
  await Promise.all(ten.map((u) => s.requestResetIn(tenantId, u.email)));
  for (const u of ten) await s.mail(u.email, "PASSWORD_RESET_LINK");
  const tens = await s.takeCounts({ consumer: true });
  await s.delays(false);
  const messages = [...singles.batches, ...tens.batches].reduce((n, b) => n + b.messages, 0);
  const calls = Object.fromEntries(Object.keys(singles.tally.consumer).map((k) => [k, round((singles.tally.consumer[k] + tens.tally.consumer[k]) / messages, 2)]));
  const ofSize = (batches, size) => batches.filter((b) => b.messages === size).map((b) => b.ms);
  const one = ofSize(singles.batches, 1);
  const largest = Math.max(...tens.batches.map((b) => b.messages));
  const big = ofSize(tens.batches, largest);
  const row = { messages, perMessage: calls, batchOf1Ms: one.length ? quantile(one, 0.5) : null, largestBatch: largest, largestBatchMs: big.length ? quantile(big, 0.5) : null, batches: [...singles.batches, ...tens.batches] };
  console.error(`[geo ${s.profile}] consumer: ${JSON.stringify(row)}`);
  return row;
}

export async function runOperations(base, adminToken, samples, profile) {
  const s = new GeoService(base, adminToken);
  s.profile = profile;
  await s.delays(false);
  await s.provision(`geo-${profile}`);
  const linkTenant = s.tenantId;
  const otpTenant = await s.otpTenant();
  const make = (prefix, withCodes = false, tenantId = linkTenant) => s.usersIn(tenantId, prefix, samples, withCodes);
  const known = await make("known");
  const inactive = await make("inactive");
  const loginUsers = await make("login");
  const adminUsers = await make("admin", true);
  const pageUsers = await make("page", true);
  const otpUsers = await make("otp", false, otpTenant);
  const mailers = await s.usersIn(linkTenant, "mailer", 13, false);
  await drive(inactive, 4, (u) => s.deactivate(u.id));

  const ops = {};
  const consumer = await measureConsumer(s, linkTenant, mailers);
  ops["client_credentials"] = await measure(s, "client_credentials", samples, () => s.clientCredentials());
  ops["request-password-reset, known"] = await measure(s, "request-password-reset known", samples, (i) => s.requestResetIn(linkTenant, known[i].email));
  ops["request-password-reset, unknown"] = await measure(s, "request-password-reset unknown", samples, (i) => s.requestResetIn(linkTenant, `nobody-${i}@geo.invalid`));
  ops["request-password-reset, inactive"] = await measure(s, "request-password-reset inactive", samples, (i) => s.requestResetIn(linkTenant, inactive[i].email));

  // Preparation (not measured) runs 4 at a time: under `far` each call takes a D1 primary's round trips.
  const linkCodes = [];
  await drive(known, 4, async (u, i) => (linkCodes[i] = codeIn((await s.mail(u.email, "PASSWORD_RESET_LINK")).text, "emailAuthCode")));
  ops["reset-password, link code"] = await measure(s, "reset-password link", samples, (i) => s.resetWith({ emailAuthCode: linkCodes[i], newPassword: `a new geo password ${i}` }));
  ops["reset-password, admin code"] = await measure(s, "reset-password admin", samples, (i) => s.resetWith({ passwordResetCode: adminUsers[i].passwordResetCode, newPassword: `a new geo password ${i}` }));

  const otp = [];
  await drive(otpUsers, 4, async (u, i) => (otp[i] = { requestCode: (await s.requestResetIn(otpTenant, u.email)).requestCode, email: u.email }));
  await drive(otp, 4, async (o) => (o.verificationCode = /verification code is: (\d+)/.exec((await s.mail(o.email, "PASSWORD_RESET_OTP")).text)?.[1]));
  ops["reset-password, OTP"] = await measure(s, "reset-password OTP", samples, (i) => s.resetWith({ requestCode: otp[i].requestCode, verificationCode: otp[i].verificationCode, newPassword: `a new geo password ${i}` }));

  const sessions = [];
  ops["login, known"] = await measure(s, "login known", samples, async (i) => sessions.push(await s.login(loginUsers[i].email, PASSWORD, "SUCCESS")));
  ops["login, unknown"] = await measure(s, "login unknown", samples, (i) => s.login(`nobody-${i}@geo.invalid`, PASSWORD, "INVALID_CREDENTIALS"));
  ops["login, inactive"] = await measure(s, "login inactive", samples, (i) => s.login(inactive[i].email, PASSWORD, "INVALID_CREDENTIALS"));
  ops["refresh"] = await measure(s, "refresh", samples, (i) => s.refresh(sessions[i].refresh_token ?? sessions[i].refreshToken));
  ops["introspect"] = await measure(s, "introspect", samples, (i) => s.introspect(sessions[i].access_token ?? sessions[i].accessToken));

  const cookies = [];
  await drive(pageUsers, 4, async (u, i) => (cookies[i] = await s.holdCode(u.passwordResetCode)));
  const tokens = [];
  ops["hosted reset page, form GET"] = await measure(s, "page GET", samples, async (i) => tokens.push(await s.pageForm(cookies[i])));
  ops["hosted reset page, form POST"] = await measure(s, "page POST", samples, (i) => s.pagePost(cookies[i], tokens[i], `a new page password ${i}`));
  return { ops, consumer };
}
