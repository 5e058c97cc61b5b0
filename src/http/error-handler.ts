import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import { Misconfigured } from "../config/misconfigured";
import { DependencyUnavailable, DuplicateError, isStorageFailure } from "../db/errors";
import type { AppEnv } from "./app-env";
import { ApiError, ConstraintViolationsError, conflict, constraintViolationsBody, errorBody, unavailable } from "./errors";
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

export function handleError(err: Error, c: Context<AppEnv>): Response {
  if (err instanceof OAuthError) {
    const headers: Record<string, string> = {};
    if (err.status === 401) headers["WWW-Authenticate"] = 'Basic realm="oauth2"';
    return c.json({ error: err.error, error_description: err.description }, err.status, headers);
  }
  if (err instanceof ConstraintViolationsError) return c.json(constraintViolationsBody(err.code, err.message, err.violations), 400);
  if (err instanceof Misconfigured) {
    console.error(JSON.stringify({ requestId: c.get("requestId"), status: 503, error: "Misconfigured", variable: err.variable }));
    return c.json(errorBody("misconfigured", `The service is misconfigured: ${err.message} Nothing was changed.`), 503);
  }
  let api: ApiError | null = err instanceof ApiError ? err : null;
  if (err instanceof DuplicateError) api = conflict(err.message);
  if (err instanceof HTTPException && err.status === 400) {
    api = new ApiError(400, "malformed_request_body", "The request body is not valid JSON.");
  }
  if (err instanceof DependencyUnavailable || isStorageFailure(err)) {
    log(c, 503, err);
    api = unavailable();
  }
  if (api) return c.json(errorBody(api.code, api.message), api.status, api.headers);
  log(c, 500, err);
  const requestId = c.get("requestId");
  return c.json({ ...errorBody("internal_error", `Internal error. Request id: ${requestId}.`), requestId }, 500);
}
