import { z } from "@hono/zod-openapi";
import { DELIVERY_STATUSES, EMAIL_TEMPLATES } from "../../db/schema";
import { decodeCursor, encodeCursor } from "../../db/page-cursor";
import { type DeliveryRow, listDeliveries } from "../../email/delivery/delivery-status";
import { apiRoute } from "../api-route";
import { applicationInBoundary } from "../../operations/boundary";
import { requireCaller } from "../middleware/authenticate";
import { router } from "../router";
import { Id, bearerSecurity, errorResponses, iso, jsonResponse } from "../schemas/common";
import { CursorParam, NextCursor } from "../schemas/page-cursor";

const Status = z.enum(DELIVERY_STATUSES).openapi({
  description:
    "`sending`: an attempt is under way. `retrying`: the last attempt failed and a retry is scheduled with exponential backoff. `sent`: the provider accepted it. `failed`: a permanent provider error (such as a suppressed recipient); not retried. `dead`: every retry failed and the dead-letter queue took it.",
});

const EmailDelivery = z
  .object({
    id: Id,
    tenantId: Id,
    template: z.enum(EMAIL_TEMPLATES),
    to: z.string(),
    status: Status,
    attempts: z.number().int().openapi({ description: "Delivery attempts so far." }),
    lastError: z.string().nullable().openapi({ description: "The last failure's code (a provider error code such as `E_RECIPIENT_SUPPRESSED` or `http_503`); null after success." }),
    nextAttemptAt: z.string().nullable().openapi({ description: "While `retrying`: when the next attempt is due." }),
    provider: z.string().nullable().openapi({ description: "`cloudflare`, `http` or `dev-mailbox`, once known." }),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi("EmailDelivery");

const EmailDeliveryPage = z.object({ items: z.array(EmailDelivery), nextCursor: NextCursor }).openapi("EmailDeliveryPage");

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
      const page = await listDeliveries(c.var.db, { applicationId: app.id, limit, ...(status ? { status } : {}), ...(cursor ? { cursor: decodeCursor(cursor)! } : {}) });
      return c.json({ items: page.rows.map(present), nextCursor: page.next ? encodeCursor(page.next) : null }, 200);
    },
  );
