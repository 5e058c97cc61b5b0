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
 * A failure the service answers, as the HTTP API answers it: the status the same call gets over
 * HTTP, the `code` and `message` of its body, whether (and after how many seconds) to retry, and
 * for a 400 the field-level violations.
 */
export interface RpcFailure {
  status: number;
  code: string;
  message: string;
  retryable: boolean;
  /** Seconds; null when a retry will not help, or may come at once. */
  retryAfter: number | null;
  /** Field-level violations of a 400. */
  violations?: Record<string, Violation[]>;
}

/**
 * What every method resolves to. Only plain data crosses a service binding intact (an Error's own
 * properties do not), so every failure the service can name is a result, like an HTTP answer.
 */
export type RpcResult<T> = { ok: true; value: T } | { ok: false; error: RpcFailure };

const THROWN = "PasswordResetServiceError ";

/**
 * The message of the one failure that is thrown instead: one the service cannot name (a bug,
 * `internal_error`). A thrown Error keeps only its message across a binding, so that carries the
 * failure as JSON. Used by the service; read it back with `rpcFailureOf`.
 */
export function thrownFailureMessage(failure: RpcFailure): string {
  return `${THROWN}${JSON.stringify(failure)}`;
}

/** The failure a method threw, read back from the message; null for anything else (the platform's own errors). */
export function rpcFailureOf(e: unknown): RpcFailure | null {
  if (!(e instanceof Error)) return null;
  const at = e.message.indexOf(THROWN);
  if (at < 0) return null;
  try {
    const failure: unknown = JSON.parse(e.message.slice(at + THROWN.length));
    if (typeof failure !== "object" || failure === null) return null;
    const { status, code, message, retryable, retryAfter } = failure as Record<string, unknown>;
    if (typeof status !== "number" || typeof code !== "string" || typeof message !== "string" || typeof retryable !== "boolean") return null;
    return { status, code, message, retryable, retryAfter: typeof retryAfter === "number" ? retryAfter : null };
  } catch {
    return null;
  }
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
 * same boundary. Names are the OpenAPI operationIds. Each resolves to `{ ok: true, value }` with
 * what the HTTP body holds, or to `{ ok: false, error }` with what the HTTP error answer holds.
 */
export interface PasswordResetRpc {
  requestPasswordReset(input: { tenantId: string; email: string; clientId?: string }, endUser?: EndUser): Promise<RpcResult<RequestPasswordResetResult>>;
  resetPassword(input: ResetPasswordInput, endUser?: EndUser): Promise<RpcResult<ResetPasswordResult>>;
  createPasswordResetLink(input: { userId: string }): Promise<RpcResult<PasswordResetLink>>;
  /** Self boundary, as over HTTP: the end user's own access token proves the session. */
  changePassword(input: {
    userAccessToken: string;
    userId: string;
    currentPassword: string;
    newPassword: string;
    suppressPasswordUpdatedEmail?: boolean;
  }): Promise<RpcResult<ChangePasswordResult>>;
  login(input: { tenantId: string; email: string; password: string }, endUser?: EndUser): Promise<RpcResult<LoginResult>>;
  /** Rotates the refresh token. A spent, revoked or unknown one fails with 400 `invalid_grant`. */
  refresh(input: { refreshToken: string; scope?: string }, endUser?: EndUser): Promise<RpcResult<TokenResult>>;
  introspect(input: { token: string }): Promise<RpcResult<Introspection>>;
  /** RFC 7009: unknown tokens are ignored. */
  revoke(input: { token: string }): Promise<RpcResult<void>>;
  listSessions(input: { userId: string }): Promise<RpcResult<{ items: Session[] }>>;
  revokeSessions(input: { userId: string }): Promise<RpcResult<void>>;
  revokeRefreshTokens(input: { userId: string }): Promise<RpcResult<void>>;
  createUser(input: { tenantId: string; email: string; password?: string; status?: "ACTIVE" | "INACTIVE" }): Promise<RpcResult<User>>;
  getUser(input: { userId: string }): Promise<RpcResult<User>>;
  listUsers(input: { tenantId: string; email?: string; limit?: number; cursor?: string }): Promise<RpcResult<{ items: User[]; nextCursor: string | null }>>;
  deleteUser(input: { userId: string }): Promise<RpcResult<void>>;
}

/** The service binding's props, set in the calling Worker's wrangler config. */
export interface PasswordResetBindingProps {
  clientId: string;
}
