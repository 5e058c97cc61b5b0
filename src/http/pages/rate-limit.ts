// The hosted pages' budget: one per visitor IP address (CF-Connecting-IP, which Cloudflare sets
// and a visitor cannot), shared by every page and method. The end user is the connection here, so
// no header is trusted beyond that one. Without it (a request that did not come through Cloudflare's
// edge, as in unit tests) there is no address to count.
import { createMiddleware } from "hono/factory";
import { spendBudgets } from "../../rate-limits/budgets";
import { ipBudgetKey } from "../../rate-limits/ip-address";
import type { AppEnv } from "../app-env";
import { renderEnding } from "./outcome";
import { neutralView } from "./page-view";

export const pageRateLimit = createMiddleware<AppEnv>(async (c, next) => {
  const address = c.req.header("CF-Connecting-IP");
  const key = address === undefined ? null : ipBudgetKey(address);
  const exhausted = key ? await spendBudgets(c.env, "pages", [{ family: "pageIp", caller: key }]) : null;
  if (exhausted) {
    c.header("Retry-After", String(exhausted.retryAfterSeconds));
    return renderEnding(c, neutralView(c), "TOO_MANY_REQUESTS");
  }
  await next();
});
