// Where links to this service's own pages point. It comes from configuration only: a request's
// Host and X-Forwarded-Host are chosen by whoever sends the request, and a reset link built from
// them would mail a stranger's host to a real user.
import { basePath } from "./base-path";
import { Misconfigured } from "./misconfigured";

/** `wrangler dev`'s address. `npm start` passes the port it listens on as PUBLIC_BASE_URL. */
export const DEVELOPMENT_BASE_URL = "http://localhost:8787";

type OriginConfig = Pick<Env, "ENVIRONMENT" | "PUBLIC_BASE_URL"> & Partial<Pick<Env, "BASE_PATH">>;

export function isDevelopment(env: Pick<Env, "ENVIRONMENT">): boolean {
  return env.ENVIRONMENT === "development";
}

/**
 * Where this service answers: PUBLIC_BASE_URL, then BASE_PATH, without a trailing slash.
 * PUBLIC_BASE_URL is required outside development, where it must be https;
 * userinfo, a query or a fragment are refused, because links are built by appending a path.
 */
export function publicBaseUrl(env: OriginConfig): string {
  const configured = env.PUBLIC_BASE_URL?.trim() ?? "";
  if (!configured) {
    if (isDevelopment(env)) return `${DEVELOPMENT_BASE_URL}${basePath(env)}`;
    throw new Misconfigured("PUBLIC_BASE_URL", "is required outside development");
  }
  const url = URL.parse(configured);
  if (!url || (url.protocol !== "https:" && url.protocol !== "http:")) throw new Misconfigured("PUBLIC_BASE_URL", "must be an http(s) URL");
  if (url.protocol !== "https:" && !isDevelopment(env)) throw new Misconfigured("PUBLIC_BASE_URL", "must be https outside development");
  if (url.username || url.password || url.search || url.hash) throw new Misconfigured("PUBLIC_BASE_URL", "must not carry userinfo, a query or a fragment");
  return `${url.origin}${url.pathname.replace(/\/+$/, "")}${basePath(env)}`;
}
