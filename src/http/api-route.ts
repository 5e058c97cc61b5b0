// Every route is declared through `apiRoute`, so the OpenAPI document lists, for each operation,
// every status the shared middleware can answer (not only the ones its handler returns).
import { type RouteConfig, createRoute, z } from "@hono/zod-openapi";
import { MAX_BODY_BYTES } from "./middleware/json-body";
import { ConstraintViolations, ErrorBody, InternalErrorBody } from "./schemas/common";

type Response = RouteConfig["responses"][string];

const json = (schema: z.ZodType, description: string, headers?: Record<string, { description: string; schema: object }>): Response => ({
  description,
  content: { "application/json": { schema } },
  ...(headers ? { headers } : {}),
});

const RETRY_AFTER = { "Retry-After": { description: "Seconds to wait before retrying.", schema: { type: "integer", minimum: 0 } } };

/** A malformed JSON body is a `base_error`; a well-formed one that breaks the schema lists its violations. */
const BadRequestWithBody = z.union([ConstraintViolations, ErrorBody]).openapi("BadRequest");

const STANDARD = {
  badRequest: json(ConstraintViolations, "A path or query parameter violates the API's constraints."),
  badRequestWithBody: json(
    BadRequestWithBody,
    "The body violates the API's constraints (`constraint_violations_error`), or is not valid JSON (`base_error` `malformed_request_body`).",
  ),
  unauthorized: json(ErrorBody, "No valid bearer token.", {
    "WWW-Authenticate": { description: "RFC 6750 challenge.", schema: { type: "string" } },
  }),
  forbidden: json(ErrorBody, "The token lacks the permission, or the resource is outside its boundary."),
  methodNotAllowed: json(ErrorBody, "This path does not serve the request's method.", {
    Allow: { description: "The methods this path serves.", schema: { type: "string" } },
  }),
  payloadTooLarge: json(ErrorBody, `The body is over ${MAX_BODY_BYTES} bytes.`),
  unsupportedMediaType: json(ErrorBody, "The body is not application/json."),
  tooManyRequests: json(ErrorBody, "The caller is over a rate limit. Retry after Retry-After seconds.", RETRY_AFTER),
  internal: json(InternalErrorBody, "An unexpected error; the body carries only the request id."),
  unavailable: json(ErrorBody, "A storage dependency is unavailable; nothing was changed. Retry.", RETRY_AFTER),
};

export interface ApiRouteConfig extends Omit<RouteConfig, "operationId" | "security"> {
  /** Unique across the document; the typed RPC method of the same workflow carries the same name. */
  operationId: string;
  /** `bearerSecurity`, `basicSecurity`, or `[]` for a public route: never left implicit. */
  security: NonNullable<RouteConfig["security"]>;
  /** A per-caller rate limit applies: documents 429 with Retry-After. */
  rateLimited?: boolean;
}

function standardResponses(route: ApiRouteConfig): Record<number, Response> {
  const body = route.request?.body?.content;
  const jsonBody = body !== undefined && "application/json" in body;
  const formBody = body !== undefined && "application/x-www-form-urlencoded" in body;
  const bearer = route.security.some((s) => "bearerAuth" in s);
  // Any request but a GET may carry a body, wanted or not: the size limit and the JSON-only rule apply to it.
  const mayCarryBody = route.method !== "get" && route.method !== "head";
  const out: Record<number, Response> = {};
  if (jsonBody) out[400] = STANDARD.badRequestWithBody;
  else if (route.request?.params || route.request?.query || body) out[400] = STANDARD.badRequest;
  if (bearer) {
    out[401] = STANDARD.unauthorized;
    out[403] = STANDARD.forbidden;
  }
  out[405] = STANDARD.methodNotAllowed;
  if (mayCarryBody) out[413] = STANDARD.payloadTooLarge;
  if (["post", "put", "patch"].includes(route.method) && !formBody) out[415] = STANDARD.unsupportedMediaType;
  if (route.rateLimited) out[429] = STANDARD.tooManyRequests;
  out[500] = STANDARD.internal;
  out[503] = STANDARD.unavailable;
  return out;
}

/**
 * `createRoute` plus the standard error responses of the shared middleware: 400 (when the route
 * takes input), 401 and 403 (bearer routes), 405, 413 (any method but GET), 415 (POST, PUT and
 * PATCH, unless the route takes a form), 429 (rate limited), 500 and 503. The route's own `responses` come last, so it may override one (the
 * /oauth2 endpoints answer RFC 6749 errors).
 */
export function apiRoute<P extends string, R extends ApiRouteConfig & { path: P }>(route: R) {
  const { rateLimited: _rateLimited, ...config } = route;
  const responses: Record<string, Response> = standardResponses(route);
  for (const [status, own] of Object.entries(route.responses)) {
    // An override keeps the standard headers (Retry-After, Allow…) unless it documents its own.
    const standard = responses[status];
    const inherited = standard && "headers" in standard ? standard.headers : undefined;
    responses[status] = "$ref" in own || own.headers || !inherited ? own : { ...own, headers: inherited };
  }
  return createRoute({ ...config, responses }) as unknown as ReturnType<
    typeof createRoute<P, R>
  >;
}
