// The OpenAPI document's top level. Its `servers` entry is where this deployment answers:
// PUBLIC_BASE_URL when set, else relative to wherever the document was fetched from (never the Host header).
import type { OpenAPIObjectConfigure } from "@hono/zod-openapi";
import type { AppEnv } from "./app-env";

export const OPENAPI_PATH = "/api/v1/openapi.json";

export const openApiDocument: OpenAPIObjectConfigure<AppEnv, typeof OPENAPI_PATH> = (c) => ({
  openapi: "3.1.0",
  info: {
    title: "Edge password reset",
    version: "1.0.0",
    description: "Wristband-style password reset workflow, sessions and refresh tokens on Cloudflare Workers.",
    license: { name: "Apache-2.0", identifier: "Apache-2.0" },
  },
  servers: [{ url: c.env.PUBLIC_BASE_URL || "/", description: "This deployment." }],
});
