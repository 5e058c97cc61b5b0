import { z } from "@hono/zod-openapi";
import { apiRoute } from "../api-route";
import { NotFound } from "../../auth/refusals";
import { userInBoundary } from "../../operations/boundary";
import { CreateUserBody, ListUsersQuery, UserStatus, presentUser } from "../../operations/schemas/users";
import { createUser, deleteUser, getUser, listUsers } from "../../operations/users";
import { setUserStatus } from "../../workflows/users";
import { requireCaller } from "../middleware/authenticate";
import { router } from "../router";
import { operationScope, workflowDeps } from "../workflow-deps";
import { NextCursor } from "../../operations/schemas/page-cursor";
import { Id, bearerSecurity, errorResponses, jsonBody, jsonResponse } from "../schemas/common";


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
    async (c) => c.json(await createUser(operationScope(c), c.req.valid("json")), 201),
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
    async (c) => c.json(await getUser(operationScope(c), c.req.valid("param").userId), 200),
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
      if (!updated) throw new NotFound("User");
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
      await deleteUser(operationScope(c), c.req.valid("param").userId);
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
      responses: { 200: jsonResponse(z.object({ items: z.array(User), nextCursor: NextCursor }), "Matching users, newest first."), ...errorResponses(404) },
    }),
    async (c) => c.json(await listUsers(operationScope(c), c.req.valid("param").tenantId, () => c.req.valid("query")), 200),
  );
