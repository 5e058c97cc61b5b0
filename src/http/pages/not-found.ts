// An unknown path, asked for by a browser: the pages' "page not found", not the API's JSON. A
// browser says so with Accept: text/html; paths under /api/ always answer the API's way.
import type { Context } from "hono";
import type { AppEnv } from "../app-env";
import { pathWithinBase } from "../base-path-routing";
import { noStore } from "../middleware/no-store";
import { renderEnding } from "./outcome";
import { neutralView } from "./page-view";
import { pageHeaders } from "./page-headers";

/** Whether the Accept header lists text/html with a weight above zero. */
function acceptsHtml(accept: string | undefined): boolean {
  return (accept ?? "").split(",").some((entry) => {
    const [type = "", ...params] = entry.split(";").map((p) => p.trim().toLowerCase());
    const q = params.find((p) => p.startsWith("q="));
    return type === "text/html" && (q === undefined || Number(q.slice(2)) > 0);
  });
}

export function wantsNotFoundPage(c: Context<AppEnv>): boolean {
  const path = pathWithinBase(c.req.raw, { env: c.env });
  return path !== "/api" && !path.startsWith("/api/") && acceptsHtml(c.req.header("Accept"));
}

/** The 404 page, with the pages' own headers (CSP with its nonce, no-referrer, no-store). */
export async function notFoundPage(c: Context<AppEnv>): Promise<Response> {
  // The middlewares run around the rendering as they would around a route.
  await pageHeaders(c, async () => {
    await noStore(c, async () => {
      c.res = await renderEnding(c, neutralView(c), "NOT_FOUND");
    });
  });
  return c.res;
}
