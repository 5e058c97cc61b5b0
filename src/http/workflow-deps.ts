import type { Context } from "hono";
import type { WorkflowDeps } from "../workflows/deps";
import type { AppEnv } from "./app-env";
import { auditContextOf } from "./audit-context";

export function workflowDeps(c: Context<AppEnv>): WorkflowDeps {
  return { env: c.env, config: c.var.config, db: c.var.db, waitUntil: (p) => c.executionCtx.waitUntil(p), audit: auditContextOf(c) };
}
