// The OpenAPI document's top level. Its `servers` entry is where this deployment answers,
// taken from PUBLIC_BASE_URL (never from the request's Host).
import type { OpenAPIObjectConfigure } from "@hono/zod-openapi";
import { Misconfigured } from "../config/misconfigured";
import { publicBaseUrl } from "../config/public-origin";
import type { AppEnv } from "./app-env";

export const OPENAPI_PATH = "/api/v1/openapi.json";

/** The deployment's URL; relative when PUBLIC_BASE_URL is unusable, so the document is still served. */
function serverUrl(env: Env): string {
  try {
    return publicBaseUrl(env);
  } catch (e) {
    if (e instanceof Misconfigured) return "/";
    throw e;
  }
}

export const openApiDocument: OpenAPIObjectConfigure<AppEnv, typeof OPENAPI_PATH> = (c) => ({
  openapi: "3.1.0",
  info: {
    title: "Edge password reset",
    version: "1.0.0",
    description: "Wristband-style password reset workflow, sessions and refresh tokens on Cloudflare Workers.",
    license: { name: "Apache-2.0", identifier: "Apache-2.0" },
  },
  servers: [{ url: serverUrl(c.env), description: "This deployment." }],
});
