import { z } from "@hono/zod-openapi";
import { apiRoute } from "../api-route";
import { listSessions, revokeSessions } from "../../operations/sessions";
import { operationScope } from "../workflow-deps";
import { requireCaller } from "../middleware/authenticate";
import { router } from "../router";
import { Id, bearerSecurity, errorResponses, jsonResponse } from "../schemas/common";

const Session = z.object({ sessionId: Id, applicationId: Id, tenantId: Id, createdAt: z.string(), lastUsedAt: z.string() }).openapi("Session");
const params = { params: z.object({ userId: Id }) };

const revokeRoute = (operationId: string, path: string, summary: string) =>
  apiRoute({
    method: "post",
    path,
    operationId,
    summary,
    security: bearerSecurity,
    middleware: [requireCaller({ permission: "refresh-token:revoke" })] as const,
    request: params,
    responses: { 204: { description: "Revoked." }, ...errorResponses(404) },
  });

export const sessionRoutes = router()
  .openapi(
    apiRoute({
      method: "get",
      path: "/users/{userId}/sessions",
      operationId: "listSessions",
      summary: "The user's active sessions",
      security: bearerSecurity,
      middleware: [requireCaller({ permission: "user:read" })] as const,
      request: params,
      responses: { 200: jsonResponse(z.object({ items: z.array(Session) }), "Active sessions, newest first."), ...errorResponses(404) },
    }),
    async (c) => c.json(await listSessions(operationScope(c), c.req.valid("param").userId), 200),
  )
  .openapi(revokeRoute("revokeSessions", "/users/{userId}/sessions/revoke", "Revoke all of the user's sessions and refresh tokens"), async (c) => {
    await revokeSessions(operationScope(c), c.req.valid("param").userId, "sessions");
    return c.body(null, 204);
  })
  .openapi(revokeRoute("revokeRefreshTokens", "/users/{userId}/refresh-tokens/revoke", "Revoke all of the user's refresh tokens; sessions stay"), async (c) => {
    await revokeSessions(operationScope(c), c.req.valid("param").userId, "refresh_tokens");
    return c.body(null, 204);
  });
