// Who acted and from where: gathered once per request (src/http/audit-context.ts) or RPC call, and
// carried to the workflows in WorkflowDeps.
import type { Caller } from "../auth/caller";

export type Actor =
  | { kind: "client"; id: string }
  | { kind: "user"; id: string }
  | { kind: "admin" }
  /** A visitor of a hosted page, who proves nothing but the code they hold. */
  | { kind: "anonymous" }
  | { kind: "system" };

export interface AuditContext {
  actor: Actor;
  requestId: string | null;
  ip: string | null;
  userAgent: string | null;
}

/** A user agent is free text from the client: kept, but not without bound. */
export const MAX_USER_AGENT_LENGTH = 256;

export function actorOf(caller: Caller | undefined): Actor {
  if (!caller) return { kind: "anonymous" };
  if (caller.kind === "admin") return { kind: "admin" };
  if (caller.kind === "user") return { kind: "user", id: caller.userId };
  return { kind: "client", id: caller.clientId };
}
