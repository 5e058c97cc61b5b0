// The peer `npm run bench` runs beside the service: Better Auth with SQLite, configured as the issue
// asks (sessions revoked on reset, rate limits off). SQLite is Node's built-in `node:sqlite`, which
// Better Auth's Kysely adapter takes as is: nothing native to build, so a fresh clone installs the
// peer in seconds (better-sqlite3 built from source for minutes). It runs on the Node 22 that
// `npm run` puts on PATH; its scrypt is Node's, on libuv's thread pool, as before.
// Besides Better Auth's own routes it serves bench-only routes on loopback:
//   POST /bench/hash             one password hash with Better Auth's own function (its scrypt)
//   POST /bench/users?prefix=&n= n users sharing one password, hashed once, copied by SQL
//   GET  /bench/token?email=     the reset token last "emailed" to that address
// Usage: node server.mjs <port> <sqlite file>
import http from "node:http";
import { betterAuth } from "better-auth";
import { hashPassword } from "better-auth/crypto";
import { getMigrations } from "better-auth/db/migration";
import { toNodeHandler } from "better-auth/node";
import { DatabaseSync } from "node:sqlite";

const [port, file] = process.argv.slice(2);
const origin = `http://127.0.0.1:${port}`;
const sqlite = new DatabaseSync(file);
sqlite.exec("PRAGMA journal_mode = WAL");

/** Reset tokens by email, standing in for the mailbox. */
const mailbox = new Map();

const options = {
  database: sqlite,
  baseURL: origin,
  secret: "bench-only-secret-for-the-peer-0123456789abcdef",
  trustedOrigins: [origin],
  telemetry: { enabled: false },
  rateLimit: { enabled: false },
  emailAndPassword: {
    enabled: true,
    revokeSessionsOnPasswordReset: true,
    sendResetPassword: async ({ user, token }) => {
      mailbox.set(user.email, token);
    },
  },
};
const auth = betterAuth(options);
const { runMigrations } = await getMigrations(options);
await runMigrations();
const authHandler = toNodeHandler(auth);

async function benchUsers(prefix, n, password) {
  const first = await auth.api.signUpEmail({ body: { email: `${prefix}-0@bench.invalid`, password, name: `${prefix} 0` } });
  const userId = first.user.id;
  const user = sqlite.prepare('SELECT * FROM "user" WHERE id = ?').get(userId);
  const account = sqlite.prepare('SELECT * FROM "account" WHERE "userId" = ?').get(userId);
  const insert = (table, row) => {
    const cols = Object.keys(row);
    sqlite.prepare(`INSERT INTO "${table}" (${cols.map((c) => `"${c}"`).join(", ")}) VALUES (${cols.map(() => "?").join(", ")})`).run(...cols.map((c) => row[c]));
  };
  const emails = [`${prefix}-0@bench.invalid`];
  sqlite.exec("BEGIN");
  try {
    for (let i = 1; i < n; i++) {
      const id = `${prefix}${i}`.padEnd(32, "x");
      const email = `${prefix}-${i}@bench.invalid`;
      insert("user", { ...user, id, email, name: `${prefix} ${i}` });
      insert("account", { ...account, id: `acct${id}`, accountId: id, userId: id });
      emails.push(email);
    }
    sqlite.exec("COMMIT");
  } catch (e) {
    sqlite.exec("ROLLBACK");
    throw e;
  }
  return emails;
}

const json = (res, status, body) => {
  res.writeHead(status, { "content-type": "application/json" });
  res.end(JSON.stringify(body));
};

const server = http.createServer(async (req, res) => {
  const url = new URL(req.url, origin);
  try {
    if (url.pathname === "/bench/hash" && req.method === "POST") {
      await hashPassword("a bench password of ordinary length");
      return json(res, 200, { ok: true });
    }
    if (url.pathname === "/bench/users" && req.method === "POST") {
      const n = Number(url.searchParams.get("n"));
      if (!Number.isInteger(n) || n < 1 || n > 5000) return json(res, 400, { error: "n" });
      return json(res, 201, { emails: await benchUsers(url.searchParams.get("prefix"), n, url.searchParams.get("password")) });
    }
    if (url.pathname === "/bench/token") {
      const token = mailbox.get(url.searchParams.get("email"));
      return token ? json(res, 200, { token }) : json(res, 404, { error: "no token" });
    }
    return authHandler(req, res);
  } catch (e) {
    console.error(e);
    json(res, 500, { error: String(e?.message ?? e) });
  }
});
server.keepAliveTimeout = 60_000;
server.listen(Number(port), "127.0.0.1", () => console.log(`peer listening on ${origin}`));
