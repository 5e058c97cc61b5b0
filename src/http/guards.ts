// Loading a resource inside the caller's boundary: absent and out-of-bounds read alike.
import type { Context } from "hono";
import { type Access, applicationAccess, tenantAccess, userAccess } from "../auth/boundary";
import { getApplication } from "../directory/applications";
import { getTenant } from "../directory/tenants";
import { getUser } from "../directory/users";
import type { AppEnv } from "./app-env";
import { forbidden, notFound } from "./errors";

function enforce(access: Access, what: string): void {
  if (access === "not_found") throw notFound(what);
  if (access === "forbidden") throw forbidden();
}

export async function applicationInBoundary(c: Context<AppEnv>, id: string) {
  const app = await getApplication(c.var.db, id);
  enforce(app ? applicationAccess(c.var.caller, id) : "not_found", "Application");
  return app!;
}

export async function tenantInBoundary(c: Context<AppEnv>, id: string) {
  const tenant = await getTenant(c.var.db, id);
  enforce(tenant ? tenantAccess(c.var.caller, tenant) : "not_found", "Tenant");
  return tenant!;
}

export async function userInBoundary(c: Context<AppEnv>, id: string) {
  const user = await getUser(c.var.db, id);
  enforce(user ? userAccess(c.var.caller, user) : "not_found", "User");
  return user!;
}
