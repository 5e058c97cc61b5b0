import { z } from "@hono/zod-openapi";
import { apiRoute } from "../api-route";
import { createTenant } from "../../directory/tenants";
import { applicationInBoundary, tenantInBoundary } from "../../operations/boundary";
import { requireCaller } from "../middleware/authenticate";
import { router } from "../router";
import { Id, bearerSecurity, errorResponses, iso, jsonBody, jsonResponse } from "../schemas/common";

const Tenant = z.object({ id: Id, applicationId: Id, name: z.string(), createdAt: z.string() }).openapi("Tenant");
const present = (t: { id: string; applicationId: string; name: string; createdAt: number }) => ({ ...t, createdAt: iso(t.createdAt) });

export const tenantRoutes = router()
  .openapi(
    apiRoute({
      method: "post",
      path: "/tenants",
      operationId: "createTenant",
      summary: "Create a tenant in an application",
      security: bearerSecurity,
      middleware: [requireCaller({ permission: "tenant:write", admin: "allowed" })] as const,
      request: jsonBody(z.object({ applicationId: Id, name: z.string().trim().min(1).max(200) }).strict()),
      responses: { 201: jsonResponse(Tenant, "Created."), ...errorResponses(404, 409) },
    }),
    async (c) => {
      const body = c.req.valid("json");
      await applicationInBoundary(c, body.applicationId);
      return c.json(present(await createTenant(c.var.db, body.applicationId, body.name)), 201);
    },
  )
  .openapi(
    apiRoute({
      method: "get",
      path: "/tenants/{tenantId}",
      operationId: "getTenant",
      summary: "Read a tenant",
      security: bearerSecurity,
      middleware: [requireCaller({ permission: "tenant:read", admin: "allowed" })] as const,
      request: { params: z.object({ tenantId: Id }) },
      responses: { 200: jsonResponse(Tenant, "The tenant."), ...errorResponses(404) },
    }),
    async (c) => c.json(present(await tenantInBoundary(c, c.req.valid("param").tenantId)), 200),
  );
