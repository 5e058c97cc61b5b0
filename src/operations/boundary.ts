// Loading a resource inside the caller's boundary: absent and out-of-bounds read alike.
import { type Access, applicationAccess, tenantAccess, userAccess } from "../auth/boundary";
import { getApplication } from "../directory/applications";
import { getTenant } from "../directory/tenants";
import { getUserRouted } from "../directory/user-shards";
import type { Caller } from "../auth/caller";
import { type Database, replicaFirst } from "../db/client";
import { Forbidden, NotFound } from "../auth/refusals";

/**
 * A request's context (Hono's shape), or the RPC entrypoint's own: who calls, and the database's
 * sessions (`env`: the shards, for users). Resources are read from the replica, and from the primary
 * when the replica has none yet.
 */
export interface BoundaryScope {
  env: Env;
  var: { db: Database; replica: Database; caller: Caller };
}

function enforce(access: Access, what: string): void {
  if (access === "not_found") throw new NotFound(what);
  if (access === "forbidden") throw new Forbidden();
}

export async function applicationInBoundary(c: BoundaryScope, id: string) {
  const app = await replicaFirst(c.var, (db) => getApplication(db, id));
  enforce(app ? applicationAccess(c.var.caller, id) : "not_found", "Application");
  return app!;
}

export async function tenantInBoundary(c: BoundaryScope, id: string) {
  const tenant = await replicaFirst(c.var, (db) => getTenant(db, id));
  enforce(tenant ? tenantAccess(c.var.caller, tenant) : "not_found", "Tenant");
  return tenant!;
}

export async function userInBoundary(c: BoundaryScope, id: string) {
  const user = await getUserRouted(c.env, id, "replica-first");
  enforce(user ? userAccess(c.var.caller, user) : "not_found", "User");
  return user!;
}
