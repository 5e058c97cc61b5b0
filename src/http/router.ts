import { OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "./app-env";
import { validationHook } from "./validation";

/** Every group of routes validates with the same hook, so failures share one documented shape. */
export function router() {
  return new OpenAPIHono<AppEnv>({ defaultHook: validationHook });
}
