import { z } from "@hono/zod-openapi";
import { DELIVERY_STATUSES, EMAIL_TEMPLATES } from "../../db/schema";
import { decodeCursor, encodeCursor } from "../../db/page-cursor";
import { type DeliveryRow, listDeliveries } from "../../email/delivery/delivery-status";
import { everyDatabase } from "../../shards/routing";
import { retryDelivery } from "../../workflows/email-delivery/retry";
import { apiRoute } from "../api-route";
import { applicationInBoundary } from "../../operations/boundary";
import { requireCaller } from "../middleware/authenticate";
import { router } from "../router";
import { ErrorBody, Id, bearerSecurity, errorResponses, iso, jsonResponse } from "../schemas/common";
import { CursorParam, NextCursor } from "../../operations/schemas/page-cursor";
import { workflowDeps } from "../workflow-deps";

const Status = z.enum(DELIVERY_STATUSES).openapi({
  description:
    "`sending`: an attempt is under way. `retrying`: the last attempt failed and a retry is scheduled with exponential backoff. `sent`: the provider accepted it. `failed`: a permanent error (such as a suppressed recipient, or `code_expired`); not retried. `dead`: every retry failed and the dead-letter queue took it. `retried`: an admin sent it again as the delivery `retriedAs`.",
});

const EmailDelivery = z
  .object({
    id: Id,
    tenantId: Id,
    template: z.enum(EMAIL_TEMPLATES),
    to: z.string(),
    status: Status,
    attempts: z.number().int().openapi({ description: "Delivery attempts so far." }),
    lastError: z.string().nullable().openapi({ description: "The last failure's code (a provider error code such as `E_RECIPIENT_SUPPRESSED` or `http_503`; `code_expired`: a retry came when the reset codes it would carry had less than a minute left, so it was not sent and the user must ask again; `superseded_by_newer_request`: a newer reset request made it moot); null after success." }),
    nextAttemptAt: z.string().nullable().openapi({ description: "While `retrying`: when the next attempt is due." }),
    provider: z.string().nullable().openapi({ description: "`cloudflare`, `http` or `dev-mailbox`, once known." }),
    retryOf: Id.optional().openapi({ description: "Present on an admin retry: the delivery it sends again." }),
    retriedAs: Id.optional().openapi({ description: "Present once `retried`: the delivery that sends this one again." }),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi("EmailDelivery");

const EmailDeliveryPage = z.object({ items: z.array(EmailDelivery), nextCursor: NextCursor }).openapi("EmailDeliveryPage");

const RETRY_PERMISSION = "email-delivery:write";

function present(d: DeliveryRow) {
  return {
    id: d.id,
    tenantId: d.tenantId,
    template: d.template,
    to: d.to,
    status: d.status,
    attempts: d.attempts,
    lastError: d.lastError,
    nextAttemptAt: d.nextAttemptAt === null ? null : iso(d.nextAttemptAt),
    provider: d.provider,
    ...(d.retryOf ? { retryOf: d.retryOf } : {}),
    ...(d.retriedAs ? { retriedAs: d.retriedAs } : {}),
    createdAt: iso(d.createdAt),
    updatedAt: iso(d.updatedAt),
  };
}

export const emailDeliveryRoutes = router()
  .openapi(
    apiRoute({
      method: "get",
      path: "/applications/{applicationId}/email-deliveries",
      operationId: "listEmailDeliveries",
      summary: "Recent emails of an application and how their delivery went",
      description:
        "Template, recipient, attempts, status and last error of each email job, newest first (ties broken by id), a page at a time; never the body. Application boundary. Emails for unknown or inactive addresses are not sent and not listed, unless their job died. Deliveries are kept `EMAIL_DELIVERY_RETENTION_DAYS` (default 30).",
      security: bearerSecurity,
      middleware: [requireCaller({ permission: "email-delivery:read" })] as const,
      request: {
        params: z.object({ applicationId: Id }),
        query: z.object({
          status: Status.optional(),
          limit: z.coerce.number().int().min(1).max(200).default(50).openapi({ description: "Default 50, at most 200." }),
          cursor: CursorParam.optional(),
        }),
      },
      responses: { 200: jsonResponse(EmailDeliveryPage, "A page of deliveries, newest first."), ...errorResponses(404) },
    }),
    async (c) => {
      const app = await applicationInBoundary(c, c.req.valid("param").applicationId);
      const { status, limit, cursor } = c.req.valid("query");
      const page = await listDeliveries(everyDatabase(c.env), { applicationId: app.id, limit, ...(status ? { status } : {}), ...(cursor ? { cursor: decodeCursor(cursor)! } : {}) });
      return c.json({ items: page.rows.map(present), nextCursor: page.next ? encodeCursor(page.next) : null }, 200);
    },
  )
  .openapi(
    apiRoute({
      method: "post",
      path: "/applications/{applicationId}/email-deliveries/{deliveryId}/retry",
      operationId: "retryEmailDelivery",
      summary: "Send a failed or dead email again",
      description:
        "Queues a new job for a `failed` or `dead` delivery: a new delivery id, and new codes in a reset email. The old delivery becomes `retried` (`retriedAs`), the new one carries `retryOf`; concurrent retries of one delivery queue one job. The retry takes no slot of the per-address email limit, and a newer reset request still supersedes it. Audited as `email_delivery.retried`. Application boundary, or the admin token. The new delivery is listed once the consumer takes it up (not at all for an address that no longer names an active user).",
      security: bearerSecurity,
      middleware: [requireCaller({ permission: RETRY_PERMISSION, admin: "allowed" })] as const,
      request: { params: z.object({ applicationId: Id, deliveryId: Id }) },
      responses: {
        202: jsonResponse(z.object({ id: Id.openapi({ description: "The new delivery." }), retryOf: Id }).openapi("EmailDeliveryRetry"), "Queued."),
        ...errorResponses(404),
        409: {
          description:
            "`delivery_not_retryable`: the delivery is not `failed` or `dead` (under way, sent, or already retried). `otp_delivery_not_retryable`: an OTP email's code pairs with the requestCode of its request, so it is not sent again; the user requests a new reset. `delivery_job_not_recorded`: the delivery predates retries and keeps no job.",
          content: { "application/json": { schema: ErrorBody } },
        },
      },
    }),
    async (c) => {
      const { applicationId, deliveryId } = c.req.valid("param");
      const app = await applicationInBoundary(c, applicationId);
      const id = await retryDelivery(workflowDeps(c), app.id, deliveryId);
      return c.json({ id, retryOf: deliveryId }, 202);
    },
  );
