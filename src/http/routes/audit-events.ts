import { z } from "@hono/zod-openapi";
import { apiRoute } from "../api-route";
import { auditDatabasesFor } from "../../audit/audit-shards";
import { AUDIT_EVENT_TYPES } from "../../audit/events";
import { type AuditEventRow, type AuditQuery, listAuditEvents } from "../../audit/query";
import { decodeCursor, encodeCursor } from "../../db/page-cursor";
import { applicationInBoundary, userInBoundary } from "../../operations/boundary";
import { requireCaller } from "../middleware/authenticate";
import { router } from "../router";
import { Id, bearerSecurity, errorResponses, iso, jsonResponse } from "../schemas/common";
import { CursorParam, NextCursor } from "../../operations/schemas/page-cursor";

const PERMISSION = "audit-event:read";

const AuditEvent = z
  .object({
    id: Id,
    type: z.enum(AUDIT_EVENT_TYPES),
    occurredAt: z.string().openapi({ format: "date-time" }),
    applicationId: Id,
    tenantId: Id.nullable(),
    userId: Id.nullable(),
    actor: z
      .object({ kind: z.enum(["client", "user", "admin", "anonymous", "system"]), id: Id.optional() })
      .openapi({ description: "The M2M client or user that acted (with its id), the admin token, a hosted page's visitor (anonymous), or the service itself (system)." }),
    ip: z.string().nullable().openapi({
      description: "X-End-User-IP when the client holds end-user-ip:assert, otherwise the request's CF-Connecting-IP; over RPC, the `endUserIp` a rate-limited method is passed, else null.",
    }),
    userAgent: z.string().nullable().openapi({ description: "The request's User-Agent, cut at 256 characters; null over RPC." }),
    requestId: z.string().nullable().openapi({ description: "The request's X-Request-Id; null over RPC." }),
    detail: z.record(z.string(), z.unknown()).openapi({
      description:
        "The event's own fields, never a secret: `strategy`, `outcome` (email_queued, no_email, limit_held: the per-address email limit held it) and `deliveryId` (the email job; null when held) for password_reset.requested; `method` (EMAIL_LINK, EMAIL_OTP, ADMIN_LINK) for password_reset.succeeded; `reason` (INVALID_CODE, EXPIRED_CODE, TOO_MANY_ATTEMPTS, PASSWORD_POLICY_VIOLATION) and `method` for password_reset.failed; `maxAttempts` for otp.locked; `via` (login, change_password), `retryAfterSeconds` and `resetRequired` for password_failures.exceeded; `scope` (sessions, refresh_tokens) for sessions.revoked; `clientId` and `permissions` for client.created; `clientId`, the changed `fields` (name, permissions, disabled) and the new `permissions` when they changed for client.updated; `clientId` for client.disabled, client.deleted and client.secret_retired; `clientId` and `previousSecretRetiresAt` for client.secret_rotated; `level` (application, tenant) and the changed `fields` for policy.changed; `deliveryId`, `retryDeliveryId` and `template` for email_delivery.retried; `sessionId` for login.succeeded; `reason` (INVALID_CREDENTIALS, whatever failed) for login.failed; `expiresAt` for password_reset.link_created; `status` and `passwordSet` for user.created.",
    }),
  })
  .openapi("AuditEvent");

const AuditEventPage = z
  .object({
    items: z.array(AuditEvent),
    nextCursor: NextCursor,
  })
  .openapi("AuditEventPage");

const AuditEventsQuery = z.object({
  type: z.enum(AUDIT_EVENT_TYPES).optional().openapi({ description: "Only events of this type." }),
  from: z.iso.datetime({ offset: true }).optional().openapi({ description: "Only events at or after this time." }),
  to: z.iso.datetime({ offset: true }).optional().openapi({ description: "Only events before this time." }),
  limit: z.coerce.number().int().min(1).max(100).default(50),
  cursor: CursorParam.optional(),
});

const DESCRIPTION =
  "Newest first. Events are kept 90 days. A tenant-scoped token reads its own tenant's users only.";

const listRoute = <P extends string, S extends z.ZodObject>(operationId: string, path: P, params: S, summary: string) =>
  apiRoute({
    method: "get",
    path,
    operationId,
    summary,
    description: DESCRIPTION,
    security: bearerSecurity,
    middleware: [requireCaller({ permission: PERMISSION, admin: "allowed" })] as const,
    request: { params, query: AuditEventsQuery },
    responses: { 200: jsonResponse(AuditEventPage, "A page of events."), ...errorResponses(404) },
  });

function queryOf(scope: AuditQuery["scope"], q: z.output<typeof AuditEventsQuery>): AuditQuery {
  return {
    scope,
    limit: q.limit,
    ...(q.type ? { type: q.type } : {}),
    ...(q.from ? { from: Date.parse(q.from) } : {}),
    ...(q.to ? { to: Date.parse(q.to) } : {}),
    ...(q.cursor ? { cursor: decodeCursor(q.cursor)! } : {}),
  };
}

function present(r: AuditEventRow) {
  return {
    id: r.id,
    type: r.type as (typeof AUDIT_EVENT_TYPES)[number],
    occurredAt: iso(r.occurredAt),
    applicationId: r.applicationId,
    tenantId: r.tenantId,
    userId: r.userId,
    actor: { kind: r.actorKind as "client" | "user" | "admin" | "anonymous" | "system", ...(r.actorId ? { id: r.actorId } : {}) },
    ip: r.ip,
    userAgent: r.userAgent,
    requestId: r.requestId,
    detail: r.detail,
  };
}

export const auditEventRoutes = router()
  .openapi(
    listRoute("listApplicationAuditEvents", "/applications/{applicationId}/audit-events", z.object({ applicationId: Id }), "An application's audit trail"),
    async (c) => {
      const app = await applicationInBoundary(c, c.req.valid("param").applicationId);
      const page = await listAuditEvents(auditDatabasesFor(c.env, { applicationId: app.id }), queryOf({ applicationId: app.id }, c.req.valid("query")));
      return c.json({ items: page.rows.map(present), nextCursor: page.next ? encodeCursor(page.next) : null }, 200);
    },
  )
  .openapi(listRoute("listUserAuditEvents", "/users/{userId}/audit-events", z.object({ userId: Id }), "A user's audit trail"), async (c) => {
    const user = await userInBoundary(c, c.req.valid("param").userId);
    const page = await listAuditEvents(auditDatabasesFor(c.env, { userId: user.id, tenantId: user.tenantId }), queryOf({ userId: user.id }, c.req.valid("query")));
    return c.json({ items: page.rows.map(present), nextCursor: page.next ? encodeCursor(page.next) : null }, 200);
  });
