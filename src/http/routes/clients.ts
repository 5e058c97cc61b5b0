import { z } from "@hono/zod-openapi";
import { apiRoute } from "../api-route";
import { auditInsert } from "../../audit/record";
import { newId } from "../../crypto/random";
import { auditContextOf } from "../audit-context";
import { createClient, listClients } from "../../directory/clients";
import { clientInBoundary, clientListBoundary } from "../../operations/clients";
import { Client, ClientParams, ClientPermissions, presentClient } from "../schemas/client";
import { applicationInBoundary, tenantInBoundary } from "../../operations/boundary";
import { Forbidden, NotFound } from "../../auth/refusals";
import { requireCaller } from "../middleware/authenticate";
import { router } from "../router";
import { Id, bearerSecurity, errorResponses, jsonBody, jsonResponse } from "../schemas/common";

const CreatedClient = Client.omit({ disabled: true, previousSecretRetiresAt: true })
  .extend({ clientSecret: z.string().openapi({ description: "Shown only in this response; only its keyed hash is stored." }) })
  .openapi("CreatedClient");

const ClientPage = z
  .object({
    items: z.array(Client),
    nextCursor: z.string().nullable().openapi({ description: "Pass as `cursor` for the next page; null on the last page." }),
  })
  .openapi("ClientPage");

const ListClientsQuery = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(50),
  cursor: Id.optional().openapi({ description: "The `nextCursor` of the previous page." }),
});

export const clientRoutes = router()
  .openapi(
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
            permissions: ClientPermissions,
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
    const { disabled: _disabled, previousSecretRetiresAt: _none, ...shown } = presentClient(client);
    return c.json({ ...shown, clientSecret }, 201);
  },
)
  .openapi(
    apiRoute({
      method: "get",
      path: "/applications/{applicationId}/clients",
      operationId: "listClients",
      summary: "An application's M2M clients, a page at a time",
      description: "In id order. A tenant-scoped token sees its own tenant's clients only. Secrets are never shown.",
      security: bearerSecurity,
      middleware: [requireCaller({ permission: "client:read", admin: "allowed" })] as const,
      request: { params: z.object({ applicationId: Id }), query: ListClientsQuery },
      responses: { 200: jsonResponse(ClientPage, "A page of clients."), ...errorResponses(404) },
    }),
    async (c) => {
      const { applicationId } = c.req.valid("param");
      const { limit, cursor } = c.req.valid("query");
      const { tenantId } = await clientListBoundary(c, applicationId);
      const page = await listClients(c.var.db, { applicationId, tenantId, limit, ...(cursor ? { after: cursor } : {}) });
      return c.json({ items: page.rows.map((r) => presentClient(r)), nextCursor: page.next }, 200);
    },
  )
  .openapi(
    apiRoute({
      method: "get",
      path: "/applications/{applicationId}/clients/{clientId}",
      operationId: "getClient",
      summary: "One M2M client",
      security: bearerSecurity,
      middleware: [requireCaller({ permission: "client:read", admin: "allowed" })] as const,
      request: { params: ClientParams },
      responses: { 200: jsonResponse(Client, "The client."), ...errorResponses(404) },
    }),
    async (c) => {
      const { applicationId, clientId } = c.req.valid("param");
      return c.json(presentClient(await clientInBoundary(c, applicationId, clientId)), 200);
    },
  );
