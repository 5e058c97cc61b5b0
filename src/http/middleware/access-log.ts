import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../app-env";

/**
 * One line per request. Only the path is logged, never the query string, headers or body:
 * reset links carry codes in their query, and headers carry tokens.
 */
export const accessLog = createMiddleware<AppEnv>(async (c, next) => {
  const start = Date.now();
  await next();
  console.log(
    JSON.stringify({ requestId: c.get("requestId"), method: c.req.method, path: c.req.path, status: c.res.status, ms: Date.now() - start }),
  );
});
