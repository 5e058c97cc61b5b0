// A tenant's users, as both edges call them after authenticating the caller.
import type { z } from "@hono/zod-openapi";
import { policyForTenant } from "../directory/policies";
import { listUsersRouted } from "../directory/user-shards";
import { decodeCursor, encodeCursor } from "../db/page-cursor";
import { ConstraintViolationsError } from "../policy/violations";
import { newUserPasswordViolations } from "../workflows/breached-password";
import { createUser as createUserWorkflow, deleteUser as deleteUserWorkflow } from "../workflows/users";
import { tenantInBoundary, userInBoundary } from "./boundary";
import { type CreateUserBody, type ListUsersQuery, presentUser } from "./schemas/users";
import type { OperationScope } from "./scope";

export async function createUser(s: OperationScope, body: z.output<typeof CreateUserBody>) {
  const tenant = await tenantInBoundary(s, body.tenantId);
  if (body.password !== undefined) {
    const violations = await newUserPasswordViolations(s.env, await policyForTenant(s.replica, tenant), body.password, body.email);
    if (violations.length) throw new ConstraintViolationsError({ password: violations }, "The password does not satisfy the tenant's password policy.");
  }
  const user = await createUserWorkflow(s, {
    applicationId: tenant.applicationId,
    tenantId: tenant.id,
    email: body.email,
    password: body.password ?? null,
    status: body.status ?? "ACTIVE",
  });
  return presentUser(user);
}

export async function getUser(s: OperationScope, userId: string) {
  return presentUser(await userInBoundary(s, userId));
}

/**
 * `readQuery` runs after the boundary check, so over RPC (which parses there) an unknown tenant
 * answers 404 whatever the query; HTTP has validated it before.
 */
export async function listUsers(s: OperationScope, tenantId: string, readQuery: () => z.output<typeof ListUsersQuery>) {
  const tenant = await tenantInBoundary(s, tenantId);
  const { email, limit, cursor } = readQuery();
  // Every shard of the tenant's set, merged newest first (src/shards/fan-out.ts).
  const page = await listUsersRouted(s.env, tenant.id, { ...(email ? { email } : {}), limit, ...(cursor ? { cursor: decodeCursor(cursor)! } : {}) });
  return { items: page.rows.map(presentUser), nextCursor: page.next ? encodeCursor(page.next) : null };
}

export async function deleteUser(s: OperationScope, userId: string): Promise<void> {
  const user = await userInBoundary(s, userId);
  await deleteUserWorkflow(s, user);
}
