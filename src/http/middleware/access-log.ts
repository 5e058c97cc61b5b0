import type { Context } from "hono";
import { createMiddleware } from "hono/factory";
import { UserObjectTime } from "../../user-object/call-time";
import type { AppEnv } from "../app-env";

/** Who called: a client id (for an end user's token, the client it was issued to), "admin" or "anonymous". */
function callerOf(c: Context<AppEnv>): string {
  const caller = c.get("caller");
  if (caller?.kind === "admin") return "admin";
  if (caller?.kind === "client") return caller.clientId;
  if (caller?.kind === "user") return caller.issuedTo ?? "anonymous";
  // The OAuth endpoints authenticate a client, not a bearer.
  return c.get("client")?.id ?? "anonymous";
}

/**
 * One line per request. Only the path is logged, never the query string, headers or body: reset
 * links carry codes in their query, and headers carry tokens. Nothing personal either: no email,
 * IP address or user agent; the caller is a client id, "admin" or "anonymous".
 */
export const accessLog = createMiddleware<AppEnv>(async (c, next) => {
  const start = Date.now();
  const userObjectTime = new UserObjectTime();
  c.set("userObjectTime", userObjectTime);
  await next();
  const errorCode = c.get("errorCode");
  console.log(
    JSON.stringify({
      requestId: c.get("requestId"),
      method: c.req.method,
      path: c.req.path,
      status: c.res.status,
      ms: Date.now() - start,
      caller: callerOf(c),
      ...(errorCode ? { error: errorCode } : {}),
      userObjectMs: userObjectTime.ms,
    }),
  );
});
