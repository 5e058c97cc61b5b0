import { z } from "@hono/zod-openapi";
import { apiRoute } from "../api-route";
import { router } from "../router";

export const wellKnownRoutes = router().openapi(
  apiRoute({
    method: "get",
    path: "/.well-known/jwks.json",
    operationId: "getJwks",
    summary: "Public keys that verify this service's access tokens",
    security: [],
    responses: {
      200: { description: "A JWK Set.", content: { "application/json": { schema: z.object({ keys: z.array(z.record(z.string(), z.unknown())) }) } } },
    },
  }),
  async (c) => {
    c.header("Cache-Control", "public, max-age=300");
    return c.json({ keys: c.var.config.signingKeys.publicJwks as Record<string, unknown>[] }, 200);
  },
);
