// Login and a user's sessions, as both edges call them after authenticating the caller.
import type { z } from "@hono/zod-openapi";
import { callUserObject } from "../user-object/stub";
import { revokeUserSessions } from "../workflows/sessions/revoke-sessions";
import { login as loginWorkflow } from "../workflows/sessions/login";
import { tenantInBoundary, userInBoundary } from "./boundary";
import { iso } from "./schemas/id";
import type { LoginBody } from "./schemas/login";
import type { OperationScope } from "./scope";

/** `clientId`: the host application's client, at Application boundary (the edge checked it). */
export async function login(s: OperationScope, clientId: string, body: z.output<typeof LoginBody>) {
  const tenant = await tenantInBoundary(s, body.tenantId);
  return loginWorkflow(s, clientId, tenant, body.email, body.password);
}

export async function listSessions(s: OperationScope, userId: string) {
  const user = await userInBoundary(s, userId);
  const sessions = await callUserObject(s, user, "listSessions");
  return { items: sessions.map((x) => ({ ...x, createdAt: iso(x.createdAt), lastUsedAt: iso(x.lastUsedAt) })) };
}

/** "sessions": every session and refresh token; "refresh_tokens": the refresh tokens only. */
export async function revokeSessions(s: OperationScope, userId: string, which: "sessions" | "refresh_tokens"): Promise<void> {
  const user = await userInBoundary(s, userId);
  await revokeUserSessions(s, user, which);
}
