// Routing under BASE_PATH: the app's routes stay written from the root, and the path they are
// matched against is the request's path with the prefix taken off. A path outside the prefix
// matches nothing, so it answers the usual 404 through every middleware.
import { getPath } from "hono/utils/url";
import { basePath } from "../config/base-path";

const OUTSIDE = "/\u0000outside-base-path";
const METADATA = "/.well-known/oauth-authorization-server";

export function pathWithinBase(request: Request, options?: { env?: unknown }): string {
  const path = getPath(request);
  let prefix: string;
  try {
    prefix = basePath((options?.env ?? {}) as Partial<Pick<Env, "BASE_PATH">>);
  } catch {
    return OUTSIDE; // a malformed BASE_PATH serves nothing; the app answers 503 misconfigured
  }
  if (prefix === "") return path;
  if (path === prefix) return "/";
  // RFC 8414 §3.1: for the issuer https://host/auth, clients look for the metadata at
  // https://host/.well-known/oauth-authorization-server/auth (a second route sends it here).
  if (path === `${METADATA}${prefix}`) return METADATA;
  return path.startsWith(`${prefix}/`) ? path.slice(prefix.length) : OUTSIDE;
}
