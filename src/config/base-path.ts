// BASE_PATH mounts the service under a path of a zone it shares with a host application (a
// Workers route such as `example.com/auth/*`). Empty: the service owns the root. Links, the
// OpenAPI server and the OAuth metadata add it to PUBLIC_BASE_URL (see public-origin.ts).
import { Misconfigured } from "./misconfigured";

const PATH = /^(\/[A-Za-z0-9._~-]+)+$/;

/** "/auth" (no trailing slash), or "" for the root. */
export function basePath(env: Partial<Pick<Env, "BASE_PATH">>): string {
  const value = (env.BASE_PATH ?? "").trim().replace(/\/+$/, "");
  if (value === "") return "";
  if (!PATH.test(value) || value.split("/").some((s) => s === "." || s === "..")) {
    throw new Misconfigured("BASE_PATH", "must be a path such as /auth");
  }
  return value;
}
