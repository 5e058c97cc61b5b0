// Changing and deleting an M2M client. Each change commits with its audit events in one D1 batch,
// the events ahead of it and guarded on the client still existing: a concurrent delete leaves no
// event for a change that did not happen.
import { z } from "@hono/zod-openapi";
import type { AuditEvent } from "../../audit/events";
import { auditInsertIf } from "../../audit/record-if";
import { m2mClients } from "../../db/schema";
import { type ClientChange, type M2mClient, clientExists, deleteClient, updateClient } from "../../directory/clients";
import { assertMayChangeClient, clientInBoundary } from "../../operations/clients";
import { apiRoute } from "../api-route";
import { auditContextOf } from "../audit-context";
import { requireCaller } from "../middleware/authenticate";
import { router } from "../router";
import { Client, ClientParams, ClientPermissions, presentClient } from "../schemas/client";
import { bearerSecurity, errorResponses, jsonBody, jsonResponse } from "../schemas/common";

const ClientPatch = z
  .object({
    name: z.string().trim().min(1).max(200).optional(),
    permissions: ClientPermissions.optional().openapi({ description: "The whole new set. Tokens already issued lose what it drops at once." }),
    disabled: z.boolean().optional().openapi({ description: "true: the client cannot authenticate and every access token it holds answers 401 at once; false: it can get new tokens (the old ones stay dead)." }),
  })
  .strict()
  .refine((p) => p.name !== undefined || p.permissions !== undefined || p.disabled !== undefined, { message: "Name at least one of name, permissions, disabled." })
  .openapi("ClientPatch");

type Subject = Pick<AuditEvent, "applicationId" | "tenantId" | "userId">;
const subjectOf = (c: M2mClient): Subject => ({ applicationId: c.applicationId, tenantId: c.tenantId, userId: null });

/** What the PATCH changes, as the names of the fields whose value differs. */
function changedFields(client: M2mClient, change: ClientChange): string[] {
  const fields: string[] = [];
  if (change.name !== undefined && change.name !== client.name) fields.push("name");
  if (change.permissions !== undefined && JSON.stringify([...change.permissions].sort()) !== JSON.stringify([...client.permissions].sort())) fields.push("permissions");
  if (change.disabled !== undefined && change.disabled !== (client.disabledAt !== null)) fields.push("disabled");
  return fields;
}

export const clientChangeRoutes = router()
  .openapi(
    apiRoute({
      method: "patch",
      path: "/applications/{applicationId}/clients/{clientId}",
      operationId: "updateClient",
      summary: "Rename an M2M client, set its permissions, disable or enable it",
      description:
        "Needs client:write. A client may change only clients of its boundary that hold no permission it lacks, may grant only permissions it holds, and may not disable itself. Disabling makes every access token of the client answer 401 at once; enabling again does not bring them back.",
      security: bearerSecurity,
      middleware: [requireCaller({ permission: "client:write", admin: "allowed" })] as const,
      request: { params: ClientParams, ...jsonBody(ClientPatch) },
      responses: { 200: jsonResponse(Client, "The client as changed."), ...errorResponses(404) },
    }),
    async (c) => {
      const { applicationId, clientId } = c.req.valid("param");
      const body = c.req.valid("json");
      const client = await clientInBoundary(c, applicationId, clientId);
      const change: ClientChange = { ...body, ...(body.permissions ? { permissions: [...new Set(body.permissions)] } : {}) };
      assertMayChangeClient(c.var.caller, client, change.disabled && client.disabledAt === null ? "disable" : "update", change.permissions);
      const fields = changedFields(client, change);
      const context = auditContextOf(c);
      const events: AuditEvent[] = [];
      if (fields.length > 0) {
        events.push({ type: "client.updated", ...subjectOf(client), detail: { clientId, fields, ...(fields.includes("permissions") ? { permissions: change.permissions! } : {}) } });
      }
      if (fields.includes("disabled") && change.disabled) events.push({ type: "client.disabled", ...subjectOf(client), detail: { clientId } });
      const updated = await updateClient(
        c.var.db,
        client,
        change,
        events.map((e) => auditInsertIf(c.var.db, context, e, m2mClients, clientExists(clientId))),
      );
      return c.json(presentClient(updated), 200);
    },
  )
  .openapi(
    apiRoute({
      method: "delete",
      path: "/applications/{applicationId}/clients/{clientId}",
      operationId: "deleteClient",
      summary: "Delete an M2M client",
      description:
        "Needs client:write, with the same rules as a change; a client cannot delete itself. The client can no longer authenticate, and every access token it holds answers 401 at once. Refresh tokens issued to it can no longer be used, since only it could refresh them.",
      security: bearerSecurity,
      middleware: [requireCaller({ permission: "client:write", admin: "allowed" })] as const,
      request: { params: ClientParams },
      responses: { 204: { description: "Deleted." }, ...errorResponses(404) },
    }),
    async (c) => {
      const { applicationId, clientId } = c.req.valid("param");
      const client = await clientInBoundary(c, applicationId, clientId);
      assertMayChangeClient(c.var.caller, client, "delete");
      const event: AuditEvent = { type: "client.deleted", ...subjectOf(client), detail: { clientId } };
      await deleteClient(c.var.db, clientId, [auditInsertIf(c.var.db, auditContextOf(c), event, m2mClients, clientExists(clientId))]);
      return c.body(null, 204);
    },
  );
