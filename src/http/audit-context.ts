// The audit context of a request: the authenticated caller, the request id every log line and
// response carries, the client's IP and user agent. Read when a workflow starts, after
// authentication, so the actor is known.
import type { Context } from "hono";
import { type AuditContext, MAX_USER_AGENT_LENGTH, actorOf } from "../audit/context";
import { hasPermission } from "../auth/caller";
import { ipBudgetKey } from "../rate-limits/ip-address";
import type { AppEnv } from "./app-env";
import { END_USER_IP_PERMISSION } from "../rate-limits/client-budgets";
import { END_USER_IP_HEADER } from "./middleware/rate-limit";

export function auditContextOf(c: Context<AppEnv>): AuditContext {
  return {
    actor: actorOf(c.get("caller")),
    requestId: c.get("requestId") ?? null,
    ip: endUserIp(c) ?? c.req.header("CF-Connecting-IP") ?? null,
    userAgent: c.req.header("User-Agent")?.slice(0, MAX_USER_AGENT_LENGTH) ?? null,
  };
}

/**
 * The end user's address a host backend asserts, when its client may (the rate limits' rule): an
 * API call otherwise comes from the backend, whose CF-Connecting-IP (set by Cloudflare's edge, not
 * forgeable there) is recorded instead. Anyone else's header is ignored, never recorded.
 */
function endUserIp(c: Context<AppEnv>): string | null {
  const asserted = c.req.header(END_USER_IP_HEADER);
  const caller = c.get("caller");
  if (asserted === undefined || caller?.kind !== "client" || !hasPermission(caller, END_USER_IP_PERMISSION)) return null;
  return ipBudgetKey(asserted) === null ? null : asserted;
}
