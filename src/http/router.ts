import { OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "./app-env";
import { validationHook } from "./validation";

/** Every group of routes validates with the same hook, so failures share one documented shape. */
export function router(options: { getPath?: (request: Request, options?: { env?: unknown }) => string } = {}) {
  return new OpenAPIHono<AppEnv>({ defaultHook: validationHook, ...options });
}
