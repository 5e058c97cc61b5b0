// Rotating an M2M client's secret with an overlap, and retiring the replaced secret early.
import { z } from "@hono/zod-openapi";
import { auditInsertIf } from "../../audit/record-if";
import { retirePreviousSecret, rotateClientSecret } from "../../directory/client-secrets";
import { m2mClients } from "../../db/schema";
import { DuplicateError } from "../../db/errors";
import { NotFound } from "../../auth/refusals";
import { ConstraintViolationsError } from "../../policy/violations";
import { assertMayChangeClient, clientInBoundary } from "../../operations/clients";
import { apiRoute } from "../api-route";
import { auditContextOf } from "../audit-context";
import { requireCaller } from "../middleware/authenticate";
import { router } from "../router";
import { ClientParams } from "../schemas/client";
import { ErrorBody, Id, bearerSecurity, errorResponses, iso, jsonBody, jsonResponse } from "../schemas/common";

/** How long the replaced secret works when the caller names no time, and the longest it may. */
export const DEFAULT_SECRET_OVERLAP_MS = 24 * 60 * 60 * 1000;
export const MAX_SECRET_OVERLAP_MS = 30 * 24 * 60 * 60 * 1000;

const RotateSecretBody = z
  .object({
    retireOldAt: z.iso
      .datetime({ offset: true })
      .optional()
      .openapi({ description: "Until when the current secret keeps working: in the future, at most 30 days ahead. Default: 24 hours from now." }),
  })
  .strict()
  .openapi("RotateClientSecretRequest");

const RotatedSecret = z
  .object({
    clientId: Id,
    clientSecret: z.string().openapi({ description: "The new secret, working at once. Shown only in this response; only its keyed hash is stored." }),
    previousSecretRetiresAt: z.string().openapi({ format: "date-time", description: "Until when the replaced secret still works." }),
  })
  .openapi("RotatedClientSecret");

export const clientSecretRoutes = router()
  .openapi(
    apiRoute({
      method: "post",
      path: "/applications/{applicationId}/clients/{clientId}/secrets",
      operationId: "rotateClientSecret",
      summary: "Rotate an M2M client's secret; the replaced one works until retireOldAt",
      description:
        "Needs client:write; a client may rotate its own secret, and another's only if that one holds no permission it lacks. The new secret works at once; the replaced one until `retireOldAt`, or until the retire call. At most two secrets work at once: while a replaced secret still works, a new rotation answers 409 (retire it first).",
      security: bearerSecurity,
      middleware: [requireCaller({ permission: "client:write", admin: "allowed" })] as const,
      request: { params: ClientParams, ...jsonBody(RotateSecretBody) },
      responses: {
        201: jsonResponse(RotatedSecret, "Rotated."),
        ...errorResponses(404),
        409: { description: "`conflict`: a secret replaced by an earlier rotation still works; retire it first.", content: { "application/json": { schema: ErrorBody } } },
      },
    }),
    async (c) => {
      const { applicationId, clientId } = c.req.valid("param");
      const body = c.req.valid("json");
      const now = Date.now();
      const retiresAt = body.retireOldAt === undefined ? now + DEFAULT_SECRET_OVERLAP_MS : Date.parse(body.retireOldAt);
      // Checked here, not in the schema: "now" is the request's.
      if (retiresAt <= now) throw new ConstraintViolationsError({ retireOldAt: [{ code: "min", constraintAttributes: { min: iso(now) } }] });
      if (retiresAt > now + MAX_SECRET_OVERLAP_MS) {
        throw new ConstraintViolationsError({ retireOldAt: [{ code: "max", constraintAttributes: { max: iso(now + MAX_SECRET_OVERLAP_MS) } }] });
      }
      const client = await clientInBoundary(c, applicationId, clientId);
      assertMayChangeClient(c.var.caller, client, "rotate");
      const event = { type: "client.secret_rotated" as const, applicationId, tenantId: client.tenantId, userId: null, detail: { clientId, previousSecretRetiresAt: iso(retiresAt) } };
      const rotated = await rotateClientSecret(c.var.db, c.var.config.secretHashKeys, clientId, retiresAt, (guard) => auditInsertIf(c.var.db, auditContextOf(c), event, m2mClients, guard), now);
      if (!rotated) throw new DuplicateError("A secret replaced by an earlier rotation still works; retire it first.");
      return c.json({ clientId, clientSecret: rotated.clientSecret, previousSecretRetiresAt: iso(retiresAt) }, 201);
    },
  )
  .openapi(
    apiRoute({
      method: "delete",
      path: "/applications/{applicationId}/clients/{clientId}/secrets/previous",
      operationId: "retirePreviousClientSecret",
      summary: "Retire the secret a rotation replaced, now, with every access token issued before",
      description:
        "Needs client:write, with the rules of a rotation. The replaced secret stops working at once, and so does every access token the client was issued before this call, whichever secret it was issued with: the step that cuts off a leaked secret. The client gets new tokens with its current secret. 404 when no replaced secret still works.",
      security: bearerSecurity,
      middleware: [requireCaller({ permission: "client:write", admin: "allowed" })] as const,
      request: { params: ClientParams },
      responses: { 204: { description: "Retired." }, ...errorResponses(404) },
    }),
    async (c) => {
      const { applicationId, clientId } = c.req.valid("param");
      const client = await clientInBoundary(c, applicationId, clientId);
      assertMayChangeClient(c.var.caller, client, "retire");
      const event = { type: "client.secret_retired" as const, applicationId, tenantId: client.tenantId, userId: null, detail: { clientId } };
      const retired = await retirePreviousSecret(c.var.db, clientId, (guard) => auditInsertIf(c.var.db, auditContextOf(c), event, m2mClients, guard));
      if (!retired) throw new NotFound("Previous secret");
      return c.body(null, 204);
    },
  );
