// The password reset operations both edges call, after each has authenticated the caller and
// checked the kind of token: the boundary, then the workflow.
import type { z } from "@hono/zod-openapi";
import type { Caller } from "../auth/caller";
import { NotFound } from "../auth/refusals";
import { publicBaseUrl } from "../config/public-origin";
import { replicaFirst } from "../db/client";
import { clientOfApplication } from "../directory/clients";
import { ConstraintViolationsError } from "../policy/violations";
import { changePassword as changePasswordWorkflow } from "../workflows/change-password";
import type { WorkflowDeps } from "../workflows/deps";
import { createPasswordResetLink as createLinkWorkflow } from "../workflows/password-reset/create-password-reset-link";
import { resetModeOf } from "../workflows/password-reset/decide";
import { requestPasswordReset as requestWorkflow } from "../workflows/password-reset/request-password-reset";
import { resetPassword as resetWorkflow } from "../workflows/password-reset/reset-password";
import { tenantInBoundary, userInBoundary } from "./boundary";
import type { OperationScope } from "./scope";
import type { ChangePasswordBody, RequestPasswordResetBody, ResetPasswordBody } from "./schemas/password-reset";

/** An admin link asked for an INACTIVE user: 409, activate the user first. */
export class UserInactive extends Error {
  override name = "UserInactive";
  constructor() {
    super("The user is inactive; activate the user first.");
  }
}

export async function requestPasswordReset(s: OperationScope, body: z.output<typeof RequestPasswordResetBody>) {
  const tenant = await tenantInBoundary(s, body.tenantId);
  if (body.clientId && !(await replicaFirst(s, (db) => clientOfApplication(db, body.clientId!, tenant.applicationId)))) {
    throw new ConstraintViolationsError({ clientId: [{ code: "unknown_client", constraintAttributes: {} }] });
  }
  return requestWorkflow(s, tenant, body.email);
}

/** Application boundary: the caller's application, whose codes alone it may spend. */
export function resetPassword(deps: WorkflowDeps, applicationId: string, body: z.output<typeof ResetPasswordBody>) {
  return resetWorkflow(deps, applicationId, {
    mode: resetModeOf(body),
    newPassword: body.newPassword,
    suppressPasswordUpdatedEmail: body.suppressPasswordUpdatedEmail,
  });
}

/**
 * `inactiveUser`: HTTP answers 409 (UserInactive) for an INACTIVE user before issuing anything;
 * RPC has always let the user's object refuse, answering 404, and keeps that answer.
 */
export async function createPasswordResetLink(s: OperationScope, userId: string, inactiveUser: "conflict" | "not_found") {
  const user = await userInBoundary(s, userId);
  if (inactiveUser === "conflict" && user.status !== "ACTIVE") throw new UserInactive();
  const link = await createLinkWorkflow(s, user, publicBaseUrl(s.env));
  if (!link) throw new NotFound("User");
  return link;
}

/** Self boundary: `caller` is the end user whose own token the edge has checked. */
export async function changePassword(deps: WorkflowDeps, caller: Caller, body: z.output<typeof ChangePasswordBody>) {
  const user = await userInBoundary({ env: deps.env, var: { db: deps.db, replica: deps.replica, caller } }, body.userId);
  return changePasswordWorkflow(deps, user, body);
}
