import { z } from "@hono/zod-openapi";
import { END_USER_PERMISSIONS } from "../../config/permissions";
import { grantedScope } from "../../auth/scope";
import { clientCredentials, introspect, refresh, revoke } from "../../workflows/sessions/tokens";
import { requireClientAuth } from "../middleware/client-auth";
import { rateLimit } from "../middleware/rate-limit";
import { EndUserIpHeaders } from "../schemas/end-user-ip";
import { apiRoute } from "../api-route";
import { OAuthError, oauthHook } from "../oauth-errors";
import { router } from "../router";
import { workflowDeps } from "../workflow-deps";

// client_secret_post sends the credentials in the form; client_secret_basic in the header.
const clientCredentialFields = {
  client_id: z.string().optional().openapi({ description: "client_secret_post only." }),
  client_secret: z.string().optional().openapi({ description: "client_secret_post only." }),
};

const form = <T extends z.ZodRawShape>(shape: T) => {
  const schema = z.object({ ...shape, ...clientCredentialFields });
  return { body: { content: { "application/x-www-form-urlencoded": { schema } }, required: true } };
};

/** client_secret_basic, or client_secret_post with no header (an empty requirement: credentials in the body). */
const clientSecurity: Array<Record<string, string[]>> = [{ basicAuth: [] }, {}];

const OAuthErrorBody = z.object({ error: z.string(), error_description: z.string() }).openapi("OAuthError");
const oauthErrors = {
  400: { description: "RFC 6749 §5.2 error; invalid_request also for two client authentication methods at once.", content: { "application/json": { schema: OAuthErrorBody } } },
  401: { description: "invalid_client.", content: { "application/json": { schema: OAuthErrorBody } } },
  413: { description: "invalid_request: the body is over 16 KiB.", content: { "application/json": { schema: OAuthErrorBody } } },
  503: {
    description: "temporarily_unavailable: a storage dependency is unavailable; nothing was changed. Retry after `Retry-After`.",
    content: { "application/json": { schema: OAuthErrorBody } },
  },
};

const TokenResponse = z
  .object({
    access_token: z.string(),
    token_type: z.literal("Bearer"),
    expires_in: z.number().int(),
    scope: z.string().openapi({ description: "The permissions granted, space-separated; always sent." }),
    refresh_token: z.string().optional(),
  })
  .openapi("TokenResponse");

const Introspection = z
  .object({
    active: z.boolean(),
    token_type: z
      .enum(["Bearer", "refresh_token"])
      .optional()
      .openapi({ description: "`Bearer` for an access token (RFC 6749 §7.1), `refresh_token` for a refresh token." }),
    client_id: z.string().optional().openapi({ description: "The client the token was issued to." }),
    scope: z.string().optional().openapi({ description: "The token's permissions, space-separated." }),
    sub: z.string().optional(),
    sid: z.string().optional(),
    app_id: z.string().optional(),
    tnt_id: z.string().optional(),
    iss: z.string().optional(),
    aud: z.string().optional(),
    exp: z.number().int().optional(),
    iat: z.number().int().optional(),
    jti: z.string().optional(),
  })
  .openapi("Introspection");

export const oauth2Routes = router()
  .openapi(
    apiRoute({
      method: "post",
      path: "/oauth2/token",
      operationId: "token",
      summary: "Token endpoint (RFC 6749): client_credentials and refresh_token",
      description:
        "The client authenticates with client_secret_basic or client_secret_post, not both. client_credentials returns an access token carrying the client's application, tenant and permissions. refresh_token rotates: the old refresh token is spent, and presenting it again revokes its whole session (RFC 9700). A refresh token issued to another client answers invalid_grant and counts as nothing (RFC 6749 §6).",
      security: clientSecurity,
      middleware: [requireClientAuth, rateLimit("token", "oauth")] as const,
      rateLimited: true,
      request: {
        ...form({ grant_type: z.string().min(1), refresh_token: z.string().min(1).optional(), scope: z.string().optional() }),
        headers: EndUserIpHeaders,
      },
      responses: {
        200: { description: "Issued.", content: { "application/json": { schema: TokenResponse } } },
        ...oauthErrors,
        429: {
          description: "temporarily_unavailable: the client, or the end user's IP address, is over its rate limit. Retry after `Retry-After` seconds.",
          content: { "application/json": { schema: OAuthErrorBody } },
        },
      },
    }),
    async (c) => {
      const params = c.req.valid("form");
      const client = c.var.client;
      // A refresh is bounded by the end-user grant, client_credentials by what the client holds.
      const refreshing = params.grant_type === "refresh_token";
      if (!refreshing && params.grant_type !== "client_credentials") {
        throw new OAuthError(400, "unsupported_grant_type", "Use client_credentials or refresh_token.");
      }
      const permissions = grantedScope(refreshing ? END_USER_PERMISSIONS : client.permissions, params.scope);
      if (!permissions) throw new OAuthError(400, "invalid_scope", "The scope asks for a permission that is not granted.");
      if (!refreshing) return c.json(await clientCredentials(workflowDeps(c), client, permissions), 200);
      if (!params.refresh_token) throw new OAuthError(400, "invalid_request", "refresh_token is required.");
      const answer = await refresh(workflowDeps(c), client, params.refresh_token, permissions);
      if (!answer) throw new OAuthError(400, "invalid_grant", "The refresh token is invalid, expired, revoked or already used.");
      return c.json(answer, 200);
    },
    oauthHook,
  )
  .openapi(
    apiRoute({
      method: "post",
      path: "/oauth2/revoke",
      operationId: "revokeToken",
      summary: "Token revocation (RFC 7009)",
      description:
        "Revoking a refresh token or an end user's access token ends its session. A client's access token stops working everywhere until it expires. Answers 200 for unknown tokens too, for tokens of another application, and for tokens issued to another client (RFC 7009 §2.1), revoking nothing.",
      security: clientSecurity,
      middleware: [requireClientAuth] as const,
      request: form({ token: z.string().min(1), token_type_hint: z.string().optional() }),
      responses: { 200: { description: "Revoked, or nothing to revoke." }, ...oauthErrors },
    }),
    async (c) => {
      await revoke(workflowDeps(c), c.var.client, c.req.valid("form").token);
      return c.body(null, 200);
    },
    oauthHook,
  )
  .openapi(
    apiRoute({
      method: "post",
      path: "/oauth2/introspect",
      operationId: "introspectToken",
      summary: "Token introspection (RFC 7662)",
      description:
        "Only tokens this service issued can be active. An end user's access token reads active:false as soon as its session is revoked, a client's as soon as it is revoked, before their exp.",
      security: clientSecurity,
      middleware: [requireClientAuth] as const,
      request: form({ token: z.string().min(1), token_type_hint: z.string().optional() }),
      responses: { 200: { description: "The token's state.", content: { "application/json": { schema: Introspection } } }, ...oauthErrors },
    }),
    async (c) => {
      return c.json(await introspect(workflowDeps(c), c.var.client, c.req.valid("form").token), 200);
    },
    oauthHook,
  );
