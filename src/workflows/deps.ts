import type { AuditContext } from "../audit/context";
import type { ServiceConfig } from "../config/service-config";
import type { Database } from "../db/client";
import type { UserObjectTime } from "../user-object/call-time";

/** What a workflow needs from its host, whether HTTP or RPC. */
export interface WorkflowDeps {
  env: Env;
  config: ServiceConfig;
  db: Database;
  /** Work that continues after the answer is sent (ExecutionContext.waitUntil). */
  waitUntil(promise: Promise<unknown>): void;
  /** Who acts and from where, for the audit trail. */
  audit: AuditContext;
  /** The request's time spent in users' objects, for the access log; absent where nothing logs it. */
  userObjectTime?: UserObjectTime;
}
