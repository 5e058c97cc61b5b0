// Development-only routes. They answer 404, as if absent, unless ENVIRONMENT=development.
import { type Context, Hono } from "hono";
import { publicBaseUrl } from "../../config/public-origin";
import { isAdminToken } from "../../config/admin-token";
import { readDevMailbox } from "../../email/providers/dev-mailbox";
import type { AppEnv } from "../app-env";
import { ApiError, missingToken } from "../errors";
import { Forbidden, NotFound } from "../../auth/refusals";
import { bearerToken } from "../middleware/authenticate";
import { workflowDeps } from "../workflow-deps";
import { getTenant } from "../../directory/tenants";
import { getUserRouted, tenantUserDatabases } from "../../directory/user-shards";
import { BENCH_MAX_FILLER_ROWS, BENCH_MAX_SESSIONS, BENCH_MAX_USERS, benchFiller, benchSessions, benchUsers } from "../../dev/bench-rows";
import { seedDemo } from "../../dev/seed";

/** The admin token, or 401/403; the caller is then the admin (the actor of what the route records). */
function requireAdmin(c: Context<AppEnv>): void {
  const token = bearerToken(c.req.header("Authorization"));
  if (!token) throw missingToken();
  if (!isAdminToken(c.env, token)) throw new Forbidden("This development route needs the admin token.");
  c.set("caller", { kind: "admin" });
}

const MAILBOX_MAX_WAIT_SECONDS = 10;

/** A whole number in [0, max], or a 400. */
function count(value: unknown, max: number): number {
  if (typeof value !== "number" || !Number.isInteger(value) || value < 0 || value > max) {
    throw new ApiError(400, "invalid_count", `Expected a whole number from 0 to ${max}.`);
  }
  return value;
}

export const devRoutes = new Hono<AppEnv>()
  .use(async (c, next) => {
    if (c.env.ENVIRONMENT !== "development") throw new NotFound("Route");
    await next();
  })
  /**
   * The local mailbox: what the dev-mailbox provider delivered, newest first, optionally for one
   * address. `wait` (seconds, up to 10) waits for a first message: mail leaves through the queue
   * about a second after request-password-reset answers.
   */
  .get("/mailbox", async (c) => {
    const to = c.req.query("to");
    const waitParam = c.req.query("wait");
    const wait = waitParam === undefined ? 0 : count(/^\d{1,2}$/.test(waitParam) ? Number(waitParam) : NaN, MAILBOX_MAX_WAIT_SECONDS);
    const deadline = Date.now() + wait * 1000;
    let rows = await readDevMailbox(c.var.db, to);
    while (rows.length === 0 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100));
      rows = await readDevMailbox(c.var.db, to);
    }
    return c.json({
      items: rows.map((m) => ({
        to: m.to,
        subject: m.subject,
        template: m.template,
        text: m.text,
        html: m.html,
        createdAt: new Date(m.createdAt).toISOString(),
      })),
    });
  })
  /** Idempotent: `npm start` calls it once the dev server is up. */
  .post("/seed", async (c) => {
    requireAdmin(c);
    return c.json(await seedDemo(workflowDeps(c)));
  })
  // `npm run bench` provisioning (bench/run.mjs): rows that would otherwise cost a derivation each.
  .post("/bench/:tenantId/users", async (c) => {
    requireAdmin(c);
    const tenant = await getTenant(c.var.db, c.req.param("tenantId"));
    if (!tenant) throw new NotFound("Tenant");
    const body = await c.req.json<{ prefix?: unknown; count?: unknown; password?: unknown; withResetCodes?: unknown }>();
    if (typeof body.prefix !== "string" || !/^[a-z0-9-]{1,40}$/.test(body.prefix)) throw new ApiError(400, "invalid_prefix", "prefix: [a-z0-9-]{1,40}");
    if (typeof body.password !== "string" || body.password.length < 8) throw new ApiError(400, "invalid_password", "password: 8 characters or more");
    const users = await benchUsers(workflowDeps(c), tenant, {
      prefix: body.prefix,
      count: count(body.count, BENCH_MAX_USERS),
      password: body.password,
      withResetCodes: body.withResetCodes === true,
      baseUrl: publicBaseUrl(c.env),
    });
    return c.json({ users: users.map((u) => ({ id: u.user.id, email: u.user.email, passwordResetCode: u.passwordResetCode })) }, 201);
  })
  .post("/bench/:tenantId/filler", async (c) => {
    requireAdmin(c);
    const tenant = await getTenant(c.var.db, c.req.param("tenantId"));
    if (!tenant) throw new NotFound("Tenant");
    const body = await c.req.json<{ users?: unknown; openCodes?: unknown }>();
    await benchFiller(tenantUserDatabases(c.env, tenant.id), tenant, { users: count(body.users ?? 0, BENCH_MAX_FILLER_ROWS), openCodes: count(body.openCodes ?? 0, BENCH_MAX_FILLER_ROWS) });
    return c.body(null, 204);
  })
  .post("/bench/users/:userId/sessions", async (c) => {
    requireAdmin(c);
    const user = await getUserRouted(c.env, c.req.param("userId"), "primary");
    const tenant = user && (await getTenant(c.var.db, user.tenantId));
    if (!user || !tenant) throw new NotFound("User");
    const body = await c.req.json<{ count?: unknown }>();
    await benchSessions(c.env, user, tenant, count(body.count, BENCH_MAX_SESSIONS));
    return c.body(null, 204);
  });
