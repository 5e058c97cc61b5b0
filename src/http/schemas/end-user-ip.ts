import { z } from "@hono/zod-openapi";

/**
 * The documented request header of the rate-limited operations. Validated by the rate-limit
 * middleware (src/http/middleware/rate-limit.ts), which runs before this schema would.
 */
// No `example`: the API reference would add the header to every sample request, and only some
// clients may send it.
// Lower case: the header validator sees header names lower-cased (they are case-insensitive).
export const EndUserIpHeaders = z.object({
  "x-end-user-ip": z
    .string()
    .optional()
    .openapi({
      description:
        "The end user's IP address (one IPv4 or IPv6 address), as the host application's backend saw it. Its budget is spent as well as the client's (an IPv6 address counts by its /64). Only a client with the permission `end-user-ip:assert` may send it: 403 otherwise (400 `invalid_request` on /oauth2/token); a malformed one answers 400. For example `203.0.113.7`.",
    }),
});
