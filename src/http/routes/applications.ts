import { z } from "@hono/zod-openapi";
import { apiRoute } from "../api-route";
import { createApplication } from "../../directory/applications";
import { applicationInBoundary } from "../../operations/boundary";
import { requireCaller } from "../middleware/authenticate";
import { router } from "../router";
import { Id, bearerSecurity, errorResponses, iso, jsonBody, jsonResponse } from "../schemas/common";
import { NO_CONTROL_CHARACTERS, withoutControlCharacters } from "../schemas/text-rules";

const Application = z.object({ id: Id, name: z.string(), createdAt: z.string() }).openapi("Application");
const present = (a: { id: string; name: string; createdAt: number }) => ({ ...a, createdAt: iso(a.createdAt) });

export const applicationRoutes = router()
  .openapi(
    apiRoute({
      method: "post",
      path: "/applications",
      operationId: "createApplication",
      summary: "Create an application (ADMIN_TOKEN only)",
      security: bearerSecurity,
      middleware: [requireCaller({ admin: "only" })] as const,
      request: jsonBody(z.object({ name: withoutControlCharacters(z.string().trim().min(1).max(200)).openapi({ description: `The default display name of its pages and emails (branding). ${NO_CONTROL_CHARACTERS}` }) }).strict()),
      responses: { 201: jsonResponse(Application, "Created.") },
    }),
    async (c) => c.json(present(await createApplication(c.var.db, c.req.valid("json").name)), 201),
  )
  .openapi(
    apiRoute({
      method: "get",
      path: "/applications/{applicationId}",
      operationId: "getApplication",
      summary: "Read an application (ADMIN_TOKEN only)",
      security: bearerSecurity,
      middleware: [requireCaller({ admin: "only" })] as const,
      request: { params: z.object({ applicationId: Id }) },
      responses: { 200: jsonResponse(Application, "The application."), ...errorResponses(404) },
    }),
    async (c) => c.json(present(await applicationInBoundary(c, c.req.valid("param").applicationId)), 200),
  );
