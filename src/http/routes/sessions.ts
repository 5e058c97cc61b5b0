import { z } from "@hono/zod-openapi";
import { apiRoute } from "../api-route";
import { callUserObject } from "../../user-object/stub";
import { revokeUserSessions } from "../../workflows/sessions/revoke-sessions";
import { userInBoundary } from "../guards";
import { workflowDeps } from "../workflow-deps";
import { requireCaller } from "../middleware/authenticate";
import { router } from "../router";
import { Id, bearerSecurity, errorResponses, iso, jsonResponse } from "../schemas/common";

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
    async (c) => {
      const user = await userInBoundary(c, c.req.valid("param").userId);
      const sessions = await callUserObject(c.env, user.id, "listSessions");
      return c.json({ items: sessions.map((s) => ({ ...s, createdAt: iso(s.createdAt), lastUsedAt: iso(s.lastUsedAt) })) }, 200);
    },
  )
  .openapi(revokeRoute("revokeSessions", "/users/{userId}/sessions/revoke", "Revoke all of the user's sessions and refresh tokens"), async (c) => {
    const user = await userInBoundary(c, c.req.valid("param").userId);
    await revokeUserSessions(workflowDeps(c), user, "sessions");
    return c.body(null, 204);
  })
  .openapi(revokeRoute("revokeRefreshTokens", "/users/{userId}/refresh-tokens/revoke", "Revoke all of the user's refresh tokens; sessions stay"), async (c) => {
    const user = await userInBoundary(c, c.req.valid("param").userId);
    await revokeUserSessions(workflowDeps(c), user, "refresh_tokens");
    return c.body(null, 204);
  });
