import { z } from "@hono/zod-openapi";
import type { Context } from "hono";
import { auditInsert } from "../../audit/record";
import type { AppEnv } from "../app-env";
import { auditContextOf } from "../audit-context";
import { apiRoute } from "../api-route";
import {
  applicationSettings,
  saveApplicationSettings,
  saveTenantSettings,
  tenantSettings,
  tenantSettingsOfApplication,
} from "../../directory/policies";
import { isDevelopment } from "../../config/public-origin";
import { pageUrlViolations } from "../../policy/page-urls";
import { type PasswordResetPolicy, type PolicySettings, effectivePolicy, policyConflicts } from "../../policy/password-reset-policy";
import { ConstraintViolationsError, type Violation } from "../../policy/violations";
import { applicationInBoundary, tenantInBoundary } from "../../operations/boundary";
import { requireCaller } from "../middleware/authenticate";
import { router } from "../router";
import { EffectivePolicy, PolicyPatchBody } from "../schemas/policy";
import { Id, bearerSecurity, errorResponses, jsonBody, jsonResponse } from "../schemas/common";

function rejectConflicts(policy: PasswordResetPolicy): void {
  const fields = policyConflicts(policy);
  if (fields.length === 0) return;
  const violations = Object.fromEntries(fields.map((f) => [f, [{ code: "conflicts_with_other_fields", constraintAttributes: {} }]]));
  throw new ConstraintViolationsError(violations, "The resulting policy is inconsistent.");
}

function rejectUnsafePageUrls(settings: PolicySettings, env: Env): void {
  const found = pageUrlViolations(settings, isDevelopment(env));
  if (found.length === 0) return;
  const violations: Record<string, Violation[]> = {};
  for (const v of found) (violations[v.field] ??= []).push({ code: v.code, constraintAttributes: {} });
  throw new ConstraintViolationsError(violations);
}

/** The audit event of a PATCH, committed with it: which fields it set, and to what (no policy value is a secret). */
function policyChanged(c: Context<AppEnv>, level: { applicationId: string; tenantId: string | null }, body: PolicySettings) {
  const fields = Object.keys(body).sort();
  return auditInsert(c.var.db, auditContextOf(c), {
    type: "policy.changed",
    ...level,
    userId: null,
    detail: { level: level.tenantId ? "tenant" : "application", fields, values: body },
  });
}

const read = (scope: "application" | "tenant", permission: string) =>
  apiRoute({
    method: "get",
    operationId: scope === "application" ? "getApplicationPasswordResetPolicy" : "getTenantPasswordResetPolicy",
    path: scope === "application" ? "/applications/{id}/password-reset-policy" : "/tenants/{id}/password-reset-policy",
    summary: `The effective password reset policy of a${scope === "application" ? "n application" : " tenant"}`,
    security: bearerSecurity,
    middleware: [requireCaller({ permission, admin: "allowed" })] as const,
    request: { params: z.object({ id: Id }) },
    responses: { 200: jsonResponse(EffectivePolicy, "Effective values: tenant over application over defaults."), ...errorResponses(404) },
  });

const patch = (scope: "application" | "tenant", permission: string) =>
  apiRoute({
    method: "patch",
    operationId: scope === "application" ? "updateApplicationPasswordResetPolicy" : "updateTenantPasswordResetPolicy",
    path: scope === "application" ? "/applications/{id}/password-reset-policy" : "/tenants/{id}/password-reset-policy",
    summary: `Change a${scope === "application" ? "n application" : " tenant"}'s password reset policy; null inherits`,
    security: bearerSecurity,
    middleware: [requireCaller({ permission, admin: "allowed" })] as const,
    request: { params: z.object({ id: Id }), ...jsonBody(PolicyPatchBody) },
    responses: { 200: jsonResponse(EffectivePolicy, "The new effective values."), ...errorResponses(404) },
  });

export const passwordResetPolicyRoutes = router()
  .openapi(read("application", "application:read"), async (c) => {
    const app = await applicationInBoundary(c, c.req.valid("param").id);
    return c.json({ applicationId: app.id, ...effectivePolicy(await applicationSettings(c.var.db, app.id)) }, 200);
  })
  .openapi(patch("application", "application:write"), async (c) => {
    const app = await applicationInBoundary(c, c.req.valid("param").id);
    const body = c.req.valid("json") as PolicySettings;
    rejectUnsafePageUrls(body, c.env);
    const nextSettings = { ...(await applicationSettings(c.var.db, app.id)), ...body };
    const next = effectivePolicy(nextSettings);
    rejectConflicts(next);
    // Tenants that override some fields must stay consistent under the new application values.
    for (const tenant of await tenantSettingsOfApplication(c.var.db, app.id)) rejectConflicts(effectivePolicy(nextSettings, tenant));
    await saveApplicationSettings(c.var.db, app.id, body, [policyChanged(c, { applicationId: app.id, tenantId: null }, body)]);
    return c.json({ applicationId: app.id, ...next }, 200);
  })
  .openapi(read("tenant", "tenant:read"), async (c) => {
    const tenant = await tenantInBoundary(c, c.req.valid("param").id);
    const [app, own] = await Promise.all([applicationSettings(c.var.db, tenant.applicationId), tenantSettings(c.var.db, tenant.id)]);
    return c.json({ applicationId: tenant.applicationId, tenantId: tenant.id, ...effectivePolicy(app, own) }, 200);
  })
  .openapi(patch("tenant", "tenant:write"), async (c) => {
    const tenant = await tenantInBoundary(c, c.req.valid("param").id);
    const body = c.req.valid("json") as PolicySettings;
    rejectUnsafePageUrls(body, c.env);
    const [app, own] = await Promise.all([applicationSettings(c.var.db, tenant.applicationId), tenantSettings(c.var.db, tenant.id)]);
    const next = effectivePolicy(app, { ...own, ...body });
    rejectConflicts(next);
    await saveTenantSettings(c.var.db, tenant.id, body, [policyChanged(c, { applicationId: tenant.applicationId, tenantId: tenant.id }, body)]);
    return c.json({ applicationId: tenant.applicationId, tenantId: tenant.id, ...next }, 200);
  });
