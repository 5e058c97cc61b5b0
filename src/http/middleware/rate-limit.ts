// Rate limits of the HTTP API: the end user's IP arrives in `X-End-User-IP`
// (src/rate-limits/client-budgets.ts has the rule).
import { createMiddleware } from "hono/factory";
import { Forbidden } from "../../auth/refusals";
import type { BudgetedOperation } from "../../rate-limits/budgets";
import { InvalidEndUserIp, spendClientBudgets } from "../../rate-limits/client-budgets";
import type { AppEnv } from "../app-env";
import { OAuthError } from "../oauth-errors";

export const END_USER_IP_HEADER = "X-End-User-IP";

type Flavor = "api" | "oauth";

/**
 * Spends the caller's budgets for `operation`, after authentication and before the body is
 * validated, so malformed calls count too. Bearer routes read `caller`; /oauth2 routes, `client`.
 * A header the client may not send, or not one address, is 403 or 400; on /oauth2, 400
 * `invalid_request` for both, as RFC 6749 §5.2 has it.
 */
export function rateLimit(operation: BudgetedOperation, flavor: Flavor = "api") {
  return createMiddleware<AppEnv>(async (c, next) => {
    const caller = flavor === "oauth" ? { clientId: c.var.client.id, permissions: c.var.client.permissions } : c.var.caller;
    // Only clients reach these operations; anyone else is refused by the route itself.
    if ("clientId" in caller) {
      try {
        await spendClientBudgets(c.env, operation, caller, c.req.header(END_USER_IP_HEADER), END_USER_IP_HEADER);
      } catch (e) {
        if (flavor === "oauth" && (e instanceof Forbidden || e instanceof InvalidEndUserIp)) throw new OAuthError(400, "invalid_request", e.message);
        throw e;
      }
    }
    await next();
  });
}
