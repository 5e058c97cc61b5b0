import { createMiddleware } from "hono/factory";
import { mediaType } from "../media-type";
import { ApiError } from "../errors";

export const MAX_BODY_BYTES = 16 * 1024;

function hasBody(req: Request): boolean {
  const length = req.headers.get("Content-Length");
  return length !== null ? Number(length) > 0 : req.body !== null;
}

/** JSON endpoints: a request that carries a body must say it is JSON (415 otherwise). */
export const requireJsonBody = createMiddleware(async (c, next) => {
  if (["POST", "PUT", "PATCH"].includes(c.req.method) && hasBody(c.req.raw)) {
    const type = mediaType(c.req);
    if (type !== "application/json") {
      throw new ApiError(415, "unsupported_media_type", "Send the request body as application/json.");
    }
  }
  await next();
});
