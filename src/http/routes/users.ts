import { z } from "@hono/zod-openapi";
import { apiRoute } from "../api-route";
import { listUsers } from "../../directory/users";
import { policyForTenant } from "../../directory/policies";
import { newUserPasswordViolations } from "../../workflows/breached-password";
import { createUser, deleteUser, setUserStatus } from "../../workflows/users";
import { ConstraintViolationsError, notFound } from "../errors";
import { tenantInBoundary, userInBoundary } from "../guards";
import { requireCaller } from "../middleware/authenticate";
import { router } from "../router";
import { workflowDeps } from "../workflow-deps";
import { Id, bearerSecurity, errorResponses, iso, jsonBody, jsonResponse } from "../schemas/common";

const Email = z.email().max(320).openapi({ example: "alice@example.com" });

const UserStatus = z.enum(["ACTIVE", "INACTIVE"]).openapi({ description: "INACTIVE users cannot log in, refresh, change the password or reset it." });

const User = z
  .object({
    id: Id,
    applicationId: Id,
    tenantId: Id,
    email: z.string(),
    status: UserStatus,
    createdAt: z.string(),
  })
  .openapi("User");

export const CreateUserBody = z
  .object({
    tenantId: Id,
    email: Email,
    password: z.string().min(1).max(1024).optional().openapi({ description: "Checked against the tenant's password rules (lengths, contains_email, breached); see PasswordPolicyViolation." }),
    status: UserStatus.optional().openapi({ description: "Default ACTIVE." }),
  })
  .strict();

export const ListUsersQuery = z.object({ email: Email.optional(), limit: z.coerce.number().int().min(1).max(200).default(50) });

export const presentUser = (u: { id: string; applicationId: string; tenantId: string; email: string; status: "ACTIVE" | "INACTIVE"; createdAt: number }) => ({
  id: u.id,
  applicationId: u.applicationId,
  tenantId: u.tenantId,
  email: u.email,
  status: u.status,
  createdAt: iso(u.createdAt),
});

export const userRoutes = router()
  .openapi(
    apiRoute({
      method: "post",
      path: "/users",
      operationId: "createUser",
      summary: "Create a user in a tenant, optionally with a password",
      security: bearerSecurity,
      middleware: [requireCaller({ permission: "user:write", admin: "allowed" })] as const,
      request: jsonBody(CreateUserBody),
      responses: { 201: jsonResponse(User, "Created."), ...errorResponses(404, 409, 503) },
    }),
    async (c) => {
      const body = c.req.valid("json");
      const tenant = await tenantInBoundary(c, body.tenantId);
      if (body.password !== undefined) {
        const violations = await newUserPasswordViolations(c.env, await policyForTenant(c.var.db, tenant), body.password, body.email);
        if (violations.length) throw new ConstraintViolationsError({ password: violations }, "The password does not satisfy the tenant's password policy.");
      }
      const user = await createUser(c.env, c.var.db, {
        applicationId: tenant.applicationId,
        tenantId: tenant.id,
        email: body.email,
        password: body.password ?? null,
        status: body.status ?? "ACTIVE",
      });
      return c.json(presentUser(user), 201);
    },
  )
  .openapi(
    apiRoute({
      method: "get",
      path: "/users/{userId}",
      operationId: "getUser",
      summary: "Read a user",
      security: bearerSecurity,
      middleware: [requireCaller({ permission: "user:read", admin: "allowed" })] as const,
      request: { params: z.object({ userId: Id }) },
      responses: { 200: jsonResponse(User, "The user."), ...errorResponses(404) },
    }),
    async (c) => c.json(presentUser(await userInBoundary(c, c.req.valid("param").userId)), 200),
  )
  .openapi(
    apiRoute({
      method: "patch",
      path: "/users/{userId}",
      operationId: "updateUserStatus",
      summary: "Change a user's status",
      description:
        "INACTIVE: the user can no longer log in, refresh, change the password or spend a reset code, and request-password-reset answers as for an unknown email. Deactivating revokes every session and refresh token and invalidates every outstanding reset code. ACTIVE: the user can log in again with the same password; nothing revoked comes back.",
      security: bearerSecurity,
      middleware: [requireCaller({ permission: "user:write", admin: "allowed" })] as const,
      request: {
        params: z.object({ userId: Id }),
        ...jsonBody(z.object({ status: UserStatus }).strict().openapi("UserStatusChange")),
      },
      responses: { 200: jsonResponse(User, "The user, with the new status."), ...errorResponses(404) },
    }),
    async (c) => {
      const user = await userInBoundary(c, c.req.valid("param").userId);
      const updated = await setUserStatus(workflowDeps(c), user, c.req.valid("json").status);
      if (!updated) throw notFound("User");
      return c.json(presentUser(updated), 200);
    },
  )
  .openapi(
    apiRoute({
      method: "delete",
      path: "/users/{userId}",
      operationId: "deleteUser",
      summary: "Delete a user, with everything in the user's Durable Object",
      description:
        "Deletes the user's password, sessions and refresh tokens first and leaves a tombstone, so that no code, session or token of the user works again, then the directory row. A 503 may leave the directory row behind, with the user already unable to sign in or reset; retry to complete the delete.",
      security: bearerSecurity,
      middleware: [requireCaller({ permission: "user:write", admin: "allowed" })] as const,
      request: { params: z.object({ userId: Id }) },
      responses: { 204: { description: "Deleted." }, ...errorResponses(404) },
    }),
    async (c) => {
      const user = await userInBoundary(c, c.req.valid("param").userId);
      await deleteUser(workflowDeps(c), user);
      return c.body(null, 204);
    },
  )
  .openapi(
    apiRoute({
      method: "get",
      path: "/tenants/{tenantId}/users",
      operationId: "listUsers",
      summary: "List a tenant's users, optionally by email (case-insensitive)",
      security: bearerSecurity,
      middleware: [requireCaller({ permission: "user:read", admin: "allowed" })] as const,
      request: {
        params: z.object({ tenantId: Id }),
        query: ListUsersQuery,
      },
      responses: { 200: jsonResponse(z.object({ items: z.array(User) }), "Matching users, newest first."), ...errorResponses(404) },
    }),
    async (c) => {
      const tenant = await tenantInBoundary(c, c.req.valid("param").tenantId);
      const { email, limit } = c.req.valid("query");
      const rows = await listUsers(c.var.db, tenant.id, { ...(email ? { email } : {}), limit });
      return c.json({ items: rows.map(presentUser) }, 200);
    },
  );
