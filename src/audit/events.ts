// The security events the audit trail records: a closed set, each with its own typed detail. The
// detail never carries a secret (code, token, password, a hash of one) or an email body.
import type { CodeKind } from "../workflows/password-reset/decide";

export const AUDIT_EVENT_TYPES = [
  "password_reset.requested",
  "password_reset.succeeded",
  "password_reset.failed",
  "otp.locked",
  "sessions.revoked",
  "password.changed",
  "password_failures.exceeded",
  "client.created",
  "client.updated",
  "client.disabled",
  "client.deleted",
  "client.secret_rotated",
  "client.secret_retired",
  "policy.changed",
  "user.deactivated",
  "user.reactivated",
  "user.deleted",
  // Email deliveries
  "email_delivery.retried",
  // Logins, admin reset links and user creation (issue 18 item 7).
  "login.succeeded",
  "login.failed",
  "password_reset.link_created",
  "user.created",
] as const;

export type AuditEventType = (typeof AUDIT_EVENT_TYPES)[number];

/** What the event is about. `applicationId` is required: the trail is read per application or per user. */
interface Subject {
  applicationId: string;
  tenantId: string | null;
  userId: string | null;
}

type Detailed<T extends AuditEventType, D extends Record<string, unknown>> = Subject & { type: T; detail: D };

export type ResetFailureReason = "INVALID_CODE" | "EXPIRED_CODE" | "TOO_MANY_ATTEMPTS" | "PASSWORD_POLICY_VIOLATION";

export type AuditEvent =
  /**
   * `email_queued`: the address names an active user, whom the email job `deliveryId` sends to;
   * `no_email`: an unknown or inactive address, for which the job sends nothing.
   */
  | Detailed<"password_reset.requested", { strategy: "LINK" | "OTP"; deliveryId: string | null; outcome: "email_queued" | "no_email" | "limit_held" }>
  | Detailed<"password_reset.succeeded", { method: CodeKind }>
  | Detailed<"password_reset.failed", { reason: ResetFailureReason; method: CodeKind }>
  /** A wrong verificationCode spent the OTP request's last attempt: it answers TOO_MANY_ATTEMPTS from now on. */
  | Detailed<"otp.locked", { maxAttempts: number }>
  | Detailed<"sessions.revoked", { scope: "sessions" | "refresh_tokens" }>
  | Detailed<"password.changed", Record<string, never>>
  /** An attempt refused for wrong passwords in a row; `retryAfterSeconds` null: only a reset lets the password be tried again. */
  | Detailed<"password_failures.exceeded", { via: "login" | "change_password"; retryAfterSeconds: number | null; resetRequired: boolean }>
  | Detailed<"client.created", { clientId: string; permissions: string[] }>
  /** `fields`: what the PATCH changed (name, permissions, disabled); `permissions`: the new set, when it changed. */
  | Detailed<"client.updated", { clientId: string; fields: string[]; permissions?: string[] }>
  | Detailed<"client.disabled" | "client.deleted" | "client.secret_retired", { clientId: string }>
  /** `previousSecretRetiresAt`: until when the replaced secret still works (ISO 8601). */
  | Detailed<"client.secret_rotated", { clientId: string; previousSecretRetiresAt: string }>
  /** `values`: what the PATCH set each field to (null: inherit). */
  | Detailed<"policy.changed", { level: "application" | "tenant"; fields: string[]; values: Record<string, unknown> }>
  | Detailed<"user.deactivated" | "user.reactivated" | "user.deleted", Record<string, never>>
  // Email deliveries
  /** An admin sent a failed or dead email again as the new job `retryDeliveryId`; never the address. */
  | Detailed<"email_delivery.retried", { deliveryId: string; retryDeliveryId: string; template: string }>
  // Logins, admin reset links and user creation.
  | Detailed<"login.succeeded", { sessionId: string }>
  /**
   * A wrong password, an inactive user and an unknown email read alike: one reason. `userId` is
   * null for an address that names no user; the address itself is never kept.
   */
  | Detailed<"login.failed", { reason: "INVALID_CREDENTIALS" }>
  /** An admin reset link was handed to the caller (its code never is recorded). */
  | Detailed<"password_reset.link_created", { expiresAt: string }>
  | Detailed<"user.created", { status: "ACTIVE" | "INACTIVE"; passwordSet: boolean }>;
