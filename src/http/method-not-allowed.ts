import type { Context } from "hono";
import { ApiError, errorBody } from "./errors";

/**
 * Hono answers an unknown method on a known path with 404; the API promises 405 with `Allow`.
 * Route patterns become regexes once, when the first unmatched request arrives.
 */
export function notFoundOrMethodNotAllowed<C extends Context>(
  routes: () => { method: string; path: string }[],
  /** A 404 in another form, for the requests it wants (a browser's: an HTML page). */
  page?: { wants: (c: C) => boolean; render: (c: C) => Promise<Response> },
) {
  let table: { pattern: RegExp; method: string }[] | null = null;
  return (c: C): Response | Promise<Response> => {
    table ??= routes()
      .filter((r) => r.method !== "ALL")
      .map((r) => ({ method: r.method, pattern: new RegExp(`^${r.path.replace(/[.]/g, "\\.").replace(/:[^/]+/g, "[^/]+")}/?$`) }));
    const allowed = [...new Set(table.filter((r) => r.pattern.test(c.req.path)).map((r) => r.method))];
    if (allowed.length === 0 && page?.wants(c)) return page.render(c);
    const err = allowed.length
      ? new ApiError(405, "method_not_allowed", `Use ${allowed.join(", ")} on this path.`, { Allow: allowed.join(", ") })
      : new ApiError(404, "not_found", "Route not found.");
    c.set("errorCode", err.code); // for the access log
    return c.json(errorBody(err.code, err.message), err.status, err.headers);
  };
}
