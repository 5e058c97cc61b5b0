import { apiRoute } from "../api-route";
import { Forbidden } from "../../auth/refusals";
import { changePassword } from "../../operations/password-reset";
import { requireCaller } from "../middleware/authenticate";
import { router } from "../router";
import { bearerSecurity, errorResponses, jsonBody, jsonResponse } from "../schemas/common";
import { ChangePasswordBody, ChangePasswordResponse } from "../../operations/schemas/password-reset";
import { workflowDeps } from "../workflow-deps";

export const changePasswordRoutes = router().openapi(
  apiRoute({
    method: "post",
    path: "/change-password",
    operationId: "changePassword",
    summary: "Change Password (Self boundary: the end user's own access token)",
    description: "The same password policy, revocation of sessions and refresh tokens, and Password Updated email as a reset.",
    security: bearerSecurity,
    middleware: [requireCaller({ permission: "change-password-workflow:execute" })] as const,
    request: jsonBody(ChangePasswordBody),
    rateLimited: true,
    responses: { 200: jsonResponse(ChangePasswordResponse, "The outcome, in `result`."), ...errorResponses(404, 429, 503) },
  }),
  async (c) => {
    const body = c.req.valid("json");
    const caller = c.var.caller;
    if (caller.kind !== "user" || caller.userId !== body.userId) throw new Forbidden("Change Password needs the user's own access token.");
    return c.json(await changePassword(workflowDeps(c), caller, body), 200);
  },
);
