// Branding of the hosted pages and emails, per application and overridable per tenant.
import { z } from "@hono/zod-openapi";
import type { BrandingSettings } from "../../branding/theme";
import { saveApplicationBranding, saveTenantBranding, themeForApplication, themeForTenant } from "../../directory/branding";
import { apiRoute } from "../api-route";
import { applicationInBoundary, tenantInBoundary } from "../../operations/boundary";
import { requireCaller } from "../middleware/authenticate";
import { router } from "../router";
import { BrandingPatchBody, EffectiveBranding } from "../schemas/branding";
import { Id, bearerSecurity, errorResponses, jsonBody, jsonResponse } from "../schemas/common";

type Scope = "application" | "tenant";
const pathOf = (scope: Scope) => (scope === "application" ? "/applications/{id}/branding" : "/tenants/{id}/branding");
const article = (scope: Scope) => (scope === "application" ? "an application" : "a tenant");

const read = (scope: Scope, permission: string) =>
  apiRoute({
    method: "get",
    path: pathOf(scope),
    operationId: scope === "application" ? "getApplicationBranding" : "getTenantBranding",
    summary: `The effective branding of ${article(scope)}'s hosted pages and emails`,
    security: bearerSecurity,
    middleware: [requireCaller({ permission, admin: "allowed" })] as const,
    request: { params: z.object({ id: Id }) },
    responses: { 200: jsonResponse(EffectiveBranding, "Effective values: tenant over application over defaults."), ...errorResponses(404) },
  });

const patch = (scope: Scope, permission: string) =>
  apiRoute({
    method: "patch",
    path: pathOf(scope),
    operationId: scope === "application" ? "updateApplicationBranding" : "updateTenantBranding",
    summary: `Change ${article(scope)}'s branding; null inherits`,
    security: bearerSecurity,
    middleware: [requireCaller({ permission, admin: "allowed" })] as const,
    request: { params: z.object({ id: Id }), ...jsonBody(BrandingPatchBody) },
    responses: { 200: jsonResponse(EffectiveBranding, "The new effective values."), ...errorResponses(404) },
  });

export const brandingRoutes = router()
  .openapi(read("application", "application:read"), async (c) => {
    const app = await applicationInBoundary(c, c.req.valid("param").id);
    return c.json({ applicationId: app.id, ...(await themeForApplication(c.var.db, app.id)) }, 200);
  })
  .openapi(patch("application", "application:write"), async (c) => {
    const app = await applicationInBoundary(c, c.req.valid("param").id);
    await saveApplicationBranding(c.var.db, app.id, c.req.valid("json") as BrandingSettings);
    return c.json({ applicationId: app.id, ...(await themeForApplication(c.var.db, app.id)) }, 200);
  })
  .openapi(read("tenant", "tenant:read"), async (c) => {
    const tenant = await tenantInBoundary(c, c.req.valid("param").id);
    return c.json({ applicationId: tenant.applicationId, tenantId: tenant.id, ...(await themeForTenant(c.var.db, tenant)) }, 200);
  })
  .openapi(patch("tenant", "tenant:write"), async (c) => {
    const tenant = await tenantInBoundary(c, c.req.valid("param").id);
    await saveTenantBranding(c.var.db, tenant.id, c.req.valid("json") as BrandingSettings);
    return c.json({ applicationId: tenant.applicationId, tenantId: tenant.id, ...(await themeForTenant(c.var.db, tenant)) }, 200);
  });
