import type { ContentfulStatusCode } from "hono/utils/http-status";

/** RFC 6749 §5.2 errors: `{"error","error_description"}`, used by every /oauth2 endpoint. */
export class OAuthError extends Error {
  constructor(
    readonly status: ContentfulStatusCode,
    readonly error:
      | "invalid_request"
      | "invalid_client"
      | "invalid_grant"
      | "invalid_scope"
      | "unsupported_grant_type"
      | "unsupported_token_type"
      | "temporarily_unavailable",
    readonly description: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(description);
  }
}

export function oauthHook(result: { success: boolean }): undefined {
  if (!result.success) throw new OAuthError(400, "invalid_request", "The form body is missing a parameter or has a malformed one.");
}
