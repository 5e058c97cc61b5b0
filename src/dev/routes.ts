// Development-only routes. They answer 404, as if absent, unless ENVIRONMENT=development.
import { Hono } from "hono";
import { secretsEqual } from "../crypto/constant-time";
import { readOutbox } from "../email/outbox";
import type { AppEnv } from "../http/app-env";
import { forbidden, missingToken, notFound } from "../http/errors";
import { bearerToken } from "../http/middleware/authenticate";
import { seedDemo } from "./seed";

export const devRoutes = new Hono<AppEnv>()
  .use(async (c, next) => {
    if (c.env.ENVIRONMENT !== "development") throw notFound("Route");
    await next();
  })
  /** The local mailbox: what the outbox holds, newest first, optionally for one address. */
  .get("/mailbox", async (c) => {
    const to = c.req.query("to");
    const rows = await readOutbox(c.var.db, to);
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
    const token = bearerToken(c.req.header("Authorization"));
    if (!token) throw missingToken();
    if (!secretsEqual(token, c.env.ADMIN_TOKEN)) throw forbidden("The seed needs the admin token.");
    return c.json(await seedDemo(c.env, c.var.db));
  });
