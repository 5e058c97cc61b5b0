// The hosted pages' budget: one per visitor IP address (CF-Connecting-IP, which Cloudflare sets
// and a visitor cannot), shared by every page and method. The end user is the connection here, so
// no header is trusted beyond that one. A request without a parsable one (it did not come through
// Cloudflare's edge, or the value is not one address) is not let off: all of them share one budget.
import { createMiddleware } from "hono/factory";
import { spendBudgets } from "../../rate-limits/budgets";
import { ipBudgetKey } from "../../rate-limits/ip-address";
import type { AppEnv } from "../app-env";
import { renderEnding } from "./outcome";
import { neutralView } from "./page-view";

/** The one key of every request without a parsable address; no address key can look like it. */
const NO_ADDRESS = "no-address";

export const pageRateLimit = createMiddleware<AppEnv>(async (c, next) => {
  const address = c.req.header("CF-Connecting-IP");
  const key = (address === undefined ? null : ipBudgetKey(address)) ?? NO_ADDRESS;
  const exhausted = await spendBudgets(c.env, "pages", [{ family: "pageIp", caller: key }]);
  if (exhausted) {
    c.header("Retry-After", String(exhausted.retryAfterSeconds));
    return renderEnding(c, neutralView(c), "TOO_MANY_REQUESTS");
  }
  await next();
});
