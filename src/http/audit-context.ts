// The audit context of a request: the authenticated caller, the request id every log line and
// response carries, the client's IP and user agent. Read when a workflow starts, after
// authentication, so the actor is known.
import type { Context } from "hono";
import { type AuditContext, MAX_USER_AGENT_LENGTH, actorOf } from "../audit/context";
import type { AppEnv } from "./app-env";

export function auditContextOf(c: Context<AppEnv>): AuditContext {
  return {
    actor: actorOf(c.get("caller")),
    requestId: c.get("requestId") ?? null,
    // Set by Cloudflare's edge; a client cannot forge it there.
    ip: c.req.header("CF-Connecting-IP") ?? null,
    userAgent: c.req.header("User-Agent")?.slice(0, MAX_USER_AGENT_LENGTH) ?? null,
  };
}
