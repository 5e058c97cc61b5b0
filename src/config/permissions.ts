export const PERMISSIONS = [
  "application:read",
  "application:write",
  "tenant:read",
  "tenant:write",
  "client:read",
  "client:write",
  "user:read",
  "user:write",
  "password-reset-workflow:execute",
  "change-password-workflow:execute",
  "login:execute",
  "refresh-token:revoke",
  /** Send X-End-User-IP: the end user's address, whose budget the call then spends too. */
  "end-user-ip:assert",
  "audit-event:read",
  "email-delivery:read",
  /** Send a failed or dead email again (a new job, audited). */
  "email-delivery:write",
] as const;

export type Permission = (typeof PERMISSIONS)[number];

/** What an end user's own access token may do: act on itself (Self boundary). */
export const END_USER_PERMISSIONS: Permission[] = ["change-password-workflow:execute"];
