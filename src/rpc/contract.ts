// The RPC contract of the PasswordResetService entrypoint, for the Worker that calls it.
// Self-contained on purpose (no imports), so a host Worker can import it from this package:
//
//   import type { PasswordResetRpc } from "edge-password-reset/rpc";
//   interface Env { PASSWORD_RESET: PasswordResetRpc }
//
// The entrypoint `implements` this interface, so the compiler keeps both sides in step.

export interface Violation {
  code: string;
  constraintAttributes: Record<string, unknown>;
}

export interface PasswordViolation {
  code: "too_short" | "too_long" | "contains_email" | "breached" | "same_as_current";
  constraintAttributes: Record<string, number>;
}

/**
 * Every failure of a method: the HTTP status the same call would answer over HTTP, the error code
 * of its body, and whether (and after how many seconds) to retry. Over RPC it arrives as an `Error`
 * whose `name` is "PasswordResetServiceError" with these properties; use `isPasswordResetServiceError`.
 */
export interface PasswordResetServiceErrorShape extends Error {
  name: "PasswordResetServiceError";
  status: number;
  code: string;
  retryable: boolean;
  /** Seconds; null when a retry will not help, or may come at once. */
  retryAfter: number | null;
  /** Field-level violations of a 400. */
  violations?: Record<string, Violation[]>;
}

export function isPasswordResetServiceError(e: unknown): e is PasswordResetServiceErrorShape {
  return e instanceof Error && e.name === "PasswordResetServiceError" && typeof (e as { status?: unknown }).status === "number";
}

export type ResetPasswordInput = (
  | { emailAuthCode: string }
  | { passwordResetCode: string }
  | { requestCode: string; verificationCode: string }
) & { newPassword: string; suppressPasswordUpdatedEmail?: boolean };

export type ResetPasswordResult =
  | { result: "PASSWORD_UPDATED"; userId: string; tenantId: string; loginUrl?: string }
  | { result: "INVALID_CODE" | "EXPIRED_CODE" | "TOO_MANY_ATTEMPTS" }
  | { result: "PASSWORD_POLICY_VIOLATION"; violations: PasswordViolation[] };

export type RequestPasswordResetResult = { emailVerificationStrategy: "LINK" } | { emailVerificationStrategy: "OTP"; requestCode: string };

export interface PasswordResetLink {
  passwordResetLink: string;
  /** ISO 8601. */
  expiresAt: string;
}

export type ChangePasswordResult =
  | { result: "PASSWORD_UPDATED"; userId: string; tenantId: string; loginUrl?: string }
  | { result: "INVALID_CURRENT_PASSWORD" }
  | { result: "PASSWORD_POLICY_VIOLATION"; violations: PasswordViolation[] };

export type LoginResult =
  | { result: "SUCCESS"; userId: string; sessionId: string; accessToken: string; refreshToken: string; expiresIn: number }
  | { result: "INVALID_CREDENTIALS" };

export interface TokenResult {
  access_token: string;
  token_type: "Bearer";
  expires_in: number;
  scope: string;
  refresh_token?: string;
}

/** RFC 7662: inactive, or active with the token's claims (token_type, client_id, scope, sub, exp, iat…). */
export type Introspection = { active: false } | ({ active: true } & Record<string, unknown>);

export interface Session {
  sessionId: string;
  applicationId: string;
  tenantId: string;
  createdAt: string;
  lastUsedAt: string;
}

export interface User {
  id: string;
  applicationId: string;
  tenantId: string;
  email: string;
  status: "ACTIVE" | "INACTIVE";
  createdAt: string;
}

/**
 * Who the call is for, on the rate-limited methods (login, requestPasswordReset, resetPassword,
 * refresh): the end user's IP address, as the host Worker saw it (its `CF-Connecting-IP`). Its
 * budget is spent as well as the bound client's, exactly as `X-End-User-IP` over HTTP. Needs the
 * permission `end-user-ip:assert` (403 otherwise); not one IPv4 or IPv6 address: 400 `invalid_end_user_ip`.
 */
export interface EndUser {
  endUserIp?: string;
}

/**
 * The methods. The calling application is the one of the M2M client named by the service
 * binding's `props.clientId`; each method needs the permission the HTTP route needs, within the
 * same boundary. Names are the OpenAPI operationIds.
 */
export interface PasswordResetRpc {
  requestPasswordReset(input: { tenantId: string; email: string; clientId?: string }, endUser?: EndUser): Promise<RequestPasswordResetResult>;
  resetPassword(input: ResetPasswordInput, endUser?: EndUser): Promise<ResetPasswordResult>;
  createPasswordResetLink(input: { userId: string }): Promise<PasswordResetLink>;
  /** Self boundary, as over HTTP: the end user's own access token proves the session. */
  changePassword(input: {
    userAccessToken: string;
    userId: string;
    currentPassword: string;
    newPassword: string;
    suppressPasswordUpdatedEmail?: boolean;
  }): Promise<ChangePasswordResult>;
  login(input: { tenantId: string; email: string; password: string }, endUser?: EndUser): Promise<LoginResult>;
  /** Rotates the refresh token. A spent, revoked or unknown one throws 400 `invalid_grant`. */
  refresh(input: { refreshToken: string; scope?: string }, endUser?: EndUser): Promise<TokenResult>;
  introspect(input: { token: string }): Promise<Introspection>;
  /** RFC 7009: unknown tokens are ignored. */
  revoke(input: { token: string }): Promise<void>;
  listSessions(input: { userId: string }): Promise<{ items: Session[] }>;
  revokeSessions(input: { userId: string }): Promise<void>;
  revokeRefreshTokens(input: { userId: string }): Promise<void>;
  createUser(input: { tenantId: string; email: string; password?: string; status?: "ACTIVE" | "INACTIVE" }): Promise<User>;
  getUser(input: { userId: string }): Promise<User>;
  listUsers(input: { tenantId: string; email?: string; limit?: number }): Promise<{ items: User[] }>;
  deleteUser(input: { userId: string }): Promise<void>;
}

/** The service binding's props, set in the calling Worker's wrangler config. */
export interface PasswordResetBindingProps {
  clientId: string;
}
