// An administrator ends a user's sessions (and their refresh tokens), or only the refresh tokens.
import { recordAuditEventAfter } from "../../audit/record";
import type { User } from "../../directory/users";
import { callUserObject } from "../../user-object/stub";
import type { WorkflowDeps } from "../deps";

export async function revokeUserSessions(deps: WorkflowDeps, user: User, scope: "sessions" | "refresh_tokens"): Promise<void> {
  await callUserObject(deps, user, scope === "sessions" ? "revokeAllSessions" : "revokeAllRefreshTokens");
  recordAuditEventAfter(deps, { type: "sessions.revoked", applicationId: user.applicationId, tenantId: user.tenantId, userId: user.id, detail: { scope } });
}
