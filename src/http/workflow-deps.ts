import type { Context } from "hono";
import type { WorkflowDeps } from "../workflows/deps";
import type { AppEnv } from "./app-env";

export function workflowDeps(c: Context<AppEnv>): WorkflowDeps {
  return { env: c.env, db: c.var.db, waitUntil: (p) => c.executionCtx.waitUntil(p) };
}

/** Where links to this service's own pages point: PUBLIC_BASE_URL, or the request's origin. */
export function publicBaseUrl(c: Context<AppEnv>): string {
  return c.env.PUBLIC_BASE_URL || new URL(c.req.url).origin;
}
