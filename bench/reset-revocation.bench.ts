// `npm run bench`: does a reset cost more when it revokes more sessions?
// Each measured call is POST reset-password for a user holding N live sessions, each with a refresh
// token. Sessions are written straight into the user's Durable Object before each call, outside the
// timing: logging in 1,000 times per call would measure PBKDF2, not the revocation. Times are wall
// clock in workerd, which advances across I/O, so each figure spans the whole request.
import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { expect, it } from "vitest";
import { newId } from "../src/crypto/random";
import { createUser, world } from "../test/support/fixtures";
import { adminLinkCode, reset } from "../test/support/reset";

const WARMUP = 3;
const ITERATIONS = 30;

async function addLiveSessions(userId: string, w: { applicationId: string; tenantId: string }, n: number): Promise<void> {
  await runInDurableObject(env.USERS.get(env.USERS.idFromName(userId)), (_instance, state) => {
    const c = state.storage.sql.exec<{ session_epoch: number; refresh_epoch: number }>("SELECT session_epoch, refresh_epoch FROM credential").one();
    const now = Date.now();
    for (let i = 0; i < n; i++) {
      const id = newId();
      state.storage.sql.exec(
        "INSERT INTO sessions (id, application_id, tenant_id, epoch, created_at, last_used_at, idle_ttl_ms, absolute_expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        id, w.applicationId, w.tenantId, c.session_epoch, now, now, 86_400_000, now + 86_400_000,
      );
      state.storage.sql.exec("INSERT INTO refresh_tokens (token_hash, session_id, epoch, created_at) VALUES (?, ?, ?, ?)", newId(), id, c.refresh_epoch, now);
    }
    const live = state.storage.sql.exec<{ n: number }>("SELECT count(*) AS n FROM sessions WHERE epoch = ?", c.session_epoch).one().n;
    if (live !== n) throw new Error(`expected ${n} live sessions, found ${live}`);
  });
}

const quantile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;

it("reset-password cost against the number of sessions it revokes", async () => {
  const w = await world("bench");
  const rows: Record<string, string | number>[] = [];
  for (const sessions of [1, 1000]) {
    const user = await createUser(w, `bench-${sessions}@example.com`, "bench password 0");
    const times: number[] = [];
    for (let i = 1; i <= WARMUP + ITERATIONS; i++) {
      await addLiveSessions(user.id, w, sessions);
      const code = await adminLinkCode(w, user.id);
      const start = Date.now();
      const res = await reset(w.token, { passwordResetCode: code, newPassword: `bench password ${i}` });
      const ms = Date.now() - start;
      expect(res.body.result).toBe("PASSWORD_UPDATED");
      if (i > WARMUP) times.push(ms);
    }
    times.sort((a, b) => a - b);
    const mean = times.reduce((a, b) => a + b, 0) / times.length;
    rows.push({ sessions, iterations: times.length, "median ms": quantile(times, 0.5), "p90 ms": quantile(times, 0.9), "mean ms": Number(mean.toFixed(1)), "min ms": times[0]!, "max ms": times.at(-1)! });
  }
  const columns = Object.keys(rows[0]!);
  const line = (cells: (string | number)[]) => cells.map((c) => String(c).padStart(11)).join(" ");
  console.log(["reset-password against sessions revoked (wall ms in local workerd)", line(columns), ...rows.map((r) => line(columns.map((k) => r[k]!)))].join("\n"));
}, 300_000);
