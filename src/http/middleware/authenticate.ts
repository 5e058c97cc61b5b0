import { createMiddleware } from "hono/factory";
import { authenticate } from "../../auth/authenticate";
import { hasPermission } from "../../auth/caller";
import type { AppEnv } from "../app-env";
import { missingToken } from "../errors";
import { Forbidden } from "../../auth/refusals";

export interface CallerRequirement {
  permission?: string;
  /** The ADMIN_TOKEN bootstrap secret may call this route. */
  admin?: "allowed" | "only";
}

/** The token of an `Authorization: Bearer <token>` header, or null. */
export function bearerToken(header: string | undefined): string | null {
  return /^Bearer ([^\s]+)$/i.exec(header ?? "")?.[1] ?? null;
}

/** Bearer authentication, then the permission check. Sets `caller`. */
export function requireCaller(req: CallerRequirement) {
  return createMiddleware<AppEnv>(async (c, next) => {
    const token = bearerToken(c.req.header("Authorization"));
    if (!token) throw missingToken();
    const caller = await authenticate(c.env, c.var.config, c.var, token, req.admin, c.var.userObjectTime);
    if (req.admin === "only" && caller.kind !== "admin") throw new Forbidden("Only the admin token may call this endpoint.");
    if (req.permission && !hasPermission(caller, req.permission)) {
      throw new Forbidden(`The token lacks the permission ${req.permission}.`);
    }
    c.set("caller", caller);
    await next();
  });
}
