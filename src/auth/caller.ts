/** Who is calling, after authentication. */
export type Caller =
  | { kind: "admin" }
  | { kind: "client"; clientId: string; applicationId: string; tenantId: string | null; permissions: string[] }
  /** `issuedTo`: the client the token was issued to, when it names one (not a `clientId`: the user is not that client). */
  | { kind: "user"; userId: string; sessionId: string; issuedTo: string | null; applicationId: string; tenantId: string; permissions: string[] };

export function hasPermission(caller: Caller, permission: string): boolean {
  return caller.kind === "admin" || caller.permissions.includes(permission);
}
