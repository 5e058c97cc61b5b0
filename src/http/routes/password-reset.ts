import { apiRoute } from "../api-route";
import type { Context } from "hono";
import { Forbidden } from "../../auth/refusals";
import { createPasswordResetLink, requestPasswordReset, resetPassword } from "../../operations/password-reset";
import type { AppEnv } from "../app-env";
import { requireCaller } from "../middleware/authenticate";
import { rateLimit } from "../middleware/rate-limit";
import { EndUserIpHeaders } from "../schemas/end-user-ip";
import { router } from "../router";
import { bearerSecurity, errorResponses, jsonBody, jsonResponse } from "../schemas/common";
import {
  CreatePasswordResetLinkBody,
  CreatePasswordResetLinkResponse,
  RequestPasswordResetBody,
  RequestPasswordResetResponse,
  ResetPasswordBody,
  ResetPasswordResponse,
} from "../../operations/schemas/password-reset";
import { operationScope, workflowDeps } from "../workflow-deps";

const PERMISSION = "password-reset-workflow:execute";
const workflow = requireCaller({ permission: PERMISSION });

/** Application boundary: a client token without a tenant. */
function applicationOf(c: Context<AppEnv>): string {
  const caller = c.var.caller;
  if (caller.kind !== "client" || caller.tenantId !== null) throw new Forbidden("This endpoint needs a token at Application boundary.");
  return caller.applicationId;
}

export const passwordResetRoutes = router()
  .openapi(
    apiRoute({
      method: "post",
      path: "/password-reset/request-password-reset",
      operationId: "requestPasswordReset",
      summary: "Request a password reset email (link or OTP, by the tenant's policy)",
      description:
        "Answers the same way, in shape and as closely as possible in time, whether or not the email belongs to an active user: the answer waits only for one message on the email queue, the same for every email. The code is issued and the email sent by the queue's consumer, with retries; delivery status is at GET /applications/{applicationId}/email-deliveries. A new request supersedes the user's earlier email requests. 503 when the queue is unavailable (nothing was requested; retry).",
      security: bearerSecurity,
      middleware: [workflow, rateLimit("request-password-reset")] as const,
      rateLimited: true,
      request: { ...jsonBody(RequestPasswordResetBody), headers: EndUserIpHeaders },
      responses: { 200: jsonResponse(RequestPasswordResetResponse, "Accepted."), ...errorResponses(404) },
    }),
    async (c) => {
      applicationOf(c);
      return c.json(await requestPasswordReset(operationScope(c), c.req.valid("json")), 200);
    },
  )
  .openapi(
    apiRoute({
      method: "post",
      path: "/password-reset/create-password-reset-link",
      operationId: "createPasswordResetLink",
      summary: "Create an admin password reset link for a user",
      description: "Application boundary, or Tenant boundary for the token's own tenant. A new link invalidates the user's earlier links. An INACTIVE user gets none (409).",
      security: bearerSecurity,
      middleware: workflow,
      request: jsonBody(CreatePasswordResetLinkBody),
      responses: { 200: jsonResponse(CreatePasswordResetLinkResponse, "Created."), ...errorResponses(404, 409) },
    }),
    async (c) => {
      if (c.var.caller.kind !== "client") throw new Forbidden("This endpoint needs a client token.");
      return c.json(await createPasswordResetLink(operationScope(c), c.req.valid("json").userId, "conflict"), 200);
    },
  )
  .openapi(
    apiRoute({
      method: "post",
      path: "/password-reset/reset-password",
      operationId: "resetPassword",
      summary: "Reset Password",
      description:
        "Updates the user's password and revokes the user's sessions and refresh tokens. Called in exactly one of three ways: with emailAuthCode (emailed link), with requestCode and verificationCode (emailed OTP), or with passwordResetCode (admin link). Any well-formed request answers 200 with a result. A storage failure answers 503 without consuming the code.",
      security: bearerSecurity,
      middleware: [workflow, rateLimit("reset-password")] as const,
      rateLimited: true,
      request: { ...jsonBody(ResetPasswordBody), headers: EndUserIpHeaders },
      responses: { 200: jsonResponse(ResetPasswordResponse, "The outcome, in `result`."), ...errorResponses(503) },
    }),
    async (c) => {
      const applicationId = applicationOf(c);
      return c.json(await resetPassword(workflowDeps(c), applicationId, c.req.valid("json")), 200);
    },
  );
