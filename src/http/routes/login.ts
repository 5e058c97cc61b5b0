import { z } from "@hono/zod-openapi";
import { apiRoute } from "../api-route";
import { Forbidden } from "../../auth/refusals";
import { login } from "../../operations/sessions";
import { LoginBody } from "../../operations/schemas/login";
import { requireCaller } from "../middleware/authenticate";
import { rateLimit } from "../middleware/rate-limit";
import { EndUserIpHeaders } from "../schemas/end-user-ip";
import { router } from "../router";
import { Id, bearerSecurity, errorResponses, jsonBody, jsonResponse } from "../schemas/common";
import { operationScope } from "../workflow-deps";

const LoginResponse = z
  .discriminatedUnion("result", [
    z.object({
      result: z.literal("SUCCESS"),
      userId: Id,
      sessionId: Id,
      accessToken: z.string().openapi({ description: "ES256 at+jwt, 5 minutes, with sub, sid, app_id, tnt_id, permissions." }),
      refreshToken: z.string().openapi({ description: "Rotates on every use." }),
      expiresIn: z.number().int(),
    }),
    z.object({ result: z.literal("INVALID_CREDENTIALS") }).openapi({ description: "Wrong password, or no such active user: indistinguishable." }),
  ])
  .openapi("LoginResponse");

export const loginRoutes = router().openapi(
  apiRoute({
    method: "post",
    path: "/login",
    operationId: "login",
    summary: "Log a user in (the host application's backend calls this)",
    security: bearerSecurity,
    middleware: [requireCaller({ permission: "login:execute" }), rateLimit("login")] as const,
    rateLimited: true,
    request: { ...jsonBody(LoginBody), headers: EndUserIpHeaders },
    responses: { 200: jsonResponse(LoginResponse, "The outcome, in `result`."), ...errorResponses(404, 429) },
  }),
  async (c) => {
    const caller = c.var.caller;
    if (caller.kind !== "client" || caller.tenantId !== null) throw new Forbidden("Login needs a token at Application boundary.");
    return c.json(await login(operationScope(c), caller.clientId, c.req.valid("json")), 200);
  },
);
