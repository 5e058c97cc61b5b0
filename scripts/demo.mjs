// `npm run demo`, against a running `npm start`: the whole reset flow, step by step.
import { existsSync, readFileSync } from "node:fs";
import { loadDevVars } from "./dev-vars.mjs";

// Where `npm start` said it listens (.wrangler/npm-start-url), unless BASE_URL or PORT says otherwise.
const RUNNING_AT = ".wrangler/npm-start-url";
const started = existsSync(RUNNING_AT) ? readFileSync(RUNNING_AT, "utf8").trim() : "";
const base = process.env.BASE_URL || (process.env.PORT ? `http://localhost:${process.env.PORT}` : started || "http://localhost:8787");
const vars = loadDevVars();
const TENANT = "demotenant0000000000000000";
let step = 0;

function show(title, detail) {
  console.log(`\n${++step}. ${title}`);
  if (detail !== undefined) console.log(typeof detail === "string" ? `   ${detail.replaceAll("\n", "\n   ")}` : `   ${JSON.stringify(detail)}`);
}

async function api(method, path, { token, body } = {}) {
  const headers = {};
  if (token) headers.Authorization = `Bearer ${token}`;
  if (body !== undefined) headers["Content-Type"] = "application/json";
  const res = await fetch(`${base}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  const json = text ? JSON.parse(text) : null;
  if (res.status >= 400) throw new Error(`${method} ${path} answered ${res.status}: ${text}`);
  return json;
}

async function newestMail(to, template, after) {
  for (let i = 0; i < 100; i++) {
    const { items } = await api("GET", `/dev/mailbox?to=${encodeURIComponent(to)}`);
    const mail = items.find((m) => m.template === template && m.createdAt > after);
    if (mail) return mail;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`no ${template} mail for ${to}`);
}

async function tryLogin(token, email, password) {
  const r = await api("POST", "/api/v1/login", { token, body: { tenantId: TENANT, email, password } });
  return r.result;
}

try {
  await fetch(`${base}/.well-known/jwks.json`);
} catch {
  console.error(`Nothing answers on ${base}. Run \`npm start\` first (in another terminal).`);
  process.exit(1);
}

const basic = Buffer.from(`${vars.DEV_CLIENT_ID}:${vars.DEV_CLIENT_SECRET}`).toString("base64");
const tokenRes = await fetch(`${base}/api/v1/oauth2/token`, {
  method: "POST",
  headers: { Authorization: `Basic ${basic}`, "Content-Type": "application/x-www-form-urlencoded" },
  body: "grant_type=client_credentials",
});
const { access_token: token, expires_in } = await tokenRes.json();
show("Get an access token (client_credentials, HTTP Basic with DEV_CLIENT_ID/DEV_CLIENT_SECRET)", `ES256 JWT, expires in ${expires_in} s`);

const email = `demo-${Date.now()}@example.com`;
const user = await api("POST", "/api/v1/users", { token, body: { tenantId: TENANT, email, password: "first password 1" } });
show(`Create a user ${email} with password "first password 1"`, user);

// LINK. The demo mails one address twice within seconds: no per-address cooldown for its tenant.
await api("PATCH", `/api/v1/tenants/${TENANT}/password-reset-policy`, { token, body: { emailVerificationStrategy: "LINK", resetEmailCooldownSeconds: 0 } });
let since = new Date().toISOString();
show("Request a reset, strategy LINK", await api("POST", "/api/v1/password-reset/request-password-reset", { token, body: { tenantId: TENANT, email } }));
let mail = await newestMail(email, "PASSWORD_RESET_LINK", since);
show(`Read the mailbox: "${mail.subject}"`, mail.text);
const emailAuthCode = new URL(/https?:\/\/\S+/.exec(mail.text)[0]).searchParams.get("emailAuthCode");
show(`Reset with the link's emailAuthCode to "second password 2"`, await api("POST", "/api/v1/password-reset/reset-password", { token, body: { emailAuthCode, newPassword: "second password 2" } }));
show("Spend the same link again", await api("POST", "/api/v1/password-reset/reset-password", { token, body: { emailAuthCode, newPassword: "other password 9" } }));
show('Log in with the old password "first password 1"', await tryLogin(token, email, "first password 1"));
show('Log in with the new password "second password 2"', await tryLogin(token, email, "second password 2"));

// OTP
await api("PATCH", `/api/v1/tenants/${TENANT}/password-reset-policy`, { token, body: { emailVerificationStrategy: "OTP" } });
since = new Date().toISOString();
const otp = await api("POST", "/api/v1/password-reset/request-password-reset", { token, body: { tenantId: TENANT, email } });
show("Switch the tenant to OTP and request a reset", otp);
mail = await newestMail(email, "PASSWORD_RESET_OTP", since);
const verificationCode = /verification code is: (\d+)/.exec(mail.text)[1];
show(`Read the mailbox: "${mail.subject}"`, mail.text);
show("Reset with a wrong verificationCode", await api("POST", "/api/v1/password-reset/reset-password", { token, body: { requestCode: otp.requestCode, verificationCode: "000000" === verificationCode ? "111111" : "000000", newPassword: "third password 3" } }));
show(`Reset with requestCode and verificationCode ${verificationCode} to "third password 3"`, await api("POST", "/api/v1/password-reset/reset-password", { token, body: { requestCode: otp.requestCode, verificationCode, newPassword: "third password 3" } }));
show('Log in with the old password "second password 2"', await tryLogin(token, email, "second password 2"));
show('Log in with the new password "third password 3"', await tryLogin(token, email, "third password 3"));

// Admin link
const link = await api("POST", "/api/v1/password-reset/create-password-reset-link", { token, body: { userId: user.id } });
show("Create an admin reset link", link);
const passwordResetCode = new URL(link.passwordResetLink).searchParams.get("passwordResetCode");
since = new Date().toISOString();
show('Reset with its passwordResetCode to "fourth password 4"', await api("POST", "/api/v1/password-reset/reset-password", { token, body: { passwordResetCode, newPassword: "fourth password 4" } }));
show('Log in with the old password "third password 3"', await tryLogin(token, email, "third password 3"));
show('Log in with the new password "fourth password 4"', await tryLogin(token, email, "fourth password 4"));

// Mail goes through the email queue: wait for the last reset's Password Updated email.
await newestMail(email, "PASSWORD_UPDATED", since);
const { items } = await api("GET", `/dev/mailbox?to=${encodeURIComponent(email)}`);
show(`The mailbox of ${email}, newest first`, items.map((m) => `${m.createdAt}  ${m.template.padEnd(20)} ${m.subject}`).join("\n"));

await api("PATCH", `/api/v1/tenants/${TENANT}/password-reset-policy`, { token, body: { emailVerificationStrategy: null } });
const browserLink = await api("POST", "/api/v1/password-reset/create-password-reset-link", { token, body: { userId: user.id } });
console.log("\nDone. The demo tenant's strategy is back to the default (LINK).");
console.log(`\nReset ${email}'s password in a browser: ${browserLink.passwordResetLink}`);
console.log(`Or ask for an email yourself:        ${base}/forgot-password?tenantId=${TENANT}`);
