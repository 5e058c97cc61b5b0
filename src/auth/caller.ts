/** Who is calling, after authentication. */
export type Caller =
  | { kind: "admin" }
  | { kind: "client"; clientId: string; applicationId: string; tenantId: string | null; permissions: string[] }
  | { kind: "user"; userId: string; sessionId: string; applicationId: string; tenantId: string; permissions: string[] };

export function hasPermission(caller: Caller, permission: string): boolean {
  return caller.kind === "admin" || caller.permissions.includes(permission);
}
