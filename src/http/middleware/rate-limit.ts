// The per-caller budgets of an API operation: the calling M2M client's, and the end user's IP
// address when the client asserts one. API calls come from the host application's backend, so the
// connection's own address is the backend's; the end user's arrives in `X-End-User-IP`, which only
// a client holding `end-user-ip:assert` may send (anyone else could spend another user's budget,
// or dodge their own, by naming any address).
import { createMiddleware } from "hono/factory";
import { type Budget, type BudgetedOperation, type Exhausted, clientFamily, spendBudgets } from "../../rate-limits/budgets";
import { ipBudgetKey } from "../../rate-limits/ip-address";
import type { AppEnv } from "../app-env";
import { ApiError, forbidden } from "../errors";
import { OAuthError } from "../oauth-errors";

export const END_USER_IP_HEADER = "X-End-User-IP";
export const END_USER_IP_PERMISSION = "end-user-ip:assert";

const WHOSE: Record<Exhausted["family"], string> = {
  client: "This client",
  clientToken: "This client",
  endUserIp: "The end user's IP address",
  pageIp: "This IP address",
};

/** 429 with Retry-After; the /oauth2 error handler turns it into `temporarily_unavailable`. */
export function tooManyRequests(operation: BudgetedOperation, exhausted: Exhausted): ApiError {
  const wait = exhausted.retryAfterSeconds;
  return new ApiError(429, "too_many_requests", `${WHOSE[exhausted.family]} is over its rate limit for ${operation}. Retry after ${wait} seconds.`, {
    "Retry-After": String(wait),
  });
}

/** The budgets of a client's call: its own, and the end user's IP address when it asserts one. */
export function clientBudgets(operation: BudgetedOperation, clientId: string, endUserIpKey: string | null): Budget[] {
  const budgets: Budget[] = [{ family: clientFamily(operation), caller: clientId }];
  if (endUserIpKey) budgets.push({ family: "endUserIp", caller: endUserIpKey });
  return budgets;
}

type Flavor = "api" | "oauth";

/**
 * The budget key of the end-user IP a client asserts (the header, or RPC's `endUserIp`), or null
 * when it asserts none. 403 without the permission and 400 when it is not one address (on /oauth2,
 * 400 `invalid_request` for both, as RFC 6749 §5.2 has it).
 */
export function assertedEndUserIp(value: unknown, permissions: readonly string[], flavor: Flavor, name = END_USER_IP_HEADER): string | null {
  if (value === undefined) return null;
  if (!permissions.includes(END_USER_IP_PERMISSION)) {
    const message = `Only a client with the permission ${END_USER_IP_PERMISSION} may send ${name}.`;
    throw flavor === "oauth" ? new OAuthError(400, "invalid_request", message) : forbidden(message);
  }
  const key = typeof value === "string" ? ipBudgetKey(value) : null;
  if (!key) {
    const message = `${name} must be one IPv4 or IPv6 address.`;
    throw flavor === "oauth" ? new OAuthError(400, "invalid_request", message) : new ApiError(400, "invalid_end_user_ip", message);
  }
  return key;
}

/**
 * Spends the caller's budgets for `operation`, after authentication and before the body is
 * validated, so malformed calls count too. Bearer routes read `caller`; /oauth2 routes, `client`.
 */
export function rateLimit(operation: BudgetedOperation, flavor: Flavor = "api") {
  return createMiddleware<AppEnv>(async (c, next) => {
    const caller = flavor === "oauth" ? { clientId: c.var.client.id, permissions: c.var.client.permissions } : c.var.caller;
    // Only clients reach these operations; anyone else is refused by the route itself.
    if ("clientId" in caller) {
      const endUserIp = assertedEndUserIp(c.req.header(END_USER_IP_HEADER), caller.permissions, flavor);
      const exhausted = await spendBudgets(c.env, operation, clientBudgets(operation, caller.clientId, endUserIp));
      if (exhausted) throw tooManyRequests(operation, exhausted);
    }
    await next();
  });
}
