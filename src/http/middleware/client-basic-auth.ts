import { createMiddleware } from "hono/factory";
import { mediaType } from "../media-type";
import { authenticateClient } from "../../directory/clients";
import type { AppEnv } from "../app-env";
import { OAuthError } from "../oauth-errors";

function basicCredentials(header: string | undefined): { id: string; secret: string } | null {
  const match = /^Basic ([A-Za-z0-9+/=]+)$/i.exec(header ?? "");
  if (!match) return null;
  let decoded: string;
  try {
    decoded = atob(match[1]!);
  } catch {
    return null;
  }
  const colon = decoded.indexOf(":");
  if (colon < 0) return null;
  try {
    // RFC 6749 §2.3.1: id and secret are form-urlencoded before Basic encoding.
    return { id: decodeURIComponent(decoded.slice(0, colon)), secret: decodeURIComponent(decoded.slice(colon + 1)) };
  } catch {
    return null;
  }
}

/** RFC 6749 §2.3.1 client authentication with HTTP Basic; RFC error format on failure. Sets `client`. */
export const requireClientBasicAuth = createMiddleware<AppEnv>(async (c, next) => {
  const type = mediaType(c.req);
  if (type !== "application/x-www-form-urlencoded") {
    throw new OAuthError(400, "invalid_request", "Send the parameters as application/x-www-form-urlencoded.");
  }
  const credentials = basicCredentials(c.req.header("Authorization"));
  const client = credentials && (await authenticateClient(c.var.db, c.env.SECRET_HASH_KEY, credentials.id, credentials.secret));
  if (!client) throw new OAuthError(401, "invalid_client", "Client authentication failed.");
  c.set("client", client);
  await next();
});
