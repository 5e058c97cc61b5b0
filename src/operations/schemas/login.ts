import { z } from "@hono/zod-openapi";
import { Id } from "./id";

export const LoginBody = z
  .object({ tenantId: Id, email: z.email().max(320), password: z.string().min(1).max(4096) })
  .strict()
  .openapi("LoginRequest");
