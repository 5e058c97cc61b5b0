import { createMiddleware } from "hono/factory";

/**
 * The API answers with tokens, client secrets, reset links and codes, and its errors may echo
 * input: no browser or shared cache may keep any of it. A route that sets its own Cache-Control
 * (none under /api/v1 today) keeps it.
 */
export const noStore = createMiddleware(async (c, next) => {
  await next();
  if (!c.res.headers.has("Cache-Control")) c.res.headers.set("Cache-Control", "no-store");
});
