import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { Unauthenticated } from "../auth/refusals";
import { isAdminToken } from "../config/admin-token";
import { Misconfigured, reportMisconfigured } from "../config/misconfigured";
import { type ClassifiedError, classifyError } from "../operations/classify-error";
import type { AppEnv } from "./app-env";
import { ApiError, constraintViolationsBody, errorBody } from "./errors";
import { bearerToken } from "./middleware/authenticate";
import { OAuthError } from "./oauth-errors";

/** Error class names only: messages of storage errors can carry SQL parameters. */
function errorNames(e: unknown): string {
  const names: string[] = [];
  for (let err = e; err instanceof Error; err = err.cause) names.push(err.name);
  return names.join(" <- ") || typeof e;
}

function log(c: Context<AppEnv>, status: number, e: unknown): void {
  console.error(JSON.stringify({ requestId: c.get("requestId"), status, error: errorNames(e) }));
}

/**
 * Hono and its validators throw HTTPException for what is wrong with the request itself
 * (malformed JSON, a media type the route does not take). Each keeps its status, in our words:
 * the framework's message is not part of the contract.
 */
const FRAMEWORK_ERRORS = new Map<number, [code: string, message: string]>([
  [400, ["malformed_request_body", "The request body is not valid JSON."]],
  [401, ["unauthorized", "A valid bearer token is required."]],
  [404, ["not_found", "Route not found."]],
  [413, ["payload_too_large", "The request body is too large."]],
  [415, ["unsupported_media_type", "Send the request body as application/json."]],
]);

function frameworkError(e: HTTPException): ApiError {
  const known = FRAMEWORK_ERRORS.get(e.status);
  if (known) return new ApiError(e.status as ContentfulStatusCode, ...known);
  return new ApiError(400, "bad_request", "The request cannot be processed as sent.");
}

/** RFC 6749 §5.2 has one shape for every failure at the token endpoints, ours included. */
function asOAuth(api: ApiError): OAuthError {
  if (api.status === 415) return new OAuthError(400, "invalid_request", "Send the parameters as application/x-www-form-urlencoded.");
  if (api.status === 401) return new OAuthError(401, "invalid_client", api.message);
  const error = api.status === 429 || api.status === 503 ? "temporarily_unavailable" : "invalid_request";
  return new OAuthError(api.status, error, api.message, api.headers);
}

function oauthResponse(c: Context<AppEnv>, err: OAuthError): Response {
  c.set("errorCode", err.error);
  const headers: Record<string, string> = { ...err.headers };
  if (err.status === 401) headers["WWW-Authenticate"] = 'Basic realm="oauth2"';
  return c.json({ error: err.error, error_description: err.description }, err.status, headers);
}

/** Whether the request carries an admin token; false when ADMIN_TOKEN itself is what is wrong. */
function fromOperator(c: Context<AppEnv>): boolean {
  const token = bearerToken(c.req.header("Authorization"));
  try {
    return token !== null && isAdminToken(c.env, token);
  } catch {
    return false;
  }
}

/** A domain error's answer, with the headers HTTP gives it; the operator's detail only to the admin. */
function domainError(c: Context<AppEnv>, err: Error, classified: ClassifiedError): ApiError {
  const headers: Record<string, string> = {};
  if (err instanceof Unauthenticated) headers["WWW-Authenticate"] = 'Bearer error="invalid_token"';
  if (classified.retryAfter !== null) headers["Retry-After"] = String(classified.retryAfter);
  const message = classified.operatorDetail && fromOperator(c) ? `${classified.message} ${classified.operatorDetail}` : classified.message;
  return new ApiError(classified.status, classified.code, message, headers);
}

/** Every answer below carries its code to the access log too. */
export function handleError(err: Error, c: Context<AppEnv>): Response {
  if (err instanceof OAuthError) return oauthResponse(c, err);
  const classified = classifyError(err);
  if (classified?.violations) {
    c.set("errorCode", classified.code);
    return c.json(constraintViolationsBody(classified.code, classified.message, classified.violations), 400);
  }
  if (err instanceof Misconfigured) reportMisconfigured(err);
  else if (classified?.report) log(c, classified.status, err);
  let api: ApiError | null = classified ? domainError(c, err, classified) : null;
  if (err instanceof ApiError) api = err;
  if (err instanceof HTTPException) api = frameworkError(err);
  if (api && c.req.path.startsWith("/api/v1/oauth2/")) return oauthResponse(c, asOAuth(api));
  if (api) {
    c.set("errorCode", api.code);
    return c.json(errorBody(api.code, api.message), api.status, api.headers);
  }
  c.set("errorCode", "internal_error");
  log(c, 500, err);
  const requestId = c.get("requestId");
  return c.json({ ...errorBody("internal_error", `Internal error. Request id: ${requestId}.`), requestId }, 500);
}
