import { createRoute, z } from "@hono/zod-openapi";
import { CLIENT_TOKEN_TTL_SECONDS, issueAccessToken } from "../../auth/access-token";
import { requireClientBasicAuth } from "../middleware/client-basic-auth";
import { OAuthError, oauthHook } from "../oauth-errors";
import { router } from "../router";

const form = <T extends z.ZodType>(schema: T) => ({
  body: { content: { "application/x-www-form-urlencoded": { schema } }, required: true },
});

const OAuthErrorBody = z.object({ error: z.string(), error_description: z.string() }).openapi("OAuthError");
const oauthErrors = {
  400: { description: "RFC 6749 §5.2 error.", content: { "application/json": { schema: OAuthErrorBody } } },
  401: { description: "invalid_client.", content: { "application/json": { schema: OAuthErrorBody } } },
};

const TokenResponse = z
  .object({
    access_token: z.string(),
    token_type: z.literal("Bearer"),
    expires_in: z.number().int(),
    refresh_token: z.string().optional(),
  })
  .openapi("TokenResponse");

export const oauth2Routes = router().openapi(
  createRoute({
    method: "post",
    path: "/oauth2/token",
    summary: "Token endpoint (RFC 6749): client_credentials",
    description: "The client authenticates with HTTP Basic. client_credentials returns an access token carrying the client's application, tenant and permissions.",
    security: [{ basicAuth: [] }],
    middleware: [requireClientBasicAuth] as const,
    request: form(z.object({ grant_type: z.string().min(1), scope: z.string().optional() })),
    responses: { 200: { description: "Issued.", content: { "application/json": { schema: TokenResponse } } }, ...oauthErrors },
  }),
  async (c) => {
    const { grant_type } = c.req.valid("form");
    const client = c.var.client;
    c.header("Cache-Control", "no-store");
    if (grant_type !== "client_credentials") throw new OAuthError(400, "unsupported_grant_type", "Use client_credentials.");
    const access_token = await issueAccessToken(
      c.env,
      { sub: client.id, app_id: client.applicationId, ...(client.tenantId ? { tnt_id: client.tenantId } : {}), permissions: client.permissions },
      CLIENT_TOKEN_TTL_SECONDS,
    );
    return c.json({ access_token, token_type: "Bearer" as const, expires_in: CLIENT_TOKEN_TTL_SECONDS }, 200);
  },
  oauthHook,
);
