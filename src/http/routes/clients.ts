import { z } from "@hono/zod-openapi";
import { apiRoute } from "../api-route";
import { auditInsert } from "../../audit/record";
import { PERMISSIONS } from "../../config/permissions";
import { newId } from "../../crypto/random";
import { auditContextOf } from "../audit-context";
import { createClient } from "../../directory/clients";
import { applicationInBoundary, tenantInBoundary } from "../../operations/boundary";
import { Forbidden, NotFound } from "../../auth/refusals";
import { requireCaller } from "../middleware/authenticate";
import { router } from "../router";
import { Id, bearerSecurity, errorResponses, iso, jsonBody, jsonResponse } from "../schemas/common";

const CreatedClient = z
  .object({
    id: Id,
    applicationId: Id,
    tenantId: Id.nullable(),
    name: z.string(),
    permissions: z.array(z.enum(PERMISSIONS)),
    clientSecret: z.string().openapi({ description: "Shown only in this response; only its keyed hash is stored." }),
    createdAt: z.string(),
  })
  .openapi("CreatedClient");

export const clientRoutes = router().openapi(
  apiRoute({
    method: "post",
    path: "/applications/{applicationId}/clients",
    operationId: "createClient",
    summary: "Create an M2M client; a tenantId puts it at Tenant boundary",
    security: bearerSecurity,
    middleware: [requireCaller({ permission: "client:write", admin: "allowed" })] as const,
    request: {
      params: z.object({ applicationId: Id }),
      ...jsonBody(
        z
          .object({
            name: z.string().trim().min(1).max(200),
            permissions: z.array(z.enum(PERMISSIONS)).max(PERMISSIONS.length),
            tenantId: Id.optional(),
          })
          .strict(),
      ),
    },
    responses: { 201: jsonResponse(CreatedClient, "Created."), ...errorResponses(404) },
  }),
  async (c) => {
    const { applicationId } = c.req.valid("param");
    const body = c.req.valid("json");
    const caller = c.var.caller;
    if (caller.kind === "admin") {
      await applicationInBoundary(c, applicationId);
    } else {
      // A client may grant at most what it holds, and no wider boundary than its own.
      if (caller.applicationId !== applicationId) throw new NotFound("Application");
      if (caller.tenantId !== null && body.tenantId !== caller.tenantId) {
        throw new Forbidden("A tenant-scoped client can only create clients in its own tenant.");
      }
      if (body.permissions.some((p) => !caller.permissions.includes(p))) {
        throw new Forbidden("A client cannot grant permissions it does not hold.");
      }
    }
    if (body.tenantId && (await tenantInBoundary(c, body.tenantId)).applicationId !== applicationId) throw new NotFound("Tenant");
    const id = newId();
    const tenantId = body.tenantId ?? null;
    const permissions = [...new Set(body.permissions)];
    const created = auditInsert(c.var.db, auditContextOf(c), { type: "client.created", applicationId, tenantId, userId: null, detail: { clientId: id, permissions } });
    const { client, clientSecret } = await createClient(c.var.db, c.var.config.secretHashKeys, { id, applicationId, tenantId, name: body.name, permissions }, [created]);
    const { secretHash: _hash, ...shown } = client;
    return c.json({ ...shown, permissions: shown.permissions as (typeof PERMISSIONS)[number][], clientSecret, createdAt: iso(client.createdAt) }, 201);
  },
);
