import type { Context } from "hono";
import type { OperationScope } from "../operations/scope";
import type { WorkflowDeps } from "../workflows/deps";
import type { AppEnv } from "./app-env";
import { auditContextOf } from "./audit-context";

export function workflowDeps(c: Context<AppEnv>): WorkflowDeps {
  return {
    env: c.env,
    config: c.var.config,
    db: c.var.db,
    replica: c.var.replica,
    waitUntil: (p) => c.executionCtx.waitUntil(p),
    audit: auditContextOf(c),
    userObjectTime: c.var.userObjectTime,
  };
}

/** An operation's scope: the workflows' dependencies and the authenticated caller. */
export function operationScope(c: Context<AppEnv>): OperationScope {
  return { ...workflowDeps(c), var: { db: c.var.db, replica: c.var.replica, caller: c.var.caller } };
}
