// Permission boundaries as pure decisions. A resource outside the caller's boundary is never acted
// on: it reads as absent (404) unless its id is one the caller's own token names (403).
import type { Caller } from "./caller";

export type Access = "allowed" | "not_found" | "forbidden";

export function applicationAccess(caller: Caller, applicationId: string): Access {
  if (caller.kind === "admin") return "allowed";
  if (caller.applicationId !== applicationId) return "not_found";
  // A tenant-scoped token knows its application's id but acts only inside its tenant.
  if (caller.tenantId !== null) return "forbidden";
  return "allowed";
}

export function tenantAccess(caller: Caller, tenant: { id: string; applicationId: string }): Access {
  if (caller.kind === "admin") return "allowed";
  if (caller.applicationId !== tenant.applicationId) return "not_found";
  if (caller.tenantId !== null && caller.tenantId !== tenant.id) return "not_found";
  return "allowed";
}

/** Users: Application or Tenant boundary for clients; Self boundary for end users. */
export function userAccess(caller: Caller, user: { id: string; tenantId: string; applicationId: string }): Access {
  if (caller.kind === "user" && caller.userId !== user.id) return "not_found";
  return tenantAccess(caller, { id: user.tenantId, applicationId: user.applicationId });
}
