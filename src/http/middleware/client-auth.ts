// RFC 6749 §2.3.1 client authentication, by either method the metadata advertises:
// client_secret_basic (HTTP Basic) or client_secret_post (client_id and client_secret in the form).
import { createMiddleware } from "hono/factory";
import { authenticateClient } from "../../directory/client-secrets";
import type { AppEnv } from "../app-env";
import { mediaType } from "../media-type";
import { OAuthError } from "../oauth-errors";

export const CLIENT_AUTH_METHODS = ["client_secret_basic", "client_secret_post"] as const;

interface Credentials {
  id: string;
  secret: string;
}

function basicCredentials(header: string): Credentials | null {
  const match = /^Basic ([A-Za-z0-9+/=]+)$/i.exec(header);
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

/** The one parameter named `name`, or undefined; RFC 6749 §3.2 forbids sending one twice. */
function single(form: URLSearchParams, name: string): string | undefined {
  const values = form.getAll(name);
  if (values.length > 1) throw new OAuthError(400, "invalid_request", `${name} is repeated.`);
  return values[0];
}

/** Which credentials the request presents. Two methods at once is invalid_request (RFC 6749 §2.3). */
function presentedCredentials(authorization: string | undefined, form: URLSearchParams): Credentials | null {
  const bodyId = single(form, "client_id");
  const bodySecret = single(form, "client_secret");
  if (authorization !== undefined && /^Basic\b/i.test(authorization)) {
    if (bodySecret !== undefined) throw new OAuthError(400, "invalid_request", "Use one client authentication method, not two.");
    const basic = basicCredentials(authorization);
    if (basic && bodyId !== undefined && bodyId !== basic.id) {
      throw new OAuthError(400, "invalid_request", "client_id in the body names another client than the Authorization header.");
    }
    return basic;
  }
  if (bodyId === undefined || bodySecret === undefined) return null;
  return { id: bodyId, secret: bodySecret };
}

/** Authenticates the client of an /oauth2 request; RFC 6749 §5.2 errors on failure. Sets `client`. */
export const requireClientAuth = createMiddleware<AppEnv>(async (c, next) => {
  if (mediaType(c.req) !== "application/x-www-form-urlencoded") {
    throw new OAuthError(400, "invalid_request", "Send the parameters as application/x-www-form-urlencoded.");
  }
  // The body is cached by Hono, so the route's form validator reads it again. Decoded from bytes:
  // workerd warns on every .text() of a form body.
  const form = new URLSearchParams(new TextDecoder().decode(await c.req.arrayBuffer()));
  const credentials = presentedCredentials(c.req.header("Authorization"), form);
  const client = credentials && (await authenticateClient(c.var, c.var.config.secretHashKeys, credentials.id, credentials.secret));
  if (!client) throw new OAuthError(401, "invalid_client", "Client authentication failed.");
  c.set("client", client);
  await next();
});
