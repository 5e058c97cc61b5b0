// RFC 8414 Authorization Server Metadata: what a standard OAuth client needs to find and use the
// token, revocation and introspection endpoints and the key set, without hand-written settings.
import { z } from "@hono/zod-openapi";
import { serviceIssuer } from "../../config/issuer";
import { PERMISSIONS } from "../../config/permissions";
import { apiRoute } from "../api-route";
import { CLIENT_AUTH_METHODS } from "../middleware/client-auth";
import { router } from "../router";

const Metadata = z
  .object({
    issuer: z.url(),
    token_endpoint: z.url(),
    revocation_endpoint: z.url(),
    introspection_endpoint: z.url(),
    jwks_uri: z.url(),
    grant_types_supported: z.array(z.string()),
    response_types_supported: z.array(z.string()).openapi({ description: "Empty: there is no authorization endpoint." }),
    token_endpoint_auth_methods_supported: z.array(z.string()),
    revocation_endpoint_auth_methods_supported: z.array(z.string()),
    introspection_endpoint_auth_methods_supported: z.array(z.string()),
    scopes_supported: z.array(z.string()),
  })
  .openapi("AuthorizationServerMetadata");

export const authorizationServerMetadataRoutes = router().openapi(
  apiRoute({
    method: "get",
    path: "/.well-known/oauth-authorization-server",
    operationId: "getAuthorizationServerMetadata",
    security: [],
    summary: "OAuth 2.0 Authorization Server Metadata (RFC 8414)",
    description: "The issuer is PUBLIC_BASE_URL; every URL here is under it, and every token's `iss` equals it.",
    responses: { 200: { description: "The metadata.", content: { "application/json": { schema: Metadata } } } },
  }),
  (c) => {
    const issuer = serviceIssuer(c.env);
    const methods = [...CLIENT_AUTH_METHODS];
    c.header("Cache-Control", "public, max-age=300");
    return c.json(
      {
        issuer,
        token_endpoint: `${issuer}/api/v1/oauth2/token`,
        revocation_endpoint: `${issuer}/api/v1/oauth2/revoke`,
        introspection_endpoint: `${issuer}/api/v1/oauth2/introspect`,
        jwks_uri: `${issuer}/.well-known/jwks.json`,
        grant_types_supported: ["client_credentials", "refresh_token"],
        response_types_supported: [],
        token_endpoint_auth_methods_supported: methods,
        revocation_endpoint_auth_methods_supported: methods,
        introspection_endpoint_auth_methods_supported: methods,
        scopes_supported: [...PERMISSIONS],
      },
      200,
    );
  },
);
